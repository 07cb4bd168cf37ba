"""The `kg` command end to end on the real embedded store: ingest, export, remove, bad inputs, cypher, demo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import KG, MINI_LEXICON, ROOT, SHARED, flat, table_rows

from conflictkg import cli
from conflictkg.loaders.read import RawDocument, Reader

GOOD = {
    "ceasefire.txt": (
        "Ceasefire holds around Nagorno-Karabakh\nPublished: 2020-11-20\n\n"
        "Armenia will return the Aghdam district to Azerbaijan by 20 November 2020. "
        "Under the trilateral statement, Azerbaijan guarantees safe traffic along the Lachin corridor.\n"
    ),
    "peacekeepers.txt": (
        "Peacekeepers take up positions\nPublished: 2020-11-15\n\n"
        "Vladimir Putin signed the trilateral statement together with Ilham Aliyev and Nikol Pashinyan. "
        "The Russian peacekeepers will guard the Lachin corridor for five years.\n"
    ),
}


def write_good(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def evidence_of(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [ev for r in records for ev in r.get("evidence", [])]


def summary(result: Any) -> str:
    return flat(result.stderr)


@pytest.fixture
def base(kg: KG, tmp_path: Path) -> tuple[KG, str, dict[str, int]]:
    """A store holding one good document, with its export and counts before anything else happens."""
    good = write_good(tmp_path / "good")
    result = kg.ingest(good / "ceasefire.txt")
    assert result.exit_code == 0, result.output
    before = kg.export()
    assert '"type": "document"' in before
    return kg, before, kg.stats()


# -- the seed corpus ---------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_reingest_gives_a_byte_identical_export(seeded: tuple[KG, str], seeds_dir: Path) -> None:
    kg, original = seeded
    again = kg.ingest(seeds_dir)
    assert again.exit_code == 0, again.output
    assert "0 ingested, 4 unchanged, 0 failed" in summary(again)
    assert kg.export() == original

    # a document removed and ingested again is written afresh and exports exactly as before
    first = sorted(p.name for p in seeds_dir.iterdir())[0]
    assert kg("remove", first).exit_code == 0
    assert kg.export() != original
    rewritten = kg.ingest(seeds_dir)
    assert "1 ingested, 3 unchanged, 0 failed" in summary(rewritten)
    assert kg.export() == original


@pytest.mark.slow
def test_a_fresh_store_gets_the_same_export(seeded_template: tuple[Path, str], seeds_dir: Path,
                                            tmp_path: Path) -> None:
    _, original = seeded_template
    kg = KG(tmp_path / "fresh")
    assert kg.ingest(seeds_dir).exit_code == 0
    assert kg.export() == original


@pytest.mark.slow
def test_the_export_scores_against_the_gold(seeded: tuple[KG, str], seeds_dir: Path, tmp_path: Path) -> None:
    kg, original = seeded
    out = tmp_path / "x.jsonl"
    result = kg("export", "--format", "jsonl", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == original
    assert not out.with_name("x.jsonl.partial").exists()

    records = [json.loads(line) for line in original.splitlines()]
    types = {r["type"] for r in records}
    assert types == {"document", "entity", "relation", "provision"}
    entities = {r["id"] for r in records if r["type"] == "entity"}
    for r in records:  # every fact refers to exported entities and quotes its document exactly
        if r["type"] == "relation":
            assert {r["subject"], r["object"]} <= entities
        if r["type"] == "provision":
            assert {r["agreement"], *r["obliges"], *r["concerns"]} <= entities
        for ev in r.get("evidence", []):
            text = (seeds_dir / ev["document"]).read_text(encoding="utf-8")
            assert text[ev["start"]:ev["end"]] == ev["quote"]

    score = subprocess.run(
        [sys.executable, str(SHARED / "score_extraction.py"), str(out), str(SHARED / "gold"), str(seeds_dir)],
        capture_output=True, text=True, check=False,
    )
    assert score.returncode == 0, score.stderr
    last = dict(item.split("=") for item in score.stdout.strip().splitlines()[-1].split())
    assert float(last["evidence_grounded"]) >= 0.98
    assert float(last["relations_r"]) > 0
    assert float(last["entities_r"]) > 0


@pytest.mark.slow
def test_min_confidence_leaves_out_weak_evidence(seeded: tuple[KG, str]) -> None:
    kg, original = seeded
    all_evidence = evidence_of([json.loads(line) for line in original.splitlines()])
    cut = sorted(ev["confidence"] for ev in all_evidence)[len(all_evidence) // 2]
    result = kg("export", "--min-confidence", str(cut))
    assert result.exit_code == 0
    kept = evidence_of([json.loads(line) for line in result.stdout.splitlines()])
    assert kept and all(ev["confidence"] >= cut for ev in kept)
    assert len(kept) == sum(1 for ev in all_evidence if ev["confidence"] >= cut) < len(all_evidence)


@pytest.mark.slow
def test_remove_leaves_no_trace_of_the_document(seeded: tuple[KG, str], seeds_dir: Path) -> None:
    kg, original = seeded
    docs = sorted(p.name for p in seeds_dir.iterdir())
    victim = docs[0]
    assert victim in original

    result = kg("remove", victim)
    assert result.exit_code == 0, result.output
    assert f"removed {victim}" in flat(result.stderr)

    records = kg.records()
    assert [r["id"] for r in records if r["type"] == "document"] == docs[1:]
    assert all(ev["document"] != victim for ev in evidence_of(records))
    assert all(victim not in r["documents"] for r in records if r["type"] == "entity")
    assert victim not in kg.export()
    assert kg.stats()["documents"] == 3
    # nothing left in the graph either: no evidence, no entity without a mention, no provision without evidence
    for query in (
        f"MATCH (ev:Evidence) WHERE ev.document = '{victim}' RETURN count(ev) AS n",
        "MATCH (n:Entity) WHERE NOT (n)-[:MENTIONED_IN]->() RETURN count(n) AS n",
        "MATCH (p:Provision) OPTIONAL MATCH (ev:Evidence {fact: p.id}) WITH p, count(ev) AS c WHERE c = 0 "
        "RETURN count(p) AS n",
    ):
        rows = kg("cypher", query)
        assert rows.exit_code == 0, rows.output
        assert json.loads(rows.stdout) == {"n": 0}, query


# -- commands on a small store ----------------------------------------------------------------------------------
def test_remove_of_an_unknown_document_fails_and_names_it(base: tuple[KG, str, dict[str, int]]) -> None:
    kg, before, stats = base
    result = kg("remove", "nope")
    assert result.exit_code == 1
    assert "no document 'nope' in the store" in flat(result.stderr)
    assert kg.export() == before and kg.stats() == stats


def test_cypher_refuses_writes(base: tuple[KG, str, dict[str, int]]) -> None:
    kg, before, stats = base
    result = kg("cypher", "CREATE (n:X {name: 'intruder'})")
    assert result.exit_code == 1
    assert "read-only" in flat(result.stderr)
    assert kg.export() == before and kg.stats() == stats
    assert json.loads(kg("cypher", "MATCH (n:X) RETURN count(n) AS n").stdout) == {"n": 0}


def test_cypher_prints_rows_as_json(base: tuple[KG, str, dict[str, int]]) -> None:
    kg, _, _ = base
    result = kg("cypher", "MATCH (d:Document) RETURN count(d) AS n")
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"n": 1}]

    rows = kg("cypher", "MATCH (d:Document) WHERE d.id = $id RETURN d.id AS id", "--params",
              json.dumps({"id": "ceasefire.txt"}))
    assert json.loads(rows.stdout) == {"id": "ceasefire.txt"}

    bad = kg("cypher", "MATCH (d) RETURN d", "--params", "{not json")
    assert bad.exit_code == 1 and "--params is not valid JSON" in flat(bad.stderr)
    broken = kg("cypher", "MATCH (d RETURN d")
    assert broken.exit_code == 1 and "query failed" in flat(broken.stderr)


def test_stats_shows_the_counts(base: tuple[KG, str, dict[str, int]]) -> None:
    kg, _, stats = base
    result = kg("stats")
    assert result.exit_code == 0, result.output
    rows = {what: int(n) for what, n in table_rows(result.stdout) if n.isdigit()}
    assert rows == stats
    assert stats["documents"] == 1 and stats["entities"] > 0 and stats["evidence"] > 0


def test_export_of_an_unknown_format_fails(base: tuple[KG, str, dict[str, int]]) -> None:
    kg, _, _ = base
    result = kg("export", "--format", "xml")
    assert result.exit_code == 1
    assert "unknown export format 'xml'" in flat(result.stderr)


def test_ingest_refuses_a_bad_published_date(kg: KG, tmp_path: Path) -> None:
    good = write_good(tmp_path / "good")
    result = kg.ingest(good, published="notadate")
    assert result.exit_code == 1
    assert "--published 'notadate' is not a date: use YYYY-MM-DD" in flat(result.stderr)
    assert not kg.data_dir.exists()  # refused before the store was even opened


def test_published_sets_the_document_date(kg: KG, tmp_path: Path) -> None:
    doc = tmp_path / "undated.txt"
    doc.write_text("Russian peacekeepers will guard the Lachin corridor, Azerbaijan said.\n", encoding="utf-8")
    assert kg.ingest(doc, published="2020-11-10").exit_code == 0
    [record] = [r for r in kg.records() if r["type"] == "document"]
    assert record["published"] == "2020-11-10"


def test_ingest_from_standard_input(kg: KG) -> None:
    text = "Under the trilateral statement, Azerbaijan guarantees safe traffic along the Lachin corridor.\n"
    result = kg.runner.invoke(cli.app, ["ingest", "-", "--store", str(kg.data_dir), "--lexicon", str(MINI_LEXICON)],
                              input=text.encode())
    assert result.exit_code == 0, result.output
    docs = [r["id"] for r in kg.records() if r["type"] == "document"]
    assert len(docs) == 1 and docs[0].startswith("stdin-")


@pytest.mark.slow
def test_demo_prints_the_guarantees_table(kg: KG, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.out, "_width", 250)  # one table row per line
    result = kg("demo")
    assert result.exit_code == 0, result.output
    assert "5 ingested, 0 unchanged, 0 failed" in summary(result)
    out = result.stdout
    assert "Who guarantees which corridor under which agreement?" in out
    rows = table_rows(out)
    found = {(r[0], r[1], r[3]) for r in rows}
    assert ("Azerbaijan", "Lachin corridor", "GUARANTEE_PASSAGE") in found
    assert ("Russian peacekeepers", "Lachin corridor", "SECURE_CORRIDOR") in found
    assert any(r[0] == "Armenia" and r[3] == "GUARANTEE_PASSAGE" for r in rows)
    assert "MATCH (a:Agreement)-[:HAS_PROVISION]->(p:Provision)" in flat(out)

    again = kg("demo")  # the samples are already in: nothing is written twice, same answer
    assert "0 ingested, 5 unchanged" in summary(again)
    assert again.stdout == out


# -- bad inputs: message, exit code, graph unchanged -------------------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8

BAD_INPUTS = [
    ("empty.txt", b"", "empty.txt: the file is empty; nothing to ingest"),
    ("blank.txt", b"  \n\t\r\n   \n", "blank.txt: the file holds only whitespace; nothing to ingest"),
    ("image.txt", PNG, "image.txt: this looks like a binary file, not text"),
    ("photo.png", PNG, "photo.png: this looks like a binary file, not text"),
    ("scripts.html", b"<html><head><script>var a = 'Russia';</script></head><body><script>go()</script>"
     b"<style>p {color: red}</style></body></html>", "scripts.html: no visible text is left after removing the HTML"),
    ("[draft] notes.txt", b"", "[draft] notes.txt: the file is empty"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_a_bad_file_fails_with_a_clear_message_and_leaves_the_graph_alone(
    base: tuple[KG, str, dict[str, int]], tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    kg, before, stats = base
    path = tmp_path / "bad" / name
    path.parent.mkdir()
    path.write_bytes(content)
    result = kg.ingest(path)
    assert result.exit_code == 1, result.output
    assert f"failed: {message}" in flat(result.stderr)
    assert "0 ingested, 0 unchanged, 1 failed" in summary(result)
    assert kg.export() == before
    assert kg.stats() == stats


def test_a_missing_path_fails_and_names_it(base: tuple[KG, str, dict[str, int]], tmp_path: Path) -> None:
    kg, before, stats = base
    missing = tmp_path / "nothere.txt"
    result = kg.ingest(missing)
    assert result.exit_code == 1
    assert f"{missing}: no such file or directory" in flat(result.stderr)
    assert kg.export() == before and kg.stats() == stats


def test_a_folder_without_documents_fails(base: tuple[KG, str, dict[str, int]], tmp_path: Path) -> None:
    kg, before, stats = base
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "photo.png").write_bytes(PNG)
    result = kg.ingest(folder)
    assert result.exit_code == 1
    assert "nothing to ingest" in flat(result.stderr)
    assert kg.export() == before and kg.stats() == stats


def test_a_50_mb_file_is_refused_with_the_limit_named(base: tuple[KG, str, dict[str, int]], tmp_path: Path) -> None:
    kg, before, stats = base
    big = tmp_path / "big.txt"
    line = b"Azerbaijan and Armenia met again to discuss the Lachin corridor and the border.\n"
    with big.open("wb") as handle:
        handle.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert big.stat().st_size >= 50 * 1024 * 1024
    result = kg.ingest(big)
    assert result.exit_code == 1
    text = flat(result.stderr)
    assert "big.txt: the input is 50.0 MB" in text
    assert "above the limit of 19.1 MB (20000000 bytes)" in text
    assert "--max-bytes" in text
    assert kg.export() == before and kg.stats() == stats


def test_max_bytes_applies_to_small_files_too(base: tuple[KG, str, dict[str, int]], tmp_path: Path) -> None:
    kg, before, stats = base
    good = write_good(tmp_path / "more")
    result = kg.ingest(good / "peacekeepers.txt", max_bytes="100")
    assert result.exit_code == 1
    assert "peacekeepers.txt: the input is" in flat(result.stderr) and "(100 bytes)" in flat(result.stderr)
    assert kg.export() == before and kg.stats() == stats


def test_a_cp1252_file_is_decoded_and_ingested(base: tuple[KG, str, dict[str, int]], tmp_path: Path) -> None:
    kg, before, stats = base
    text = ("Türkiye supports Azerbaijan, the café owner in Ankara said.\n"
            "\u201cThe transport links to Nakhchivan must reopen,\u201d he added.\n")
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")

    result = kg.ingest(path)
    assert result.exit_code == 0, result.output
    assert "1 ingested" in summary(result)
    exported = kg.export()
    assert "\ufffd" not in exported and "Ã" not in exported
    records = [json.loads(line) for line in exported.splitlines()]
    assert "latin.txt" in [r["id"] for r in records if r["type"] == "document"]
    turkey = next(r for r in records if r["type"] == "entity" and r["id"] == "turkey")
    assert "latin.txt" in turkey["documents"] and "Türkiye" in turkey["aliases"]
    for ev in evidence_of(records):
        if ev["document"] == "latin.txt":  # offsets refer to the decoded text
            assert text[ev["start"]:ev["end"]] == ev["quote"]
    assert kg.stats()["documents"] == stats["documents"] + 1


def test_html_scripts_never_reach_the_graph(base: tuple[KG, str, dict[str, int]], tmp_path: Path) -> None:
    kg, before, stats = base
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>Corridor news</title>"
        "<script>var secretPayload = 'Armenia controls Shusha';</script></head><body>"
        "<nav>Home | World</nav>"
        "<article><h1>Corridor guarantees</h1>"
        "<p>Under the trilateral statement, Azerbaijan guarantees safe traffic along the Lachin corridor.</p>"
        "<script>document.write('Iran guards the Lachin corridor')</script>"
        "<p>The Russian peacekeepers will guard the Lachin corridor.</p></article>"
        "<style>.x { color: red }</style></body></html>",
        encoding="utf-8",
    )
    result = kg.ingest(page)
    assert result.exit_code == 0, result.output
    exported = kg.export()
    for leaked in ("secretPayload", "document.write", "Iran guards", "color: red", "Armenia controls Shusha"):
        assert leaked not in exported
    records = [json.loads(line) for line in exported.splitlines()]
    html_evidence = [ev for ev in evidence_of(records) if ev["document"] == "page.html"]
    assert html_evidence, "the visible text should yield facts"
    [raw] = Reader().run([page])
    assert isinstance(raw, RawDocument)
    for ev in html_evidence:  # HTML offsets refer to the extracted text
        assert raw.text[ev["start"]:ev["end"]] == ev["quote"]
        assert "<" not in ev["quote"]


def test_one_bad_file_among_good_ones(kg: KG, tmp_path: Path) -> None:
    mixed = write_good(tmp_path / "mixed")
    (mixed / "broken.txt").write_bytes(PNG)
    result = kg.ingest(mixed)
    assert result.exit_code == 1
    assert "failed: broken.txt: this looks like a binary file" in flat(result.stderr)
    assert "2 ingested, 0 unchanged, 1 failed" in summary(result)

    only_good = KG(tmp_path / "only-good")
    assert only_good.ingest(write_good(tmp_path / "good")).exit_code == 0
    assert kg.export() == only_good.export()

    again = kg.ingest(mixed)  # the good ones are kept, the bad one is still reported
    assert again.exit_code == 1
    assert "0 ingested, 2 unchanged, 1 failed" in summary(again)
    assert kg.export() == only_good.export()


def test_a_changed_file_replaces_its_facts(kg: KG, tmp_path: Path) -> None:
    doc = tmp_path / "report.txt"
    doc.write_text("Under the trilateral statement, Azerbaijan guarantees safe traffic along the Lachin corridor.\n",
                   encoding="utf-8")
    assert kg.ingest(doc).exit_code == 0
    assert any(r["type"] == "provision" for r in kg.records())
    doc.write_text("Ilham Aliyev spoke about the weather on Monday.\n", encoding="utf-8")
    result = kg.ingest(doc)
    assert "1 ingested, 0 unchanged" in summary(result)
    records = kg.records()
    assert not [r for r in records if r["type"] in {"provision", "relation"}]
    assert "lachin_corridor" not in {r["id"] for r in records if r["type"] == "entity"}
    assert kg.stats()["documents"] == 1


# -- the installed command in real processes -------------------------------------------------------------------------
@pytest.mark.slow
def test_the_acceptance_command_line(tmp_path: Path, seeds_dir: Path) -> None:
    """`kg ingest ../shared/seeds && kg export --format jsonl --out x.jsonl && python score_extraction.py ...`"""
    kg_bin = Path(sys.executable).with_name("kg")
    if not kg_bin.exists():
        kg_bin = Path(shutil.which("kg") or ROOT / ".venv" / "bin" / "kg")
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("KG_STORE", None)

    def run(*args: str, cwd: Path = tmp_path, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(kg_bin), *args], cwd=cwd, env={**env, **extra}, capture_output=True, text=True,
                              check=False, timeout=300)

    ingest = run("ingest", str(seeds_dir), "--lexicon", str(MINI_LEXICON))
    assert ingest.returncode == 0, ingest.stderr
    assert (tmp_path / "kg-data").is_dir()  # the default store is ./kg-data
    export = run("export", "--format", "jsonl", "--out", "x.jsonl")
    assert export.returncode == 0, export.stderr
    score = subprocess.run([sys.executable, str(SHARED / "score_extraction.py"), "x.jsonl", str(SHARED / "gold"),
                            str(seeds_dir)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert score.returncode == 0, score.stderr
    assert "evidence_grounded=1.000" in score.stdout.splitlines()[-1]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    stats = run("stats", cwd=elsewhere, KG_STORE=str(tmp_path / "kg-data"))
    assert stats.returncode == 0, stats.stderr
    assert ["documents", "4"] in table_rows(stats.stdout)
    # every command stopped the server it started
    assert not (tmp_path / "kg-data" / "falkordb.pid").exists()
    assert not (tmp_path / "kg-data" / "falkordb.sock").exists()


def test_a_command_shares_a_server_another_user_holds(base: tuple[KG, str, dict[str, int]]) -> None:
    from conflictkg.graph.falkor import FalkorStore

    kg, before, _ = base
    holder = FalkorStore(kg.data_dir)  # e.g. a long-running API process on the same data directory
    try:
        holder.read("RETURN 1 AS one")
        pid = holder.server.server_pid()
        assert kg.export() == before
        assert kg("stats").exit_code == 0
        assert holder.server.server_pid() == pid, "a command stopped or replaced a server someone else uses"
        assert holder.stats()["documents"] == 1
    finally:
        holder.close()
    assert not (kg.data_dir / "falkordb.pid").exists()


def test_an_unusable_store_path_is_a_clear_error(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "kg"
    not_a_dir.write_text("a file, not a folder")
    result = KG(not_a_dir)("stats")
    assert result.exit_code == 1
    assert f"cannot use {not_a_dir} as the data directory" in flat(result.stderr)
    assert not_a_dir.read_text() == "a file, not a folder"


def test_bench_runs_a_repository_benchmark_and_refuses_unknown_names() -> None:
    kg = str(Path(sys.executable).with_name("kg"))
    usage = subprocess.run([kg, "bench", "query", "--help"], capture_output=True, text=True, timeout=120)
    assert usage.returncode == 0 and "--samples" in usage.stdout  # the benchmark's own options, passed through
    unknown = subprocess.run([kg, "bench", "speed"], capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 2 and "no benchmark called 'speed'" in unknown.stderr


def test_serve_with_two_workers_answers_and_stops_cleanly(kg: KG, tmp_path: Path) -> None:
    import signal
    import socket
    import time
    import urllib.request

    from conflictkg.graph.falkor import FalkorStore

    assert kg.ingest(write_good(tmp_path / "docs")).exit_code == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    exe = str(Path(sys.executable).with_name("kg"))
    server = subprocess.Popen([exe, "serve", "--store", str(kg.data_dir), "--port", str(port), "--workers", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def ask() -> dict[str, Any]:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", method="POST",
                                         data=b'{"query": "{ entities(first: 1) { totalCount } }"}',
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return dict(json.loads(response.read()))

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                first = ask()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "kg serve --workers 2 did not answer"
                time.sleep(0.3)
        assert first["data"]["entities"]["totalCount"] > 0
        assert all(ask() == first for _ in range(8))  # whichever worker answers
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert server.returncode == 0
    assert FalkorStore(kg.data_dir).server.server_pid() is None  # every worker let the store's server go
    assert kg("serve", "--workers", "0").exit_code == 2
