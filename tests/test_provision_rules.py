"""Provision rules on sentences written for these tests: terms in reported speech and statement language,
terms read from a neighbouring sentence, and what must not become a term (conditions, refusals, past acts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from conftest import extractor

from conflictkg.loaders.pipeline import DocumentProcessor
from conflictkg.schema.models import Extraction, Provision

INTRO = "The trilateral statement was signed in Moscow in November 2020. "


@pytest.fixture(scope="module")
def extract(rules_processor: DocumentProcessor) -> Callable[..., Extraction]:
    return extractor(rules_processor, date(2021, 3, 1), doc_id="p.txt")


def of_type(ex: Extraction, ptype: str) -> list[Provision]:
    return [p for p in ex.provisions if p.provision_type == ptype]


def test_reported_agreement_to_unblock_links_is_a_term(extract):
    ex = extract(INTRO + "Afterwards Armenia and Azerbaijan agreed to reopen all road and rail links between them.")
    unblock = of_type(ex, "UNBLOCK_TRANSPORT")
    assert unblock and {"armenia", "azerbaijan"} & set(unblock[0].obliges), ex.provisions
    assert unblock[0].agreement == "trilateral_statement_2020"


def test_hypothetical_agreement_is_no_term(extract):
    ex = extract(INTRO + "If Armenia agreed to withdraw its troops from Nagorno-Karabakh, talks could resume.")
    assert not of_type(ex, "WITHDRAW_FORCES"), ex.provisions


def test_refused_term_is_no_term(extract):
    ex = extract(INTRO + "Armenia refused to withdraw its troops from Nagorno-Karabakh in the spring.")
    assert not of_type(ex, "WITHDRAW_FORCES"), ex.provisions


def test_present_duty_is_a_term_but_a_past_act_is_not(extract):
    duty = extract(INTRO + "Azerbaijan guarantees safe passage of vehicles through the Lachin corridor.")
    assert [p.obliges for p in of_type(duty, "GUARANTEE_PASSAGE")] == [["azerbaijan"]], duty.provisions
    act = extract(INTRO + "Last week Azerbaijan guaranteed safe passage of a convoy through the Lachin corridor.")
    assert not of_type(act, "GUARANTEE_PASSAGE"), act.provisions


def test_modal_of_another_clause_binds_nothing(extract):
    ex = extract(INTRO + "With Russian peacekeepers guarding the Lachin corridor, Moscow will keep its leverage.")
    assert not of_type(ex, "SECURE_CORRIDOR"), ex.provisions


def test_unfulfilled_terms_listed_in_the_sentence_before_are_terms(extract):
    ex = extract(
        "Two questions dominated the talks: the promised reopening of road and rail links and the delimitation "
        "of the frontier. Both remain unfulfilled elements of the trilateral statement, as does Azerbaijan's "
        "failure to release dozens of Armenian prisoners."
    )
    assert of_type(ex, "UNBLOCK_TRANSPORT"), ex.provisions
    exchange = of_type(ex, "EXCHANGE_PRISONERS")
    assert exchange and exchange[0].obliges == ["azerbaijan"], ex.provisions
    assert not of_type(ex, "TRANSFER_TERRITORY")  # returning people is no transfer of land
    quote = exchange[0].evidence[0].quote
    assert quote.startswith("Two questions") and "trilateral statement" in quote


def test_failure_outside_a_term_frame_is_no_term(extract):
    ex = extract(INTRO + "Azerbaijan's failure to release the Armenian prisoners angered Armenia.")
    assert not of_type(ex, "EXCHANGE_PRISONERS"), ex.provisions


def test_terms_listed_after_the_agreement_sentence(extract):
    ex = extract(
        "Armenia and Azerbaijan endorsed the trilateral statement in Moscow. "
        "These provisions include the opening of communications between the two countries."
    )
    unblock = of_type(ex, "UNBLOCK_TRANSPORT")
    assert unblock and set(unblock[0].obliges) == {"armenia", "azerbaijan"}, ex.provisions


def test_term_quoted_by_a_critic_is_attributed(extract):
    ex = extract("Armenian officials said the trilateral statement obliges Azerbaijan to guarantee safe passage "
                 "through the Lachin corridor.")
    guarantee = of_type(ex, "GUARANTEE_PASSAGE")
    assert guarantee and guarantee[0].obliges == ["azerbaijan"], ex.provisions
    assert guarantee[0].evidence[0].attributed_to == "armenia"


def test_ceasefire_taking_effect_binds_the_states_of_the_forces(extract):
    ex = extract(INTRO + "The ceasefire took effect at midnight along the line of contact between Azerbaijani "
                 "and Armenian forces.")
    ceasefire = of_type(ex, "CEASEFIRE")
    assert ceasefire and set(ceasefire[0].obliges) <= {"armenia", "azerbaijan"}, ex.provisions
    assert "nagorno_karabakh_contact_line" in ceasefire[0].concerns
    announced = extract(INTRO + "Moscow announced the ceasefire terms to Azerbaijani and Armenian forces.")
    assert not of_type(announced, "CEASEFIRE"), announced.provisions


def test_a_restated_term_is_one_provision_with_both_statements(extract):
    ex = extract("Under the trilateral statement, Russian peacekeepers shall be deployed in Nagorno-Karabakh. "
                 "The Russian peacekeepers will also be stationed along the Lachin corridor.")
    deploy = of_type(ex, "DEPLOY_FORCES")
    assert len(deploy) == 1, deploy
    assert {"nagorno_karabakh", "lachin_corridor"} <= set(deploy[0].concerns)
    assert len(deploy[0].evidence) == 2


def test_refugees_returning_is_return_of_the_displaced_not_a_transfer(extract):
    ex = extract("Under the trilateral statement, refugees shall return to Nagorno-Karabakh with the help of the "
                 "UNHCR.")
    returns = of_type(ex, "RETURN_DISPLACED")
    assert returns and returns[0].obliges == ["unhcr"], ex.provisions
    assert not of_type(ex, "TRANSFER_TERRITORY")


def test_a_force_guaranteeing_traffic_secures_the_corridor(extract):
    ex = extract("Under the trilateral statement, Russian peacekeepers will guarantee safe traffic along the "
                 "Lachin corridor.")
    assert not of_type(ex, "GUARANTEE_PASSAGE"), ex.provisions
    secure = of_type(ex, "SECURE_CORRIDOR")
    assert secure and secure[0].concerns[0] == "lachin_corridor"


def test_is_to_binds_without_a_modal(extract):
    ex = extract(INTRO + "Armenia is to hand over the Kelbajar district to Azerbaijan by 15 November.")
    transfer = of_type(ex, "TRANSFER_TERRITORY")
    assert transfer and transfer[0].obliges == ["armenia"], ex.provisions
    assert transfer[0].concerns == ["kelbajar_district"]


def test_statement_on_a_subject_states_that_term(extract):
    ex = extract("Armenia and Azerbaijan recalled the trilateral statement on a complete ceasefire in "
                 "Nagorno-Karabakh.")
    ceasefire = of_type(ex, "CEASEFIRE")
    assert ceasefire and ceasefire[0].agreement == "trilateral_statement_2020", ex.provisions


def test_only_the_main_subject_refers_back_to_listed_terms(extract):
    ex = extract(
        "Azerbaijan discussed the reopening of road links to Armenia in a speech. Its blockade of the Lachin "
        "corridor was criticised by many states, which consider it a breach of the trilateral statement."
    )
    assert not of_type(ex, "UNBLOCK_TRANSPORT"), ex.provisions


def test_a_list_of_obligations_after_one_trigger_keeps_each_place_and_date(extract):
    ex = extract("The trilateral statement obliges Armenia to withdraw its troops from Nagorno-Karabakh, hand over "
                 "the Aghdam district by 20 November and return the Kelbajar district by 15 November.")
    transfers = {tuple(p.concerns): p.qualifiers.get("deadline") for p in of_type(ex, "TRANSFER_TERRITORY")}
    assert transfers == {("aghdam_district",): "2021-11-20", ("kelbajar_district",): "2021-11-15"}, ex.provisions
    withdraw = of_type(ex, "WITHDRAW_FORCES")
    assert withdraw and withdraw[0].concerns == ["nagorno_karabakh"] and "deadline" not in withdraw[0].qualifiers


def test_the_parties_agreeing_binds_the_signatories(extract):
    ex = extract("The trilateral statement was signed by Armenia, Azerbaijan and Russia in Moscow. "
                 "The parties agreed to exchange all prisoners of war and the bodies of the dead.")
    exchange = of_type(ex, "EXCHANGE_PRISONERS")
    assert exchange and {"armenia", "azerbaijan"} <= set(exchange[0].obliges), ex.provisions
    assert exchange[0].evidence[0].extractor.startswith("rule:provision-signatories")


def test_a_modal_with_no_one_named_and_no_pledge_binds_no_signatory(extract):
    ex = extract("The trilateral statement was signed by Armenia, Azerbaijan and Russia in Moscow. "
                 "Stepanakert will remain the end point of a new road for years.")
    assert not of_type(ex, "BUILD_ROUTE"), ex.provisions


def test_a_term_naming_no_agreement_belongs_to_the_one_just_named(extract):
    ex = extract(
        "The trilateral statement ended the war. Critics of the trilateral statement abound. "
        "Yet the trilateral statement still holds. Years earlier the sides had debated the Madrid Principles. "
        "Under them Armenia would withdraw its troops from Nagorno-Karabakh."
    )
    withdraw = of_type(ex, "WITHDRAW_FORCES")
    assert withdraw and withdraw[0].agreement == "madrid_principles", ex.provisions
