"""The `kg` command tried as a new user would (issue 13 item 15): every mistake gets one line and a listed exit code."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import KG, ROOT, flat
from test_cli import write_good

from conflictkg.cli import app
from conflictkg.graph.falkor import FalkorStore

KG_SCRIPT = str(Path(sys.executable).with_name("kg"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def listening() -> Iterator[int]:
    """A port something listens on."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield int(server.getsockname()[1])


def test_version(kg: KG) -> None:
    """issue 13 item 15: `kg --version` prints the installed version."""
    result = kg.runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"kg (conflictkg) {version('conflictkg')}"


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_serve_refuses_a_port_outside_1_to_65535(kg: KG, port: str) -> None:
    """issue 13 item 15: `--port 99999` listened on a random port while the banner said 99999."""
    result = kg("serve", "--port", port)
    assert result.exit_code == 2 and "--port" in flat(result.output)
    assert "GraphQL API and playground at" not in result.output
    assert not kg.data_dir.exists()  # refused before the store was opened


def test_serve_on_a_port_in_use_is_one_line_and_exit_1(kg: KG, listening: int) -> None:
    """issue 13 item 15: a port in use printed the "serving at" banner, then exited 3 (not in the README)."""
    result = kg("serve", "--port", str(listening))
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{listening}" in flat(result.stderr) and "--port" in flat(result.stderr)
    assert "GraphQL API and playground at" not in result.stderr


@pytest.mark.parametrize("command", [["stats"], ["export"], ["cypher", "RETURN 1 AS x"], ["documents"],
                                     ["remove", "a.txt"]])
def test_read_commands_refuse_a_store_that_does_not_exist(tmp_path: Path, command: list[str]) -> None:
    """issue 13 item 15: `kg stats --store` with a mistyped path silently created an empty store."""
    typo = KG(tmp_path / "kg-dta")
    result = typo(*command)
    assert result.exit_code == 1
    assert f"there is no store at {tmp_path / 'kg-dta'}" in flat(result.stderr)
    assert not (tmp_path / "kg-dta").exists()


def test_an_unreachable_neo4j_fails_in_one_line(tmp_path: Path) -> None:
    """issue 13 item 15: `--store neo4j://host:7999` with nothing listening retried for over a minute."""
    port = _free_port()
    result = KG(tmp_path).runner.invoke(app, ["stats", "--store", f"neo4j://127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert flat(result.stderr).startswith(f"error: cannot reach Neo4j at 127.0.0.1:{port} (Connection refused)")


def test_published_for_an_unchanged_document_is_explained(kg: KG, tmp_path: Path) -> None:
    """issue 13 item 15: `--published` for a document already stored was silently ignored; it is now explained."""
    good = write_good(tmp_path / "good")
    assert kg.ingest(good / "ceasefire.txt").exit_code == 0
    again = kg.ingest(good / "ceasefire.txt", published="2021-01-01")
    assert again.exit_code == 0
    note = flat(again.stderr)
    assert "--published 2021-01-01 was not applied to the 1 unchanged document(s)" in note and "kg remove" in note


def test_documents_lists_the_stored_documents(kg: KG, tmp_path: Path) -> None:
    """issue 13 item 15: there was no command that lists documents."""
    good = write_good(tmp_path / "good")
    assert kg.ingest(good, published="2020-11-21").exit_code == 0
    result = kg("documents")
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[0] for row in rows] == ["ceasefire.txt", "peacekeepers.txt"]
    assert all(len(row) == 3 and row[2] for row in rows)
    assert "2 documents" in result.stderr


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_max_bytes_below_one_is_a_usage_error(kg: KG, tmp_path: Path, limit: str) -> None:
    """issue 13 item 14: `--max-bytes 0` meant "the default limit" and -1 was accepted."""
    good = write_good(tmp_path / "good")
    result = kg.ingest(good, max_bytes=limit)
    assert result.exit_code == 2 and "--max-bytes" in flat(result.output)


def test_bench_help_and_the_concurrency_benchmark(kg: KG) -> None:
    """issue 13 item 15: `kg bench --help` and `kg bench concurrency` failed although the README points to them."""
    helped = kg.runner.invoke(app, ["bench", "--help"])
    assert helped.exit_code == 0 and "concurrency" in flat(helped.stdout) and "kg bench query --help" in helped.stdout
    own = subprocess.run([KG_SCRIPT, "bench", "concurrency", "--help"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert own.returncode == 0 and "--workers" in own.stdout, own.stderr


def test_a_closed_pipe_ends_kg_cypher_quietly(tmp_path: Path) -> None:
    """issue 13 item 15: `kg cypher ... | head` could end with a BrokenPipeError message."""
    data = tmp_path / "kg"
    store = FalkorStore(data)
    store.ensure_schema()
    store.close()
    command = [KG_SCRIPT, "cypher", "UNWIND range(1, 100000) AS x RETURN x",
               "--limit", "100000", "--store", str(data)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline() == b'{"x": 1}\n'
        proc.stdout.close()  # what `head -1` does after its line
        errors = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 0
    assert errors == ""
