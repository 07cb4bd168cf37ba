"""The `kg` command. With api/ the only place that reads configuration from the environment (`config.py`)."""

from __future__ import annotations

import json
import os
import signal
import sys
from contextlib import contextmanager
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from conflictkg.config import open_configured_store, store_uri
from conflictkg.errors import KGError, StoreError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Conflict knowledge graph: ingest, query, export.")
err = Console(stderr=True)
out = Console()

StoreOpt = Annotated[
    str | None,
    typer.Option("--store", "-s", help="Data directory of the embedded store, or neo4j://host:7687. Env: KG_STORE."),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks on errors.")]


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"kg (conflictkg) {version('conflictkg')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Conflict knowledge graph: ingest, query, export."""


def _silence_stdout() -> None:
    """Send what is left of stdout to /dev/null, so that flushing it at exit raises no second BrokenPipeError."""
    import contextlib

    with contextlib.suppress(OSError, ValueError):  # (not a real file: a test runner's buffer)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextmanager
def _session(store: str | None, verbose: bool, *, existing: bool = False) -> Any:
    """Open the store (`existing`: refuse a data directory that is not there, rather than start an empty store),
    turn expected failures into one clear line and exit code 1."""
    handle = None
    try:
        uri = store_uri(store)
        if existing and "://" not in uri and not Path(uri).exists():
            raise StoreError(f"there is no store at {uri}: check --store (or KG_STORE); `kg ingest` creates one")
        handle = open_configured_store(store)
        handle.ensure_schema()
        yield handle
    except (typer.Exit, typer.Abort):  # a command's own exit code passes through untouched
        raise
    except BrokenPipeError as exc:  # whoever read the output stopped (`kg cypher ... | head`): end quietly
        _silence_stdout()
        raise typer.Exit(0) from exc
    except KGError as exc:
        if verbose:
            err.print_exception()
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from exc
    except Exception as exc:  # an unexpected failure: one line, traceback on --verbose
        if verbose:
            err.print_exception()
        err.print(
            f"[red]error:[/red] {type(exc).__name__}: {escape(str(exc))} (run with --verbose for the traceback)",
            highlight=False,
        )
        raise typer.Exit(2) from exc
    finally:
        if handle is not None:
            handle.close()


def _check_extractor(mode: str) -> None:
    """Refuse a bad --extractor, or the LLM without its endpoint, before the store is opened."""
    problem = None
    if mode not in {"rules", "llm", "both"}:
        problem = f"--extractor {mode!r} is not one of rules, llm, both"
    elif mode != "rules" and not (os.environ.get("KG_LLM_URL") and os.environ.get("KG_LLM_MODEL")):
        problem = (f"--extractor {mode} needs KG_LLM_URL (an OpenAI-compatible base URL, e.g. "
                   "http://127.0.0.1:8080/v1) and KG_LLM_MODEL; KG_LLM_API_KEY is optional")
    if problem:
        err.print(f"[red]error:[/red] {escape(problem)}", highlight=False)
        raise typer.Exit(1)


def _llm_processor(mode: str, sources: list[str], published: date | None) -> Any:
    """A DocumentProcessor with the LLM extractor for `--extractor llm|both`; None keeps the rules."""
    if mode == "rules":
        return None
    from conflictkg.loaders.extract import RelationExtractor
    from conflictkg.loaders.lexicon import Lexicon
    from conflictkg.loaders.llm_extract import LLMExtractor, MergedExtractor
    from conflictkg.loaders.pipeline import DocumentProcessor

    lex = Lexicon.merged(list(sources))
    llm = LLMExtractor(lex, os.environ["KG_LLM_URL"], os.environ["KG_LLM_MODEL"],
                       api_key=os.environ.get("KG_LLM_API_KEY") or None)
    chosen = llm if mode == "llm" else MergedExtractor(RelationExtractor(lex), llm)
    return DocumentProcessor(lex, published=published, extractor=chosen)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for standard input.")],
    store: StoreOpt = None,
    lexicon: Annotated[
        list[str] | None, typer.Option("--lexicon", "-l", help="Lexicon name or YAML path; repeat to merge.")
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) to resolve relative dates against.")
    ] = None,
    max_bytes: Annotated[int, typer.Option(min=1, help="Refuse files larger than this many bytes.")] = 20_000_000,
    extractor: Annotated[
        str,
        typer.Option(help="rules, llm (an OpenAI-compatible endpoint: KG_LLM_URL, KG_LLM_MODEL, KG_LLM_API_KEY) "
                     "or both."),
    ] = "rules",
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Extraction processes (the rules extractor); one process writes.")
    ] = 1,
    verbose: VerboseOpt = False,
) -> None:
    """Read documents, extract entities, relations and provisions with evidence, and write them to the store."""
    from conflictkg.loaders.lexicon import DEFAULT_LEXICON
    from conflictkg.loaders.pipeline import Pipeline

    try:
        when = date.fromisoformat(published) if published else None
    except ValueError as exc:
        err.print(f"[red]error:[/red] --published {escape(repr(published))} is not a date: use YYYY-MM-DD")
        raise typer.Exit(1) from exc
    _check_extractor(extractor)
    if workers > 1 and extractor != "rules":
        err.print(f"[red]error:[/red] --workers {workers} runs the rules extractor only; the LLM extractor waits "
                  "on its endpoint, not the CPU: leave --workers at 1")
        raise typer.Exit(1)
    with _session(store, verbose) as handle:
        sources = lexicon or [DEFAULT_LEXICON]
        pipeline = Pipeline(handle, sources, published=when, max_bytes=max_bytes,
                            processor=_llm_processor(extractor, sources, when), workers=workers)
        progress = Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
            TimeElapsedColumn(), console=err, transient=True,
        )
        with progress:
            task = progress.add_task("loading the language model", total=None)

            def tick(item: Any) -> None:
                progress.update(task, advance=1, description=item.document)
                if item.status == "failed":
                    progress.console.print(f"[red]failed:[/red] {escape(item.message)}", highlight=False)

            report = pipeline.ingest(paths, progress=tick)
        stats = handle.stats()
        err.print(
            f"{report.count('ingested')} ingested, {report.count('unchanged')} unchanged, "
            f"{len(report.failed)} failed in {report.seconds:.1f}s "
            f"({report.words / max(report.seconds, 1e-9):,.0f} words/s). Graph: {stats['documents']} documents, "
            f"{stats['entities']} entities, {stats['relations']} relations, {stats['provisions']} provisions.",
            highlight=False,
        )
        unchanged = report.count("unchanged")
        if when and unchanged:
            err.print(f"note: --published {when} was not applied to the {unchanged} unchanged document(s): they are "
                      "stored with the same content and were not extracted again; `kg remove ID` then ingest them "
                      "again to re-date them", highlight=False)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def export(
    format: Annotated[
        str, typer.Option("--format", "-f", help="jsonl (the export contract), or RDF: trig, nquads, jsonld, ttl.")
    ] = "jsonl",
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    min_confidence: Annotated[float, typer.Option(help="Leave out evidence below this confidence.")] = 0.0,
    base_iri: Annotated[
        str, typer.Option(help="RDF: the namespace of entity, document, fact and evidence IRIs.")
    ] = "https://conflictkg.example/id/",
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Export the graph; jsonl follows the contract read by score_extraction.py, RDF formats carry PROV-O."""
    from importlib.util import find_spec

    as_rdf = format != "jsonl"
    if as_rdf and format not in {"trig", "nquads", "jsonld", "ttl"}:
        err.print(f"[red]error:[/red] unknown export format {escape(repr(format))}: "
                  "use jsonl, trig, nquads, jsonld or ttl")
        raise typer.Exit(1)
    if as_rdf and find_spec("rdflib") is None:
        err.print("[red]error:[/red] RDF export needs rdflib: pip install 'conflictkg[rdf]'")
        raise typer.Exit(1)
    with _session(store, verbose, existing=True) as handle:
        records = []
        for record in handle.export_records():
            if "evidence" in record and min_confidence > 0:
                record["evidence"] = [e for e in record["evidence"] if e["confidence"] >= min_confidence]
                if not record["evidence"]:
                    continue
            records.append(record)
        if not as_rdf:
            text = "".join(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n" for record in records)
        else:
            from conflictkg.graph.rdf import build_dataset, serialize

            try:
                text = serialize(build_dataset(records, base_iri), format)
            except ValueError as exc:
                err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
                raise typer.Exit(1) from exc
        if out_file:
            tmp = out_file.with_name(out_file.name + ".partial")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out_file)
            err.print(f"wrote {len(records)} records to {escape(str(out_file))}", highlight=False)
        else:
            sys.stdout.write(text)


@app.command()
def stats(store: StoreOpt = None, verbose: VerboseOpt = False) -> None:
    """Counts of documents, entities, relations, provisions and evidence."""
    with _session(store, verbose, existing=True) as handle:
        table = Table(title=f"graph at {escape(handle.uri)}")
        table.add_column("what")
        table.add_column("count", justify="right")
        for key, value in handle.stats().items():
            table.add_row(key, str(value))
        out.print(table)


@app.command()
def cypher(
    query: Annotated[str, typer.Argument(help="A read-only Cypher query.")],
    params: Annotated[str | None, typer.Option(help="Query parameters as a JSON object.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="Row cap: print at most this many rows.")] = 1000,
    timeout: Annotated[
        float, typer.Option(min=0.001, max=600, help="Stop the query after this many seconds.")
    ] = 10.0,
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run a read-only Cypher query and print the rows as JSON lines; writes and LOAD CSV are refused."""
    from conflictkg.graph.readonly import check_params

    try:
        values = json.loads(params) if params else {}
    except (json.JSONDecodeError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "it nests too deeply"
        err.print(f"[red]error:[/red] --params is not valid JSON: {escape(reason)}")
        raise typer.Exit(1) from exc
    if not isinstance(values, dict):
        err.print("[red]error:[/red] --params must be a JSON object, e.g. '{\"id\": \"shusha\"}'")
        raise typer.Exit(1)
    with _session(store, verbose, existing=True) as handle:
        check_params(values)
        # one row past the cap tells that there are more; the store stops reading there
        rows = handle.read(query, values, timeout_ms=max(1, round(timeout * 1000)), max_rows=limit + 1, adhoc=True)
        for row in rows[:limit]:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        if len(rows) > limit:
            err.print(f"(showing the first {limit} rows; there are more: use --limit)")


@app.command()
def remove(
    document_id: Annotated[str, typer.Argument(help="The document id (its file name).")],
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Remove a document, its evidence, and every fact no other document supports."""
    with _session(store, verbose, existing=True) as handle:
        if not handle.remove_document(document_id):
            err.print(
                f"[red]error:[/red] no document {escape(repr(document_id))} in the store; `kg documents` lists them"
            )
            raise typer.Exit(1)
        err.print(f"removed {escape(document_id)}", highlight=False)


def _exit_on_sigterm(signum: int, _frame: Any) -> None:
    raise SystemExit(0)


@app.command()
def documents(store: StoreOpt = None, verbose: VerboseOpt = False) -> None:
    """List the stored documents, one per line: id, publication date and title, separated by tabs."""
    from conflictkg.graph.cypher import COMPLETE

    with _session(store, verbose, existing=True) as handle:
        rows = handle.read("MATCH (d:Document) WHERE d.status = $done "
                           "RETURN d.id AS id, d.published AS published, d.title AS title ORDER BY id",
                           {"done": COMPLETE}, timeout_ms=600_000)
        for row in rows:
            title = " ".join(str(row["title"] or "").split())
            sys.stdout.write(f"{row['id']}\t{row['published'] or '-'}\t{title}\n")
        err.print(f"{len(rows)} documents", highlight=False)


@app.command()
def serve(
    store: StoreOpt = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    lexicon: Annotated[
        list[str] | None, typer.Option("--lexicon", "-l", help="Lexicon for the ingest mutation; repeat to merge.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Server processes answering requests in parallel.")] = 1,
    verbose: VerboseOpt = False,
) -> None:
    """Serve the GraphQL API and its playground at http://HOST:PORT/graphql (env: KG_API_KEY, KG_PRODUCTION)."""
    from conflictkg.api.app import serve as run_server
    from conflictkg.loaders.lexicon import DEFAULT_LEXICON

    # SIGTERM (systemd, Docker) ends the command like Ctrl-C does, through the `finally` that closes the store;
    # uvicorn stops serving first, then passes the signal on to this handler.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with _session(store, verbose) as handle:
        _check_port_free(host, port)
        err.print(f"GraphQL API and playground at http://{host}:{port}/graphql (Ctrl-C stops)", highlight=False)
        try:
            run_server(handle, host=host, port=port, lexicons=lexicon or [DEFAULT_LEXICON], workers=workers)
        except SystemExit as exc:  # uvicorn's start-up failure (3): one line and exit 1, like any expected failure
            if exc.code in (0, None):
                raise
            raise KGError(f"the server did not start on {host}:{port}; uvicorn's message above says why") from exc


def _check_port_free(host: str, port: int) -> None:
    """Refuse, before the banner, a port something already listens on (uvicorn would exit 3 after it)."""
    import socket

    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise KGError(f"cannot listen on {host!r}: {exc.strerror}; give an interface name or address") from exc
    with socket.socket(family, kind) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            raise KGError(f"cannot listen on {host}:{port} ({exc.strerror}); stop what uses the port or choose "
                          "another with --port") from exc


GUARANTEES = (
    "MATCH (a:Agreement)-[:HAS_PROVISION]->(p:Provision)-[:OBLIGES]->(g:Entity) "
    "WHERE p.type IN ['GUARANTEE_PASSAGE', 'SECURE_CORRIDOR'] "
    "MATCH (p)-[:CONCERNS]->(c:Entity) "
    "OPTIONAL MATCH (ev:Evidence {fact: p.id}) "
    "RETURN g.name AS guarantor, c.name AS corridor, a.name AS agreement, p.type AS provision, "
    "collect(DISTINCT ev.document) AS sources ORDER BY guarantor, corridor"
)


@app.command()
def demo(
    store: StoreOpt = None,
    lexicon: Annotated[
        list[str] | None, typer.Option("--lexicon", "-l", help="Lexicon name or YAML path; repeat to merge.")
    ] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Ingest the bundled sample corpus and answer the corridor question."""
    samples = resources.files("conflictkg") / "samples"
    with resources.as_file(samples) as folder:
        ingest([str(folder)], store=store, lexicon=lexicon, published=None, max_bytes=20_000_000, verbose=verbose)
    with _session(store, verbose) as handle:
        table = Table(title="Who guarantees which corridor under which agreement?")
        for col in ("guarantor", "corridor", "agreement", "provision", "sources"):
            table.add_column(col, overflow="fold")
        for row in handle.read(GUARANTEES):
            table.add_row(row["guarantor"], row["corridor"], row["agreement"], row["provision"],
                          ", ".join(row["sources"]))
        out.print(table)
        out.print(f"Cypher used:\n{escape(GUARANTEES)}", highlight=False)


BENCHMARKS = ("quality", "ingest", "query", "scale", "soak", "concurrency", "ray_ingest", "abuse")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True}, add_help_option=False)
def bench(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help=f"One of: {', '.join(BENCHMARKS)}.")] = None,
) -> None:
    """Run a benchmark of the repository's benchmarks/ (`python -m benchmarks.NAME`); options after NAME are
    its own (`kg bench query --help`). It prints its table and appends it to benchmarks/RESULTS.md."""
    import subprocess

    if name in (None, "--help", "-h"):  # (its own --help is off: `kg bench NAME --help` is the benchmark's)
        out.print(ctx.get_help(), highlight=False)
        raise typer.Exit(0)
    if name not in BENCHMARKS:
        err.print(f"error: no benchmark called {name!r}; choose one of: {', '.join(BENCHMARKS)}", highlight=False)
        raise typer.Exit(2)
    root = Path(__file__).resolve().parent.parent  # the checkout an editable install points into
    if not (root / "benchmarks" / f"{name}.py").is_file():
        err.print("error: benchmarks/ ships with the repository, not with the package; run `kg bench` from an "
                  "editable install of a checkout (`make test` or `pip install -e .`)", highlight=False)
        raise typer.Exit(2)
    raise typer.Exit(subprocess.call([sys.executable, "-m", f"benchmarks.{name}", *ctx.args], cwd=root))


def main() -> None:  # pragma: no cover
    app()
