"""Open-world discovery (loaders/discover.py, loaders/nominals.py): entities the text names that no lexicon
lists, typed from their head noun and context; events and agreements from their nouns; one node per event
across documents. Every sentence here is written for these tests, about places and people no bundled
conflict lexicon covers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import extractor, triples

from conflictkg.loaders.lexicon import Lexicon
from conflictkg.loaders.mentions import document_ents, ents_in
from conflictkg.loaders.pipeline import DocumentProcessor
from conflictkg.schema.models import Entity, Extraction

NO_ENTITIES = Path(__file__).parent / "data" / "no_entities.yaml"


@pytest.fixture(scope="module")
def processor() -> DocumentProcessor:
    return DocumentProcessor(Lexicon.merged([NO_ENTITIES]))


@pytest.fixture(scope="module")
def extract(processor: DocumentProcessor) -> Callable[..., Extraction]:
    return extractor(processor, date(2024, 6, 20))


def by_name(ex: Extraction) -> dict[str, Entity]:
    return {e.name: e for e in ex.entities}


def mentioned_as(ex: Extraction, surface: str) -> Entity:
    ids = {m.entity_id for m in ex.mentions if m.surface == surface}
    assert len(ids) == 1, f"{surface!r} stands for {ids}"
    return next(e for e in ex.entities if e.id in ids)


# -- names typed from their head noun and context ------------------------------------------------
def test_an_acronym_definition_names_one_organisation_for_every_later_use(extract):
    ex = extract("The Joint Shipping Bureau (JSB) inspects every vessel. Captains said the JSB was slow.")
    bureau = by_name(ex)["Joint Shipping Bureau"]
    assert (bureau.label, bureau.kind) == ("Actor", "Organization")
    assert "JSB" in bureau.aliases
    assert mentioned_as(ex, "JSB").id == bureau.id


def test_a_ministry_is_an_organisation_and_a_title_is_not_cut_into_one(extract):
    ex = extract("The Moldovan Interior Ministry confirmed the figures. "
                 "Moldovan National Defence Minister Anatol Nosatii visited the troops.")
    ministry = next(e for e in ex.entities if e.name.endswith("Interior Ministry"))
    assert (ministry.label, ministry.kind) == ("Actor", "Organization")
    assert not [e for e in ex.entities if e.name.endswith("National Defence")]
    person = next(e for e in ex.entities if e.kind == "Person")
    assert person.name == "Anatol Nosatii"


def test_a_port_named_by_its_head_noun_is_a_settlement(extract):
    ex = extract("Grain ships sailed from the port of Odesa to the Bosphorus. "
                 "Workers left the Zorya steel plant in Kramatorsk.")
    assert (by_name(ex)["Odesa"].label, by_name(ex)["Odesa"].kind) == ("Territory", "Settlement")
    plant = next(e for e in ex.entities if e.name.startswith("Zorya"))
    assert (plant.label, plant.kind) == ("Territory", "Settlement")


def test_an_initiative_with_a_proper_name_is_an_agreement(extract):
    ex = extract("The Danube Shipping Initiative was signed in Vienna by the riparian states.")
    initiative = by_name(ex)["Danube Shipping Initiative"]
    assert (initiative.label, initiative.kind) == ("Agreement", "Treaty")


def test_generic_words_and_descriptions_make_no_entity(extract):
    ex = extract("Officials in the region said the Moldovan territory was calm. The government agreed.")
    names = {e.name.lower() for e in ex.entities}
    assert not names & {"region", "moldovan territory", "government"}


# -- events and agreements from their nouns ------------------------------------------------------
def test_an_event_nominal_takes_its_date_place_and_participants(extract):
    ex = extract("The 3 March 2023 summit between Serbia and Kosovo in Ohrid ended without a deal.")
    summit = mentioned_as(ex, "summit")
    assert (summit.label, summit.kind) == ("Event", "Meeting")
    assert "Ohrid" in summit.name and "March 2023" in summit.name
    ohrid = by_name(ex)["Ohrid"]
    found = triples(ex)
    assert (summit.id, "OCCURRED_IN", ohrid.id) in found


def test_a_bare_event_noun_makes_no_entity_of_its_own(extract):
    ex = extract("The talks were long. Nobody expected the meeting to end soon.")
    assert not [e for e in ex.entities if e.label == "Event"]


def test_an_agreement_nominal_between_two_states_is_an_agreement(extract):
    ex = extract("The memorandum between Sweden and Finland was signed in Madrid on 28 June 2022.")
    memo = mentioned_as(ex, "memorandum")
    assert memo.label == "Agreement"
    assert "Sweden" in memo.name and "Finland" in memo.name


def test_a_later_mention_of_the_deal_points_back_to_it(extract):
    ex = extract("The Danube Shipping Initiative opened three ports. Under the deal, ships are inspected.")
    initiative = by_name(ex)["Danube Shipping Initiative"]
    assert not [e for e in ex.entities if e.label == "Agreement" and e.id != initiative.id]


def test_reports_of_one_meeting_meet_in_one_node_and_other_months_stay_apart(processor):
    first = extractor(processor, date(2024, 5, 6), "a.txt")
    second = extractor(processor, date(2024, 5, 8), "b.txt")
    later = extractor(processor, date(2024, 10, 12), "c.txt")
    a = mentioned_as(first("Ministers held a meeting in Geneva on 4 May 2024."), "meeting")
    b = mentioned_as(second("The meeting in Geneva on May 4 produced no statement."), "meeting")
    c = mentioned_as(later("Envoys held a meeting in Geneva on 9 October 2024."), "meeting")
    assert a.id == b.id
    assert c.id != a.id


def test_a_surname_before_or_after_the_full_name_is_the_same_person(extract):
    ex = extract("Kallas said the talks would go on. Later, Kaja Kallas met the envoys. Kallas left on Friday.")
    people = [e for e in ex.entities if e.kind == "Person"]
    assert [p.name for p in people] == ["Kaja Kallas"]


def test_a_site_named_again_by_its_proper_words_is_one_entity(extract):
    ex = extract("Fighters held the Zorya steel plant for weeks. The last of them left the Zorya plant on Monday.")
    sites = [e for e in ex.entities if e.name.startswith("Zorya")]
    assert len(sites) == 1


def test_a_conflict_no_lexicon_covers_yields_actors_an_event_and_an_agreement(extract):
    """End to end on a conflict no bundled lexicon describes: only world knowledge (`base`) and the text."""
    ex = extract(
        "Sudanese army chief Abdel Fattah al-Burhan and Rapid Support Forces commander Mohamed Hamdan Dagalo "
        "agreed to talks. The Sudanese army and the Rapid Support Forces attended the talks in Jeddah on "
        "6 May 2023. The Jeddah Declaration was signed by the Sudanese army and the Rapid Support Forces on "
        "11 May 2023."
    )
    kinds = {e.name: (e.label, e.kind) for e in ex.entities}
    assert kinds["Abdel Fattah al-Burhan"] == ("Actor", "Person")
    assert kinds["Rapid Support Forces"] == ("Actor", "ArmedForce")
    assert kinds["Sudanese army"] == ("Actor", "ArmedForce")
    assert kinds["Jeddah Declaration"][0] == "Agreement"
    talks = mentioned_as(ex, "talks")
    assert (talks.label, talks.kind) == ("Event", "Meeting")
    ids = {e.name: e.id for e in ex.entities}
    found = triples(ex)
    assert {(ids["Rapid Support Forces"], "PARTICIPATED_IN", talks.id),
            (ids["Sudanese army"], "PARTICIPATED_IN", talks.id),
            (talks.id, "OCCURRED_IN", ids["Jeddah"])} <= found
    assert {(ids["Rapid Support Forces"], "SIGNED", ids["Jeddah Declaration"]),
            (ids["Sudanese army"], "SIGNED", ids["Jeddah Declaration"]),
            (ids["Sudanese army"], "PART_OF", ids["Sudan"])} <= found


def test_a_call_told_by_a_verb_is_one_meeting_across_reports(processor):
    first = extractor(processor, date(2024, 3, 5), "a.txt")
    second = extractor(processor, date(2024, 3, 6), "b.txt")
    a = first("Defence Minister Anna Berg called her Finnish counterpart Lars Ekman on 4 March 2024.")
    b = second("Anna Berg called Defence Minister Lars Ekman on Monday.")
    call = mentioned_as(a, "called")
    assert (call.label, call.kind) == ("Event", "Meeting")
    assert mentioned_as(b, "called").id == call.id
    people = {e.name: e.id for e in a.entities if e.kind == "Person"}
    assert {(people["Anna Berg"], "PARTICIPATED_IN", call.id), (people["Lars Ekman"], "PARTICIPATED_IN", call.id)} \
        <= triples(a)


def test_a_call_for_something_is_no_meeting(extract):
    ex = extract("Anna Berg called for an inquiry by Lars Ekman. Lars Ekman called Anna Berg a liar.")
    assert not [m for m in ex.mentions if m.surface == "called"]


def test_a_border_or_conflict_named_by_its_two_sides_is_one_entity(extract):
    ex = extract("Shelling was reported along the Serbia-Kosovo border. The border between Serbia and Kosovo "
                 "stayed closed, and the conflict between Serbia and Kosovo went on. Officials at the border spoke.")
    borders = {m.entity_id for m in ex.mentions if m.surface == "border"}
    border = next(e for e in ex.entities if e.kind == "Border")
    assert borders == {border.id} and "Serbia" in border.name and "Kosovo" in border.name
    conflict = mentioned_as(ex, "conflict")
    assert conflict.label == "Event"


def test_a_title_or_a_bare_republic_is_no_person_or_place(extract):
    ex = extract("Joint Statement of the Leaders\n\nThe Republic of Chad shall open the border crossings.")
    assert not [e for e in ex.entities if e.kind == "Person"]
    assert not [e for e in ex.entities if e.name.lower() in {"republic", "the republic"}]


def test_a_name_the_text_treats_as_a_place_is_one_wherever_the_ner_says_person(extract):
    ex = extract("Refugees fled from Upper Varnak after the shelling. Upper Varnak's villages stood empty, and "
                 "convoys crossed Moldova, Transcarpia and Galicia towards the border.")
    varnak = by_name(ex)["Upper Varnak"]
    assert varnak.label == "Territory"
    assert not [e for e in ex.entities if e.kind == "Person"]
    assert {e.label for e in ex.entities if e.name in {"Transcarpia", "Galicia"}} <= {"Territory"}


def test_a_titled_name_is_not_made_a_place_by_one_preposition(extract):
    ex = extract("Voters put their trust in Marta Oleksiv. President Marta Oleksiv thanked them.")
    assert by_name(ex)["Marta Oleksiv"].kind == "Person"


def test_a_known_city_can_begin_the_name_of_a_body_or_an_agreement(extract):
    ex = extract("The Bratislava Contact Group met again on Monday. Diplomats said the Lisbon Principles, drafted "
                 "by the group, remain the basis of any settlement.")
    names = by_name(ex)
    group = names["Bratislava Contact Group"]
    assert (group.label, group.kind) == ("Actor", "Organization")
    principles = names["Lisbon Principles"]
    assert principles.label == "Agreement"
    assert "slovakia" not in {m.entity_id for m in ex.mentions if m.surface == "Bratislava"}
    assert "portugal" not in {m.entity_id for m in ex.mentions}


def test_an_event_is_named_after_its_place_as_the_text_writes_it(extract):
    ex = extract("The three leaders held a trilateral summit in Vienna on 3 March 2024 to discuss the ceasefire.")
    summit = next(e for e in ex.entities if e.label == "Event")
    assert summit.name.startswith("Vienna ")  # the city, not the state its capital stands for
    assert "Vienna summit" in summit.aliases


def test_a_body_owned_by_a_state_is_named_for_it_and_kept_apart_from_another_states(extract):
    ex = extract("Moldova's Interior Ministry said the convoy had left. Romania's Interior Ministry denied it.")
    bodies = {e.name: e for e in ex.entities if e.kind == "Organization"}
    assert {"Moldovan Interior Ministry", "Romanian Interior Ministry"} <= set(bodies)
    assert "Moldova's Interior Ministry" in bodies["Moldovan Interior Ministry"].aliases


def test_a_discovered_place_in_an_events_name_is_where_it_happened(extract):
    ex = extract("Shelling hit the town of Dravinka on Monday. Officers said the Dravinka offensive of May 2024 "
                 "had failed.")
    town = by_name(ex)["Dravinka"]
    offensive = next(e for e in ex.entities if e.label == "Event" and e.kind == "MilitaryOperation")
    assert (offensive.id, "OCCURRED_IN", town.id) in triples(ex)


def test_a_town_the_grammar_typed_lies_in_its_state(extract):
    ex = extract("The talks were held in the Moldovan town of Varnita.")
    assert ("varnita", "LOCATED_IN", "moldova") in triples(ex)


def test_a_states_army_named_by_a_common_noun_is_its_force(extract):
    ex = extract("Moldova's army moved north, and Moldova's own army chief stayed silent.")
    army = by_name(ex)["Moldovan army"]
    assert (army.label, army.kind) == ("Actor", "ArmedForce")
    assert "Moldova's army" in army.aliases
    assert not [e for e in ex.entities if "own" in e.name]


def test_a_counted_group_of_places_is_one_territory_when_definite_or_placed(extract):
    ex = extract("Serbia claims four villages in Croatia. The five occupied districts were handed back. "
                 "Two villages burned, and the three states of the region objected.")
    names = by_name(ex)
    assert names["four villages in Croatia"].label == "Territory"
    assert ("serbia", "CLAIMS", names["four villages in Croatia"].id) in triples(ex)
    assert names["five occupied districts"].label == "Territory"
    assert not [n for n in names if n.lower().startswith(("two villages", "three states"))]


def test_an_events_shorter_names_leave_out_words_of_when(extract):
    ex = extract("Officials spoke during the recent 4+1 summit in Vienna, before the planned peace talks in Oslo.")
    summit = next(e for e in ex.entities if e.label == "Event" and e.name.startswith("Vienna"))
    assert "4+1 summit" in summit.aliases
    talks = next(e for e in ex.entities if e.label == "Event" and e.name.startswith("Oslo"))
    assert "peace talks in Oslo" in talks.aliases


def test_an_undated_text_gives_a_bare_day_no_year(extract):
    ex = extract("On September 26th, the foreign minister met her counterpart in Vienna.", published=None)
    assert all(not e.name.endswith(("2024", "2026")) for e in ex.entities if e.label == "Event")


def test_a_people_named_with_its_place_is_a_group_and_a_bare_nationality_is_not(extract):
    ex = extract("Thousands of Kosovo Serbs crossed the bridge. The ethnic Albanian population of Presevo stayed. "
                 "Serbs and Albanians voted.")
    names = by_name(ex)
    assert names["Kosovo Serbs"].kind == "Group"
    assert names["ethnic Albanian population of Presevo"].kind == "Group"
    assert not [e for e in ex.entities if e.name in {"Serbs", "Albanians"}]


def test_a_meeting_in_the_city_of_x_is_placed_in_x_and_a_date_is_no_topic(extract):
    ex = extract("The fighting was followed by a meeting on May 4th in the Moldovan town of Varnita.")
    meeting = next(e for e in ex.entities if e.label == "Event" and e.kind == "Meeting")
    assert meeting.name.startswith("Varnita meeting")
    assert "meeting in Varnita" in meeting.aliases
    assert not [a for a in meeting.aliases if "May 4th" in a and "on" in a]


def test_an_events_owner_and_its_kernel_give_it_shorter_names(extract):
    ex = extract("Serbia's “peacekeeping” operation in Upper Varnak began. Officials praised Serbia's successful "
                 "military campaign in Upper Varnak.")
    operation = next(e for e in ex.entities if e.label == "Event")
    assert "Serbia's peacekeeping operation" in operation.aliases
    assert "military campaign in Upper Varnak" in operation.aliases


def test_a_meeting_told_by_a_verb_is_also_called_after_its_place(extract):
    ex = extract("On Monday, the foreign minister Ana Lupu met her counterpart Ivan Petrov in Vienna.")
    meeting = next(e for e in ex.entities if e.label == "Event")
    assert "Vienna meeting" in meeting.aliases


def test_a_name_before_a_noun_of_fighting_is_a_place(extract):
    ex = extract("The victory in the war for Upper Dravia was not convincing, and the Tavrin conflict went on.")
    war = next(e for e in ex.entities if e.label == "Event" and e.kind == "War")
    assert "war for Upper Dravia" in war.aliases
    assert not [e for e in ex.entities if e.name in {"Tavrin", "Upper Dravia"} and e.label != "Territory"]


def test_the_side_an_exodus_or_dissolution_befalls_is_its_event_and_takes_part(extract):
    ex = extract("In March the council announced the dissolution of the so-called Republic of Varnak. "
                 "It triggered a massive exodus of the ethnic Serb population of Kosovo.")
    events = {e.kind: e for e in ex.entities if e.label == "Event"}
    assert {"Dissolution", "Displacement"} <= set(events)
    assert "dissolution of the so-called Republic of Varnak" in events["Dissolution"].aliases
    found = triples(ex)
    group = by_name(ex)["ethnic Serb population of Kosovo"]
    assert (group.id, "PARTICIPATED_IN", events["Displacement"].id) in found


def test_a_definite_people_by_nationality_is_a_group_and_a_bare_people_is_not(extract):
    ex = extract("Shelling triggered the flight of the ethnic Serb population. Serb people protested in the streets.")
    names = by_name(ex)
    assert names["ethnic Serb population"].kind == "Group"
    assert "Serb people" not in names


def test_the_west_as_a_camp_a_prefixed_region_captives_and_a_conflict_named_after_its_place(extract):
    ex = extract("Its relations with the West have soured, and the wind blew to the West of the city. "
                 "Peace in the Western Balkans matters. Serbia refused to release Croatian prisoners of war. "
                 "Shelling hit the town of Dravinka, and the Dravinka conflict went on.")
    names = by_name(ex)
    assert names["West"].label == "Actor"
    assert len([e for e in ex.entities if e.name == "West"]) == 1
    assert names["Western Balkans"].label == "Territory"
    assert names["Croatian prisoners"].kind == "Group"
    conflict = next(e for e in ex.entities if e.label == "Event")
    assert conflict.name == "Dravinka conflict"


def test_plural_attacks_at_a_named_border_are_one_campaign_and_a_courts_ruling_is_an_event(extract):
    ex = extract("Attacks along the Serbian-Croatian border continued despite a World Court ruling. "
                 "Recent visits to Vienna and Prague changed nothing.")
    events = {e.kind: e for e in ex.entities if e.label == "Event"}
    assert "Attacks along the Serbian-Croatian border" in events["Attack"].aliases
    assert "World Court ruling" in events["Ruling"].aliases
    assert "Meeting" not in events


def test_a_place_a_road_is_named_after_is_not_the_road(extract):
    ex = extract("Police closed the Dravinka road on Monday. Fighting in Dravinka resumed on Tuesday, and refugees "
                 "left Dravinka.")
    names = by_name(ex)
    assert names["Dravinka road"].kind == "Road"
    assert names["Dravinka"].kind == "Settlement"


def test_untagged_capitalised_words_after_a_titles_phrase_name_its_holder(extract):
    ex = extract("On Monday she met the secretary of the Defence Council of Moldova Ion Cebotari in Vienna.")
    assert by_name(ex)["Ion Cebotari"].kind == "Person"


def test_the_countrys_ministry_belongs_to_the_state_named_not_to_a_capital_that_hosted_talks(extract):
    ex = extract("Moldova pulled out of the planned talks in Vienna, and the country's foreign ministry said so.")
    assert "Moldovan foreign ministry" in by_name(ex)
    ex = extract("Moldova and Romania met in Vienna, and the country's foreign ministry said so.")
    assert not [e for e in ex.entities if e.name.endswith("foreign ministry") and e.name != "foreign ministry"]


def test_the_countrys_ministry_belongs_to_the_subject_state(extract):
    ex = extract("Indeed, Moldova has sent its proposal to Romania, the country's foreign ministry said on Monday.")
    assert "Moldovan foreign ministry" in by_name(ex)


def test_the_region_is_the_one_region_the_document_names_outside_any_state(processor):
    from conflictkg.loaders.recognise import Recogniser
    from conflictkg.loaders.resolve import Resolver

    def region_of(text: str) -> set[str]:
        found = Resolver(processor.lexicon).run(Recogniser(processor.nlp, processor.lexicon).run(text))
        return {m.entity_id for m in found.mentions if m.text == "the region"}

    assert region_of("Ethiopia and Eritrea agreed to reopen all transport links of the region. Both value the "
                     "stability of the Horn of Africa.") == {"horn_of_africa"}
    assert region_of("Fighting spread across the region. Both Upper Varnak and Lower Dravia were "
                     "shelled.") == set()


def test_entities_listed_once_per_document_are_those_spacy_gives_for_any_span(
        rules_processor: DocumentProcessor) -> None:
    doc = rules_processor.nlp("On 4 May 2024 the Velmar Council met envoys of Ostrava and Lund in Kestrel Bay. "
                              "Two days later talks resumed in Geneva.")
    assert document_ents(doc) == tuple(doc.ents) and len(doc.ents) >= 3
    spans = [doc[a:b] for a in range(0, len(doc), 3) for b in range(a + 1, len(doc) + 1, 4)] + list(doc.sents)
    assert all(ents_in(span) == list(span.ents) for span in spans)
