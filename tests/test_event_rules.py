"""The event family's rules (loaders/extract/events.py, proposals.py and the event parts of resolve), each on
sentences written for these tests, with a case where the rule must stay silent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from conftest import extractor

from conflictkg.loaders.pipeline import DocumentProcessor
from conflictkg.schema.models import Extraction


@pytest.fixture(scope="module")
def extract(rules_processor: DocumentProcessor) -> Callable[..., Extraction]:
    return extractor(rules_processor, date(2023, 10, 10))


def triples(ex: Extraction, predicate: str | None = None) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in ex.relations if predicate in {None, r.predicate}}


def rules(ex: Extraction) -> dict[tuple[str, str, str], set[str]]:
    return {(r.subject, r.predicate, r.object): {e.extractor.split("@")[0] for e in r.evidence} for r in ex.relations}


# -- actors and places inside an event's name ------------------------------------------
def test_sides_named_in_a_conflict_take_part(extract):
    ex = extract("Observers counted the dead of the Armenia-Azerbaijan conflict.")
    assert {("armenia", "PARTICIPATED_IN", "nagorno_karabakh_conflict"),
            ("azerbaijan", "PARTICIPATED_IN", "nagorno_karabakh_conflict")} <= triples(ex)
    assert "rule:actor-in-event-name" in rules(ex)[("armenia", "PARTICIPATED_IN", "nagorno_karabakh_conflict")]


def test_sides_named_in_a_process_are_not_read_as_participants(extract):
    ex = extract("Diplomats praised the Armenia-Azerbaijan peace talks.")
    assert not triples(ex, "PARTICIPATED_IN")


def test_possessive_owner_of_an_event_takes_part(extract):
    ex = extract("Russia's peacekeeping mission ended after three and a half years.")
    assert ("russia", "PARTICIPATED_IN", "russian_peacekeeping_operation") in triples(ex)


def test_capital_in_an_event_name_is_the_venue_not_a_side(extract):
    ex = extract("Azerbaijan pulled out of the Washington peace talks.")
    assert ("united_states", "PARTICIPATED_IN", "washington_peace_talks_2023") not in triples(ex)
    assert ("azerbaijan", "REJECTED", "washington_peace_talks_2023") in triples(ex)


def test_hyphenated_imposer_brokered_the_agreement(extract):
    ex = extract("Critics attacked the Russian-imposed ceasefire of November 2020.")
    assert ("russia", "MEDIATED", "trilateral_statement_2020") in triples(ex)


def test_state_after_in_inside_an_event_name_is_its_place(extract):
    ex = extract("Delegates gathered at the 3+3 summit in Tehran.")
    assert ("three_plus_three_summit_2023", "OCCURRED_IN", "iran") in triples(ex)
    conflict = extract("Observers counted the dead of the Armenia-Azerbaijan conflict.")
    assert not triples(conflict, "OCCURRED_IN") & {("nagorno_karabakh_conflict", "OCCURRED_IN", "armenia")}


def test_adjective_territory_in_an_event_name_is_its_place(extract):
    ex = extract("The May 2021 military incursions into Armenian territory alarmed Yerevan.")
    assert ("may_2021_incursion", "OCCURRED_IN", "armenia") in triples(ex)


# -- meetings told by a verb or a description ------------------------------------------
def test_met_in_a_place_on_a_date_is_the_lexicon_meeting(extract):
    ex = extract("On 26 September 2023, Hikmat Hajiyev met Armen Grigoryan in Brussels at the invitation of "
                 "Charles Michel.")
    got = triples(ex)
    for person in ("hikmat_hajiyev", "armen_grigoryan", "charles_michel"):
        assert (person, "PARTICIPATED_IN", "brussels_meeting_sep_2023") in got
    assert ("brussels_meeting_sep_2023", "OCCURRED_IN", "brussels") in got


def test_negated_meeting_yields_nothing(extract):
    ex = extract("On 26 September 2023, Hikmat Hajiyev did not meet Armen Grigoryan in Brussels.")
    assert not triples(ex, "PARTICIPATED_IN") and not triples(ex, "OCCURRED_IN")


def test_meeting_held_with_residents_in_the_city_of(extract):
    ex = extract("Azerbaijani officials held a meeting with residents of Karabakh in the city of Khojaly.")
    got = triples(ex)
    assert ("azerbaijan", "PARTICIPATED_IN", "khojaly_meeting_2023") in got
    assert ("karabakh_armenians", "PARTICIPATED_IN", "khojaly_meeting_2023") in got
    assert ("khojaly_meeting_2023", "OCCURRED_IN", "khojaly") in got


# -- actors at or in events ------------------------------------------------------------
def test_speaking_at_a_summit_is_taking_part(extract):
    ex = extract("Azerbaijani officials spoke at the Granada summit.")
    assert ("azerbaijan", "PARTICIPATED_IN", "granada_epc_summit_2023") in triples(ex)


def test_fighting_during_a_war_is_taking_part_but_talking_is_not(extract):
    ex = extract("During the Second Karabakh War, Azerbaijani forces recaptured Shusha.")
    assert ("azerbaijani_armed_forces", "PARTICIPATED_IN", "second_karabakh_war") in triples(ex)
    # the state whose force fought took part too
    assert rules(ex)[("azerbaijan", "PARTICIPATED_IN", "second_karabakh_war")] == {"rule:force-of-state"}
    quiet = extract("During the Second Karabakh War, France discussed the situation with Turkey.")
    assert not triples(quiet, "PARTICIPATED_IN")


def test_victor_of_a_war_took_part(extract):
    ex = extract("The Second Karabakh War ended with the victory of Azerbaijan.")
    assert ("azerbaijan", "PARTICIPATED_IN", "second_karabakh_war") in triples(ex)


def test_began_what_it_called_an_operation(extract):
    ex = extract("Azerbaijan began what it called an anti-terrorist operation.")
    assert ("azerbaijan", "PARTICIPATED_IN", "azerbaijani_operation_2023") in triples(ex)
    judged = extract("Armenia condemned the anti-terrorist operation.")
    assert not triples(judged, "PARTICIPATED_IN")


def test_war_for_a_place_dated_by_year(extract):
    ex = extract("The war for Nagorno-Karabakh in 2020 reshaped the region.")
    assert ("second_karabakh_war", "OCCURRED_IN", "nagorno_karabakh") in triples(ex)
    undated = extract("The war for Nagorno-Karabakh reshaped the region.")
    assert not triples(undated, "OCCURRED_IN")


def test_following_is_succession_not_a_result(extract):
    ex = extract("The Yevlakh meeting followed the September 2023 offensive.")
    assert not triples(ex, "RESULTED_IN")


# -- proposals, refusals, rejections ----------------------------------------------------
def test_rejected_invitations_for_talks(extract):
    ex = extract("The invitations from Baku for direct talks in a bilateral format were rejected by the Karabakh "
                 "authorities.")
    got = triples(ex)
    assert ("nagorno_karabakh_republic", "REJECTED", "direct_talks_proposal_2023") in got
    assert ("azerbaijan", "PROPOSED", "direct_talks_proposal_2023") in got


def test_refused_to_implement_is_a_rejection_not_a_party(extract):
    ex = extract("Azerbaijan refused to implement the trilateral statement.")
    got = triples(ex)
    assert ("azerbaijan", "REJECTED", "trilateral_statement_2020") in got
    assert ("azerbaijan", "PARTY_TO", "trilateral_statement_2020") not in got


def test_considered_unacceptable_is_a_rejection(extract):
    ex = extract("Iran considers the Armenia-Azerbaijan peace treaty unacceptable.")
    assert ("iran", "REJECTED", "armenia_azerbaijan_peace_treaty") in triples(ex)
    fine = extract("Iran considers the Armenia-Azerbaijan peace treaty important.")
    assert not triples(fine, "REJECTED")


def test_reaching_agreement_on_a_treaty_makes_the_sides_parties(extract):
    ex = extract("Armenia and Azerbaijan reached agreement on the Armenia-Azerbaijan peace treaty.")
    assert {("armenia", "PARTY_TO", "armenia_azerbaijan_peace_treaty"),
            ("azerbaijan", "PARTY_TO", "armenia_azerbaijan_peace_treaty")} <= triples(ex)
    doubted = extract("Armenia and Azerbaijan did not reach agreement on the Armenia-Azerbaijan peace treaty.")
    assert not triples(doubted, "PARTY_TO")


def test_a_summit_in_a_states_capital_is_hosted_by_it(extract):
    ex = extract("Leaders gathered for the summit in Tehran on 23 October 2023.", date(2023, 11, 20))
    assert ("iran", "PARTICIPATED_IN", "three_plus_three_summit_2023") in triples(ex)
    assert ("three_plus_three_summit_2023", "OCCURRED_IN", "iran") in triples(ex)


# -- events described by a date ------------------------------------------------------------
def test_a_dated_offensive_is_the_one_that_began_that_year_and_its_result(extract):
    ex = extract("The 2023 offensive forced nearly all Karabakh Armenians to flee, triggering the exodus of "
                 "Karabakh Armenians.", date(2025, 8, 20))
    got = triples(ex)
    assert ("azerbaijani_operation_2023", "RESULTED_IN", "karabakh_armenian_exodus") in got
    assert ("russian_peacekeeping_operation", "RESULTED_IN", "karabakh_armenian_exodus") not in got


def test_a_date_in_a_compared_phrase_does_not_date_the_noun(extract):
    ex = extract("An analyst compared Azerbaijan's offensive last month with Croatia's 1995 Operation Storm.")
    assert ("azerbaijan", "PARTICIPATED_IN", "operation_storm") not in triples(ex)


def test_acting_as_part_of_an_operation_is_taking_part(extract):
    ex = extract("Azerbaijan's defence ministry said it was using precision weapons as part of the anti-terrorist "
                 "operation.")
    assert ("azerbaijani_defence_ministry", "PARTICIPATED_IN", "azerbaijani_operation_2023") in triples(ex)
    denied = extract("Azerbaijan's defence ministry said it was not using heavy weapons as part of the "
                     "anti-terrorist operation.")
    assert ("azerbaijani_defence_ministry", "PARTICIPATED_IN", "azerbaijani_operation_2023") not in triples(denied)


def test_we_with_listed_leaders_held_a_meeting(extract):
    ex = extract("We, the President of the Republic of Azerbaijan I. Aliyev, the Prime Minister of the Republic of "
                 "Armenia N. Pashinyan and the President of the Russian Federation V. Putin, held a trilateral "
                 "meeting in Moscow on 11 January 2021.", date(2021, 1, 12))
    got = triples(ex)
    for person in ("ilham_aliyev", "nikol_pashinyan", "vladimir_putin"):
        assert (person, "PARTICIPATED_IN", "moscow_meeting_january_2021") in got


def test_agreement_made_at_a_summit_is_its_result(extract):
    ex = extract("At the Washington summit, Ilham Aliyev and Nikol Pashinyan initialled the Armenia-Azerbaijan "
                 "peace treaty.", date(2025, 8, 20))
    assert ("washington_summit_2025", "RESULTED_IN", "armenia_azerbaijan_peace_treaty") in triples(ex)
    judged = extract("After the Washington summit, the leaders criticised the Armenia-Azerbaijan peace treaty.",
                     date(2025, 8, 20))
    assert not triples(judged, "RESULTED_IN")


def test_the_doer_of_a_withdrawal_named_after_of(extract):
    ex = extract("The withdrawal of Russian peacekeepers from Nagorno-Karabakh was completed in June 2024.",
                 date(2024, 7, 1))
    got = triples(ex)
    assert ("russian_peacekeepers", "PARTICIPATED_IN", "russian_peacekeepers_withdrawal_2024") in got
    assert ("russian_peacekeepers_withdrawal_2024", "OCCURRED_IN", "nagorno_karabakh") in got
    # the target of an attack, after "on", is not read as a side
    attack = extract("Azerbaijani attacks on Armenian territory continued.")
    assert ("armenia", "PARTICIPATED_IN", "azerbaijani_border_attacks") not in triples(attack)
    assert ("azerbaijan", "PARTICIPATED_IN", "azerbaijani_border_attacks") in triples(attack)


def test_documenting_an_event_is_not_taking_part(extract):
    ex = extract("Human Rights Watch documented the blockade of the Lachin corridor.")
    assert not {t for t in triples(ex, "PARTICIPATED_IN") if t[2] == "lachin_blockade"}
