"""Entity lookup by name through the store: folded names (`keys`) and surface forms (`forms`) kept on the node."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from conflictkg import KnowledgeGraph
from conflictkg.api.context import Loaders, NameIndex
from conflictkg.api.queries import GraphReader
from conflictkg.graph.falkor import FalkorStore
from conflictkg.schema.models import DocumentMeta, Entity, Evidence, Extraction, Mention, Relation

CITY = Entity(id="stepanakert", label="Territory", kind="Settlement", name="Stepanakert", aliases=["Xankəndi"])
ARMENIA = Entity(id="armenia", label="Actor", kind="State", name="Armenia")
SHUSHA = Entity(id="shusha", label="Territory", kind="Settlement", name="Shusha")
ROUTE = Entity(id="stepanakert_road", label="Territory", kind="Road", name="Stepanakert road")
OTHER_ROUTE = Entity(id="stepanakertsky_road", label="Territory", kind="Road", name="Stepanakertsky road")


def document(doc_id: str, text: str, surfaces: dict[str, str], entities: list[Entity],
             predicate: str = "CONTROLS") -> Extraction:
    """One relation (the first two entities) and a mention of each entity under the given surface form."""
    quote = text
    mentions = [Mention(entity_id=e.id, surface=surfaces.get(e.id, e.name), start=0, end=1, rule="test")
                for e in entities]
    relation = Relation(subject=entities[0].id, predicate=predicate, object=entities[1].id, evidence=[
        Evidence(document=doc_id, quote=quote, start=0, end=len(quote), extractor="test@1", confidence=0.9)])
    meta = DocumentMeta(id=doc_id, sha256=hashlib.sha256(text.encode()).hexdigest())
    return Extraction(document=meta, entities=entities, mentions=mentions, relations=[relation])


class Names:
    """A fresh request's NameIndex; each call runs inside an event loop, as resolvers do (the loaders need one)."""

    def __init__(self, store: FalkorStore) -> None:
        self.store = store
        self.index: NameIndex | None = None

    def _run(self, method: str, text: str) -> list[str]:
        async def run() -> list[str]:
            reader = GraphReader(self.store)
            self.index = NameIndex(reader, Loaders(reader))
            found: list[str] = getattr(self.index, method)(text)
            return found

        return asyncio.run(run())

    def lookup(self, text: str) -> list[str]:
        return self._run("lookup", text)

    def search(self, text: str) -> list[str]:
        return self._run("search", text)

    def places(self, text: str) -> list[str]:
        return self._run("places", text)

    @property
    def rows(self) -> dict[str, dict]:
        assert self.index is not None
        return self.index.rows


def names(store: FalkorStore) -> Names:
    return Names(store)


def test_lookup_folds_case_diacritics_and_transliteration(store: FalkorStore) -> None:
    store.write_extraction(document("a.txt", "Armenia holds Stepanakert.", {}, [ARMENIA, CITY]))
    for text in ("Stepanakert", "STEPANAKERT", "Xankəndi", "xankendi", "stepanakert"):
        assert names(store).lookup(text) == ["stepanakert"], text
    assert names(store).lookup("Stepanaker") == []
    assert names(store).lookup("  ") == []


def test_a_surface_form_finds_the_entity_until_its_document_goes(store: FalkorStore) -> None:
    store.write_extraction(document("a.txt", "Armenia holds Stepanakert.", {}, [ARMENIA, CITY]))
    store.write_extraction(document("b.txt", "Armenia holds Khankendi.", {"stepanakert": "Khankendi"},
                                    [ARMENIA, CITY]))
    index = names(store)
    assert index.lookup("khankendi") == ["stepanakert"]
    assert "Khankendi" in index.rows["stepanakert"]["aliases"]

    store.remove_document("b.txt")
    index = names(store)
    assert index.lookup("khankendi") == []  # the key stays on the node, but no complete document uses the form
    assert index.lookup("Stepanakert") == ["stepanakert"]
    assert "Khankendi" not in index.rows["stepanakert"]["aliases"]


def test_search_by_substring_and_routes_named_after_a_place(store: FalkorStore) -> None:
    store.write_extraction(document("a.txt", "Armenia holds Stepanakert.", {}, [ARMENIA, CITY]))
    store.write_extraction(document("c.txt", "The Stepanakert road connects to Stepanakert.", {},
                                    [ROUTE, CITY, OTHER_ROUTE], "CONNECTS"))
    index = names(store)
    assert index.search("nakert") == ["stepanakert", "stepanakert_road", "stepanakertsky_road"]
    assert index.search("kəndi") == ["stepanakert"]
    assert index.places("Stepanakert") == ["stepanakert", "stepanakert_road"]  # a whole word, not a prefix
    assert index.places("Xankəndi") == ["stepanakert"]  # an alias finds the place, not routes named otherwise


def test_an_entity_only_a_half_written_document_mentions_is_not_found(store: FalkorStore,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store.write_extraction(document("a.txt", "Armenia holds Shusha.", {}, [ARMENIA, SHUSHA]))
    write = store._write

    def power_cut(cypher: str, params: dict | None = None) -> list[dict]:
        if "SET d.status = $done" in cypher:
            raise RuntimeError("power cut before the document was complete")
        return write(cypher, params)

    monkeypatch.setattr(store, "_write", power_cut)
    with pytest.raises(RuntimeError):
        store.write_extraction(document("b.txt", "Armenia holds Stepanakert.", {}, [ARMENIA, CITY]))
    monkeypatch.undo()
    assert names(store).lookup("Stepanakert") == []  # introduced by b.txt, which never completed
    assert names(store).lookup("Armenia") == ["armenia"]
    store.write_extraction(document("c.txt", "Armenia holds Stepanakert.", {}, [ARMENIA, CITY]))
    assert names(store).lookup("Stepanakert") == ["stepanakert"]


def test_ensure_schema_gives_an_older_store_its_name_keys(store: FalkorStore) -> None:
    store.write_extraction(document("b.txt", "Armenia holds Khankendi.", {"stepanakert": "Khankendi"},
                                    [ARMENIA, CITY]))
    store._write("MATCH (n:Entity) REMOVE n.keys, n.forms")  # as a store written before names were indexed
    assert names(store).lookup("Xankəndi") == []
    store.ensure_schema()
    assert names(store).lookup("Xankəndi") == ["stepanakert"]
    assert names(store).lookup("Khankendi") == ["stepanakert"]


def test_entity_by_name_reads_the_index_not_every_entity(store: FalkorStore) -> None:
    store.write_extraction(document("a.txt", "Armenia holds Stepanakert.", {}, [ARMENIA, CITY]))
    seen: list[str] = []
    read = store.read

    def spy(cypher: str, params: dict | None = None, **options: object) -> list[dict]:
        seen.append(cypher)
        return read(cypher, params, **options)

    store.read = spy
    answer = KnowledgeGraph(store).query('{ entity(name: "xankendi") { id aliases } }')
    assert answer == {"entity": {"id": "stepanakert", "aliases": ["Xankəndi"]}}
    assert len(seen) == 1 and "$key IN n.keys" in seen[0]  # one indexed read, not a read of every entity
