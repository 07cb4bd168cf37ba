"""The browser pages without a browser: every library they load is served by the API itself (from the folder
`make web` fills), a server without that folder says which step is missing, /vendor serves nothing else, and
the document view's text is in the API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import strawberry
from conftest import MINI_LEXICON, ROOT
from starlette.applications import Starlette
from starlette.routing import Mount
from test_api import AppClient, seeded_store

from conflictkg.api import Settings, create_app
from conflictkg.api.pages import ASSETS_ENV, CDN_URL, EXPLORER_NEEDS, VENDOR_PACKAGES
from conflictkg.graph.falkor import FalkorStore

HTML = {"accept": "text/html"}
STRAWBERRY_PAGE = Path(strawberry.__file__).parent / "static" / "graphiql.html"


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    store = seeded_store(tmp_path_factory.mktemp("pages") / "kg")
    yield store
    store.close()


def fake_assets(root: Path, *, versions: dict[str, str] | None = None) -> dict[str, bytes]:
    """A node_modules folder with each file strawberry's GraphiQL page and the explorer name (at the versions the
    page names, unless `versions` says otherwise); returns each file's bytes by its /vendor path."""
    files: dict[str, bytes] = {}
    wanted = [(m.group(1), m.group(2), m.group(3)) for m in CDN_URL.finditer(STRAWBERRY_PAGE.read_text())]
    wanted += [(package, "3.0.0", file) for package, file in EXPLORER_NEEDS]
    for package, version, file in wanted:
        (root / package / file).parent.mkdir(parents=True, exist_ok=True)
        manifest = {"name": package, "version": (versions or {}).get(package, version)}
        (root / package / "package.json").write_text(json.dumps(manifest))
        body = f"/* {package} {file} */".encode()
        (root / package / file).write_bytes(body)
        files[f"vendor/{package}/{file}"] = body
    return files


def test_vendor_packages_are_the_npm_dependencies_of_the_pages() -> None:
    manifest = json.loads((ROOT / "web" / "package.json").read_text())
    assert set(manifest["dependencies"]) == VENDOR_PACKAGES
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    for package in VENDOR_PACKAGES:  # the lockfile pins what package.json asks for
        assert lock["packages"][f"node_modules/{package}"]["version"] == manifest["dependencies"][package]


def test_the_playground_loads_every_script_and_style_from_this_server(
        graph: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = fake_assets(tmp_path)
    monkeypatch.setenv(ASSETS_ENV, str(tmp_path))
    client = AppClient(create_app(graph, settings=Settings()))
    page = client.get("/graphql", headers=HTML).text
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "unpkg.com" not in page and 'guarantees(corridor: "Lachin corridor")' in page
    assert [u for u in loaded if not u.startswith("data:")] == [u for u in loaded if u.startswith("vendor/")]
    assert len([u for u in loaded if u.startswith("vendor/")]) == len(files) - len(EXPLORER_NEEDS)
    for url in (u for u in loaded if u.startswith("vendor/")):
        response = client.get("/" + url)
        assert response.status_code == 200 and response.content == files[url]
        assert response.headers["content-type"].startswith("text/css" if url.endswith(".css") else "text/javascript")


def test_without_the_libraries_the_pages_say_which_step_is_missing(
        graph: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ASSETS_ENV, str(tmp_path / "nowhere"))
    client = AppClient(create_app(graph, settings=Settings()))
    playground = client.get("/graphql", headers=HTML)
    assert playground.status_code == 200 and "Loading..." not in playground.text
    assert "make web" in playground.text and ASSETS_ENV in playground.text
    assert "graphiql is not installed in" in playground.text
    explorer = client.get("/explore")
    assert explorer.status_code == 503 and "make web" in explorer.text and "cytoscape" in explorer.text
    missing = client.get("/vendor/react/umd/react.production.min.js")
    assert missing.status_code == 404 and "make web" in missing.text
    # the API itself still answers
    assert client.post("/graphql", json={"query": '{ entity(id: "azerbaijan") { name } }'}).json() == {
        "data": {"entity": {"name": "Azerbaijan"}}}


def test_a_library_of_another_version_than_the_page_needs_is_named(
        graph: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_assets(tmp_path, versions={"react": "17.0.2"})
    monkeypatch.setenv(ASSETS_ENV, str(tmp_path))
    page = AppClient(create_app(graph, settings=Settings())).get("/graphql", headers=HTML).text
    assert re.search(r"react 17\.0\.2 is installed in .*, but this page needs version 18\.", page)


def test_vendor_serves_only_the_files_of_the_pages_libraries(
        graph: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_assets(tmp_path)
    (tmp_path / "secret.txt").write_text("not for the browser")
    (tmp_path / "playwright-core").mkdir()
    (tmp_path / "playwright-core" / "package.json").write_text("{}")
    monkeypatch.setenv(ASSETS_ENV, str(tmp_path))
    client = AppClient(create_app(graph, settings=Settings()))
    assert client.get("/vendor/react/package.json").status_code == 200
    for url in ("/vendor/react/%2e%2e/secret.txt", "/vendor/react/..%2fsecret.txt", "/vendor/secret.txt",
                "/vendor/playwright-core/package.json", "/vendor/react/", "/vendor/react/umd"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "not for the browser" not in response.text


def test_the_explorer_page_is_served_with_its_own_files(
        graph: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_assets(tmp_path)
    monkeypatch.setenv(ASSETS_ENV, str(tmp_path))
    client = AppClient(create_app(graph, settings=Settings()))
    page = client.get("/explore")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    assert 'href="graphql"' in page.text  # a link to the playground
    for url in re.findall(r'(?:src|href)="(explore/static/[^"]+)"', page.text):
        assert client.get("/" + url).status_code == 200
    for module in ("explorer.js", "api.js", "graph.js", "document.js"):
        script = client.get(f"/explore/static/{module}")
        assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
        assert "http://" not in script.text and "https://" not in script.text  # no other host
    production = AppClient(create_app(graph, settings=Settings(production=True))).get("/explore")
    assert production.status_code == 200 and 'href="graphql"' not in production.text


def test_mounted_under_a_prefix_the_pages_load_their_files_under_it(
        graph: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = fake_assets(tmp_path)
    monkeypatch.setenv(ASSETS_ENV, str(tmp_path))
    client = AppClient(Starlette(routes=[Mount("/kg", create_app(graph, settings=Settings()))]))
    page = client.get("/kg/graphql", headers=HTML).text
    urls = [u for u in re.findall(r'(?:src|href)="([^"]+)"', page) if not u.startswith("data:")]
    assert urls and not any(u.startswith("/") for u in urls)  # relative: resolved under /kg/
    assert client.get("/kg/" + urls[0]).content == files[urls[0]]
    assert client.get("/kg/explore").status_code == 200
    assert client.get("/kg/explore/static/explorer.css").status_code == 200


def test_a_document_s_text_is_served_and_every_quote_is_at_its_offsets(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path / "kg")
    store.ensure_schema()
    try:
        client = AppClient(create_app(store, settings=Settings(api_key="k"), lexicons=[MINI_LEXICON]))
        text = ("Press office, 3 March 2021.\n\nUnder the trilateral statement, Azerbaijan guarantees safe traffic "
                "along the Lachin corridor. Russian peacekeepers will guard the Lachin corridor.\n")
        ingest = client.post("/graphql", headers={"authorization": "Bearer k"}, json={
            "query": "mutation($t: String!) { ingest(documents: [{id: \"note.txt\", text: $t}]) { status message } }",
            "variables": {"t": text}}).json()
        assert ingest["data"]["ingest"] == [{"status": "ingested", "message": ""}], ingest
        doc = client.post("/graphql", json={"query": """{ document(id: "note.txt") { text
            relations { evidence { quote start end } } provisions { evidence { quote start end } } } }"""}
                          ).json()["data"]["document"]
        assert doc["text"] == text
        quotes = [e for fact in doc["relations"] + doc["provisions"] for e in fact["evidence"]]
        assert quotes, "the note states no fact the lexicon knows"
        assert all(doc["text"][e["start"]:e["end"]] == e["quote"] for e in quotes)
        listing = client.post("/graphql", json={"query": "{ documents { edges { node { id } } } }"}).json()
        assert listing["data"]["documents"]["edges"] == [{"node": {"id": "note.txt"}}]
    finally:
        store.close()


def test_the_image_serves_the_pages_libraries_from_the_lockfile() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY web/package.json web/package-lock.json" in text and "npm ci --omit=dev" in text
    copied = re.search(r"^COPY --from=web /web/node_modules (\S+)$", text, re.M)
    assert copied and f"ENV {ASSETS_ENV}={copied.group(1)}" in text


def test_the_home_page_leads_to_the_playground_or_in_production_to_the_explorer(graph: FalkorStore) -> None:
    assert AppClient(create_app(graph, settings=Settings())).get("/").headers["location"] == "graphql"
    production = AppClient(create_app(graph, settings=Settings(production=True)))
    assert production.get("/").headers["location"] == "explore"
