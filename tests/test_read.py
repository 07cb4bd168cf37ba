"""Reader: every input becomes a document with untouched text, or one actionable failure line."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from conflictkg.loaders.read import RawDocument, Reader, ReadFailure

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def read_one(path: Path, **kwargs: int) -> RawDocument | ReadFailure:
    results = list(Reader(**kwargs).run([path]))
    assert len(results) == 1
    return results[0]


def test_utf8_text_is_kept_byte_for_byte_with_crlf_and_bom(tmp_path: Path) -> None:
    raw = "\ufeffCeasefire talks resume\r\n\r\nBoth sides met in Geneva.\r\n".encode()
    path = tmp_path / "crlf.txt"
    path.write_bytes(raw)
    doc = read_one(path)
    assert isinstance(doc, RawDocument)
    assert doc.text == raw.decode("utf-8")
    assert doc.id == "crlf.txt"
    assert doc.source == str(path)
    assert doc.media_type == "text"
    assert doc.encoding == "utf-8"
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds folder is missing")
def test_seed_texts_equal_a_plain_utf8_read() -> None:
    docs = list(Reader().run([SEEDS]))
    assert docs and all(isinstance(d, RawDocument) for d in docs)
    for doc in docs:
        assert isinstance(doc, RawDocument)
        assert doc.text == (SEEDS / doc.id).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "the file is empty"), (b"  \n\t\r\n  ", "only whitespace")],
    ids=["empty", "whitespace"],
)
def test_empty_inputs_fail_with_the_file_name(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    failure = read_one(path)
    assert isinstance(failure, ReadFailure)
    assert failure.reason.startswith("blank.txt: ")
    assert expected in failure.reason
    assert "\n" not in failure.reason


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4\x00\x01\x02 stream", bytes(range(1, 9)) * 200 + b"some words"],
    ids=["nul-bytes", "control-characters"],
)
def test_binary_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(content)
    failure = read_one(path)
    assert isinstance(failure, ReadFailure)
    assert "binary" in failure.reason


def test_cp1252_file_decodes_curly_quotes(tmp_path: Path) -> None:
    text = "Türkiye’s position on the “corridor” – unchanged.\n"
    path = tmp_path / "cp.txt"
    path.write_bytes(text.encode("cp1252"))
    doc = read_one(path)
    assert isinstance(doc, RawDocument)
    assert doc.text == text
    assert doc.encoding == "cp1252"


def test_latin1_file_decodes(tmp_path: Path) -> None:
    text = "Réunion à Genève: the señor from Zürich spoke.\n"
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("latin-1"))
    doc = read_one(path)
    assert isinstance(doc, RawDocument)
    assert doc.text == text


def test_non_western_legacy_encoding_uses_charset_guess(tmp_path: Path) -> None:
    text = "Россия и Азербайджан подписали соглашение о прекращении огня в регионе."
    path = tmp_path / "ru.txt"
    path.write_bytes(text.encode("cp1251"))
    doc = read_one(path)
    assert isinstance(doc, RawDocument)
    assert doc.text == text


def test_undecodable_bytes_fail_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "garbled.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 4)
    failure = read_one(path)
    assert isinstance(failure, ReadFailure)
    assert "encoding" in failure.reason and "UTF-8" in failure.reason


def test_oversized_file_names_size_limit_and_option(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 50)
    failure = read_one(path, max_bytes=10)
    assert isinstance(failure, ReadFailure)
    assert "50 bytes" in failure.reason and "10 bytes" in failure.reason
    assert "--max-bytes" in failure.reason
    assert isinstance(read_one(path, max_bytes=50), RawDocument)


def test_html_keeps_visible_text_only(tmp_path: Path) -> None:
    html = """<!DOCTYPE html><html><head><title>Talks resume | Example</title>
    <meta property="og:site_name" content="Example Post">
    <link rel="canonical" href="https://example.org/talks">
    <style>p { color: red }</style><script>var tracker = "SECRET-SCRIPT";</script></head>
    <body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
    <h1>Talks   resume</h1>
    <p>The two ministers met <b>on Monday</b>.</p><p>They agreed<br>to meet again.</p>
    <figure><img src="x.jpg"><figcaption>A caption (Photo: Someone)</figcaption></figure>
    <script>document.write("INLINE-SCRIPT")</script><footer>Copyright notice</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    doc = read_one(path)
    assert isinstance(doc, RawDocument)
    assert doc.media_type == "html"
    assert doc.text.split("\n") == ["Talks resume", "The two ministers met on Monday.", "They agreed", "to meet again."]
    for hidden in ("SECRET", "INLINE-SCRIPT", "color", "Home", "caption", "Copyright", "Example"):
        assert hidden not in doc.text
    assert doc.html_meta["title"] == "Talks resume | Example"
    assert doc.html_meta["og:site_name"] == "Example Post"
    assert doc.html_meta["canonical"] == "https://example.org/talks"


def test_html_is_sniffed_inside_a_txt_file(tmp_path: Path) -> None:
    path = tmp_path / "saved.txt"
    path.write_text("<html><body><p>Hello there.</p><script>bad()</script></body></html>", encoding="utf-8")
    doc = read_one(path)
    assert isinstance(doc, RawDocument)
    assert doc.media_type == "html"
    assert doc.text == "Hello there."


def test_directory_yields_good_files_and_one_failure(tmp_path: Path) -> None:
    (tmp_path / "b_good.txt").write_text("Second document.\n", encoding="utf-8")
    (tmp_path / "a_good.md").write_text("First document.\n", encoding="utf-8")
    (tmp_path / "c_bad.txt").write_bytes(b"")
    (tmp_path / ".hidden.txt").write_text("Hidden.\n", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d_nested.htm").write_text("<p>Nested page.</p>", encoding="utf-8")
    results = list(Reader().run([tmp_path]))
    docs = [r for r in results if isinstance(r, RawDocument)]
    failures = [r for r in results if isinstance(r, ReadFailure)]
    assert [d.id for d in docs] == ["a_good.md", "b_good.txt", "d_nested.htm"]
    assert [d.text for d in docs] == ["First document.\n", "Second document.\n", "Nested page."]
    assert len(failures) == 1 and failures[0].source.endswith("c_bad.txt")


def test_missing_path_and_empty_directory_fail(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    results = list(Reader().run([tmp_path / "nope.txt", tmp_path / "empty"]))
    assert all(isinstance(r, ReadFailure) for r in results)
    assert "no such file" in results[0].reason
    assert "nothing to ingest" in results[1].reason


def test_stdin_is_read_from_the_injected_stream() -> None:
    raw = b"Piped text about a ceasefire.\n"
    doc = next(Reader(stdin=io.BytesIO(raw)).run(["-"]))
    assert isinstance(doc, RawDocument)
    assert doc.id == f"stdin-{hashlib.sha256(raw).hexdigest()[:12]}.txt"
    assert doc.source == "-"
    assert doc.text == raw.decode()


def test_oversized_stdin_fails() -> None:
    failure = next(Reader(max_bytes=4, stdin=io.BytesIO(b"too long")).run(["-"]))
    assert isinstance(failure, ReadFailure)
    assert failure.source == "-" and "--max-bytes" in failure.reason


# -- issue 13 item 14: what a folder, a path and a name may be -----------------------------------------------------
def test_links_out_of_a_folder_are_not_followed(tmp_path: Path) -> None:
    """issue 13 item 14: a link inside the ingested folder to a file outside it (a link to /etc/passwd was ingested)
    is reported, not read; a link to a file inside the folder is read."""
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Not for the graph.\n", encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("A document.\n", encoding="utf-8")
    (folder / "leak.txt").symlink_to(secret)
    (folder / "same.txt").symlink_to(folder / "a.txt")
    results = list(Reader().run([folder]))
    assert sorted(r.id for r in results if isinstance(r, RawDocument)) == ["a.txt", "same.txt"]
    failures = [r for r in results if isinstance(r, ReadFailure)]
    assert len(failures) == 1 and "leak.txt: a link to a file outside" in failures[0].reason
    assert all("Not for the graph" not in r.text for r in results if isinstance(r, RawDocument))


def test_a_fifo_is_not_a_missing_file(tmp_path: Path) -> None:
    """issue 13 item 14: a named pipe is reported as not a regular file (it was "no such file"), and never opened."""
    import os

    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    failure = read_one(pipe)
    assert isinstance(failure, ReadFailure) and "not a regular file" in failure.reason


@pytest.mark.parametrize("name", ["evil\r\nline.txt", "report\u202etxt.exe.txt", "tab\there.txt", "bell\x07.txt"])
def test_names_with_control_or_direction_characters_are_refused(tmp_path: Path, name: str) -> None:
    """issue 13 item 14: a file name with CR/LF, another control character or U+202E does not become a document id."""
    path = tmp_path / name
    path.write_text("A document.\n", encoding="utf-8")
    failure = read_one(path)
    assert isinstance(failure, ReadFailure)
    assert "invisible character U+" in failure.reason and "rename the file" in failure.reason
    assert "\n" not in failure.reason and "\n" not in failure.source


@pytest.mark.parametrize("limit", [0, -1])
def test_a_size_limit_below_one_byte_is_refused(limit: int) -> None:
    """issue 13 item 14: `max_bytes` 0 silently meant the default limit and -1 was accepted."""
    with pytest.raises(ValueError, match="max_bytes must be at least 1"):
        Reader(max_bytes=limit)


# -- issue 13 item 11: HTML conversion is linear and its depth bounded -------------------------------------------------
def test_a_megabyte_of_nested_divs_converts_with_bounded_memory(tmp_path: Path) -> None:
    """issue 13 item 11: 1.1 MB of nested <div> took 380 s (quadratic in the depth); now one pass, and the open
    elements beyond MAX_DEPTH are counted, not stacked, so memory stays far below a tree of 100,000 elements."""
    import tracemalloc

    depth = 100_000  # 1.1 MB, as in the issue
    markup = "<html><body>" + "<div>" * depth + "Deep text." + "</div>" * depth + "<p>After the nest.</p></body></html>"
    assert len(markup) > 1_000_000
    path = tmp_path / "nested.html"
    path.write_text(markup, encoding="utf-8")
    tracemalloc.start()
    try:
        doc = read_one(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(doc, RawDocument)
    assert doc.text == "Deep text.\nAfter the nest."
    assert peak < 40 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"


def test_nesting_beyond_the_depth_bound_keeps_dropping_and_blocks_right() -> None:
    """issue 13 item 11: past MAX_DEPTH, a dropped element still hides its text, an outer end tag still closes what
    it holds, and the text after it is kept."""
    from conflictkg.loaders.html import MAX_DEPTH, html_to_text

    deep = MAX_DEPTH + 100
    markup = ("<section>" + "<div>" * deep + "<p>Kept deep.</p><script>hidden()</script><nav>Menu</nav>"
              "<aside>Unclosed aside" + "</section><p>After.</p>")  # the section's end closes the open <aside>
    text, _ = html_to_text(markup)
    assert text == "Kept deep.\nAfter."


@pytest.mark.parametrize(("markup", "title"), [
    ("<html><head><title> Talks\n resume </title></head><body><p>x</p></body></html>", "Talks resume"),
    ("<title>A &amp; B</title><p>x</p>", "A & B"),
    ("<title>first</title><title>second</title><p>x</p>", "first"),
])
def test_the_streaming_conversion_keeps_the_title(markup: str, title: str) -> None:
    """issue 13 item 11: the one-pass conversion reads <title> as the tree did (its only text, whitespace collapsed)."""
    from conflictkg.loaders.html import html_to_text

    text, meta = html_to_text(markup)
    assert text == "x" and meta["title"] == title
