"""Agreements read from their own text (issue 14): a ceasefire statement with numbered clauses, a memorandum
between two states and an organisation, a presidential decree, each written for these tests in the style of
real ones; and a news article that quotes one clause, which is not the agreement itself. Every document is
read with the project's default lexicon and with the conflict-free `base` lexicon alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import extractor

from conflictkg.api import Settings, create_app
from conflictkg.graph.falkor import FalkorStore
from conflictkg.loaders.lexicon import BASE_LEXICON, DEFAULT_LEXICON, Lexicon
from conflictkg.loaders.pipeline import DocumentProcessor
from conflictkg.schema.models import Extraction, Provision

CEASEFIRE = """Joint Statement on the Cessation of Hostilities in the Abyei Area

We, the President of the Republic of Sudan T.K. Morvan, the President of the Republic of South Sudan E.L.Strand \
and the Chairperson of the African Union Commission P. Hallin, declare the following:

1. A complete ceasefire and a cessation of all hostilities in the Abyei Area shall take effect from 00:00 on \
4 May 2023. The Parties shall stop at the positions they now hold.

2. Sudan shall withdraw its armed forces from the town of Heglig by 20 May 2023.

3. A monitoring mission of the African Union of 400 personnel, 30 armoured personnel carriers and 120 vehicles \
shall be deployed along the line of contact in the Abyei Area, with its headquarters in Kadugli.

4. The mission shall be deployed for a period of three years, to be automatically extended for further \
three-year periods unless either Party notifies the other of its intention to terminate it six months before \
the expiry of the period.

5. The Sides shall exchange all prisoners of war and the bodies of the dead.

6. All transport links between Sudan and South Sudan shall be unblocked.

President of the Republic of Sudan      T.K. Morvan
President of the Republic of South Sudan   E.L.Strand
Chairperson of the African Union Commission   P. Hallin

Addis Ababa, 3 May 2023
"""
CEASEFIRE_ID = "joint_statement_on_the_cessation_of_hostilities_in_the_abyei_area"

MEMORANDUM = """Memorandum of Understanding between the Republic of Chad, the Republic of Cameroon and the United \
Nations on the Return of Refugees

The Republic of Chad, the Republic of Cameroon and the United Nations, hereinafter referred to as the Parties,

Recognising the need for the voluntary return of refugees to their homes,

Have agreed as follows:

(a) The Republic of Cameroon shall ensure the safe return of refugees to the town of Bol.

(b) The United Nations shall assist the return of refugees to the town of Bol and shall open an office there \
with a staff of 40 personnel.

(c) The Parties shall exchange all detainees within 30 days of the signing of this Memorandum.

For the Republic of Chad
A.B. Doumro

For the Republic of Cameroon
R.M. Ekambi

For the United Nations
L. Osterhaus

Done at Geneva on 12 March 2024
"""

DECREE = """DECREE OF THE PRESIDENT OF THE REPUBLIC OF CHAD

On a humanitarian corridor for the population of Faya

In order to ensure the safety of the civilian population, I hereby decree:

1. The Armed Forces of Chad shall withdraw from the town of Faya by 1 March 2024.

2. The Government of Chad shall guarantee the safe passage of humanitarian convoys through the town of Bol.

3. This Decree shall enter into force on the day of its signing.

President of the Republic of Chad   A.B. Doumro

N'Djamena, 14 February 2024
"""
DECREE_ID = "agreement_decree_of_the_president_of_the_republic_of_chad"

NEWS = """Chad and Cameroon agree to exchange detainees

The presidents of Chad and Cameroon met in Geneva on Tuesday and signed a memorandum on the return of refugees, \
officials said.

"The Parties shall exchange all detainees within 30 days," the third clause of the memorandum reads, according \
to a copy seen by reporters.

Critics said the deal does not say who will pay for the return of the refugees. A spokesman for the United \
Nations told reporters that the agency will assist the return of refugees.
"""


@pytest.fixture(scope="module", params=[DEFAULT_LEXICON, BASE_LEXICON])
def read(request: pytest.FixtureRequest) -> Callable[..., Extraction]:
    return extractor(DocumentProcessor(Lexicon.merged([request.param])), date(2024, 6, 1), doc_id="a.txt")


def by_rule(ex: Extraction, predicate: str, rule: str = "rule:agreement-signatory") -> dict[str, dict]:
    """Subject -> qualifiers of the relations of a predicate one rule found."""
    return {r.subject: r.qualifiers for r in ex.relations if r.predicate == predicate
            and any(e.extractor.startswith(rule + "@") for e in r.evidence)}


def clause(ex: Extraction, label: str) -> list[Provision]:
    return [p for p in ex.provisions if p.qualifiers.get("clause") == label]


def test_ceasefire_statement_is_an_agreement_with_its_signatories_and_parties(read):
    ex = read(CEASEFIRE)
    agreement = {e.id: e for e in ex.entities}[CEASEFIRE_ID]
    assert (agreement.label, agreement.kind) == ("Agreement", "Statement")
    signed = {r.subject: r for r in ex.relations if r.predicate == "SIGNED" and r.object == CEASEFIRE_ID}
    assert set(signed) == {"t_k_morvan", "e_l_strand", "p_hallin"}, signed
    assert signed["p_hallin"].qualifiers == {"date": "2023-05-03", "place": "Addis Ababa", "role": "Chairperson"}
    assert signed["e_l_strand"].qualifiers["role"] == "President"
    parties = by_rule(ex, "PARTY_TO")
    assert set(parties) == {"sudan", "south_sudan", "african_union"}, parties
    assert parties["sudan"] == {"date": "2023-05-03", "place": "Addis Ababa"}


def test_ceasefire_statement_gives_every_clause_with_its_qualifiers(read):
    ex = read(CEASEFIRE)
    assert {p.agreement for p in ex.provisions} == {CEASEFIRE_ID}
    [ceasefire] = clause(ex, "1")
    assert ceasefire.provision_type == "CEASEFIRE"
    assert ceasefire.obliges == ["sudan", "south_sudan"]  # the warring sides, not the organisation
    assert ceasefire.qualifiers["deadline"] == "2023-05-04"
    [withdrawal] = clause(ex, "2")
    assert (withdrawal.provision_type, withdrawal.obliges, withdrawal.concerns) == (
        "WITHDRAW_FORCES", ["sudan"], ["heglig"])
    assert withdrawal.qualifiers["deadline"] == "2023-05-20"
    mission = {p.provision_type: p for p in clause(ex, "3")}
    assert set(mission) == {"DEPLOY_FORCES", "MONITOR_CEASEFIRE"}
    deploy = mission["DEPLOY_FORCES"]
    assert deploy.obliges == ["african_union"] and "kadugli" in deploy.concerns
    assert {k: deploy.qualifiers[k] for k in ("size_personnel", "size_armoured_personnel_carriers",
                                              "size_vehicles", "headquarters")} == {
        "size_personnel": 400, "size_armoured_personnel_carriers": 30, "size_vehicles": 120,
        "headquarters": "Kadugli"}
    # clause 4 gives the term of the same deployment: its duration, renewal and the notice to end it
    assert {k: deploy.qualifiers[k] for k in ("duration", "renewal", "renewal_period", "notice")} == {
        "duration": "3 years", "renewal": "automatic", "renewal_period": "3 years", "notice": "6 months"}
    assert deploy.qualifiers["condition"].startswith("unless either Party notifies")
    assert any("The mission shall be deployed for a period" in e.quote for e in deploy.evidence)
    [exchange] = clause(ex, "5")  # "the Sides" are the parties that carry out such a term
    assert (exchange.provision_type, exchange.obliges) == ("EXCHANGE_PRISONERS", ["sudan", "south_sudan"])
    [links] = clause(ex, "6")
    assert (links.provision_type, set(links.concerns)) == ("UNBLOCK_TRANSPORT", {"sudan", "south_sudan"})


def test_memorandum_between_two_states_and_an_organisation(read):
    ex = read(MEMORANDUM)
    [agreement] = [e for e in ex.entities if e.label == "Agreement"]
    assert agreement.kind == "Treaty" and "memorandum" in agreement.name.lower()  # the one the title names
    signed = {r.subject: r.qualifiers for r in ex.relations if r.predicate == "SIGNED"}
    assert set(signed) == {"a_b_doumro", "r_m_ekambi", "l_osterhaus"}
    assert signed["l_osterhaus"] == {"date": "2024-03-12", "place": "Geneva"}
    assert set(by_rule(ex, "PARTY_TO")) == {"chad", "cameroon", "united_nations"}
    assert {p.agreement for p in ex.provisions} == {agreement.id}
    [a] = clause(ex, "a")
    assert (a.provision_type, a.obliges, a.concerns) == ("RETURN_DISPLACED", ["cameroon"], ["bol"])
    [b] = clause(ex, "b")
    assert (b.provision_type, b.obliges, b.concerns) == ("RETURN_DISPLACED", ["united_nations"], ["bol"])
    assert b.qualifiers["size_personnel"] == 40
    [c] = clause(ex, "c")  # "the Parties" that exchange detainees are the two states
    assert (c.provision_type, c.obliges) == ("EXCHANGE_PRISONERS", ["chad", "cameroon"])
    assert c.qualifiers["duration"] == "30 days"
    assert all("Cameroon" in e.quote or "Chad" in e.quote for e in c.evidence)  # quoted with a party's name


def test_decree_is_signed_for_its_state_and_its_clauses_are_terms(read):
    ex = read(DECREE)
    agreement = {e.id: e for e in ex.entities}[DECREE_ID]
    assert agreement.name == "Decree of the President of the Republic of Chad"
    assert by_rule(ex, "SIGNED") == {"a_b_doumro": {"date": "2024-02-14", "place": "N'Djamena",
                                                    "role": "President"}}
    assert set(by_rule(ex, "PARTY_TO")) == {"chad"}
    [withdrawal] = clause(ex, "1")
    assert (withdrawal.provision_type, withdrawal.concerns) == ("WITHDRAW_FORCES", ["faya"])
    assert withdrawal.qualifiers["deadline"] == "2024-03-01"
    [passage] = clause(ex, "2")
    assert (passage.provision_type, passage.obliges, passage.concerns) == ("GUARANTEE_PASSAGE", ["chad"], ["bol"])
    assert not clause(ex, "3")  # entry into force is no term of the ontology
    assert {p.agreement for p in ex.provisions} == {DECREE_ID}


def test_news_article_quoting_one_clause_is_not_the_agreement(read):
    ex = read(NEWS)
    assert not by_rule(ex, "SIGNED") and not by_rule(ex, "PARTY_TO")
    assert not [p for p in ex.provisions if "clause" in p.qualifiers]
    assert not [e for e in ex.entities if e.kind == "Person"]  # no signature block to read people from


def test_text_dated_like_a_lexicon_agreement_is_that_agreement(rules_processor: DocumentProcessor):
    """With the default lexicon, a statement dated the day of a known one is that statement, not a new one."""
    text = ("Joint Statement\n\nWe, the President of the French Republic A.B. Marchand and the Prime Minister of "
            "the Kingdom of Belgium C.D. Peeters, met on October 6 in Prague and agreed as follows:\n\n"
            "1. The Parties shall exchange all detainees.\n\n2. The Parties shall reopen all road links between "
            "them.\n\nPrague, 6 October 2022\n")
    ex = extractor(rules_processor, None)(text)
    assert {r.object for r in ex.relations if r.predicate == "SIGNED"} == {"prague_statement_2022"}
    assert {p.agreement for p in ex.provisions} == {"prague_statement_2022"}
    assert {r.subject for r in ex.relations if r.predicate == "PARTY_TO"} >= {"france", "belgium"}


ARTICLE = """Sudan and South Sudan sign a deal on the Abyei Area

Under the agreement signed on Monday, the African Union shall deploy a monitoring mission to the Abyei Area. \
The mission's size is set at 1,200 personnel, 45 armoured personnel carriers and 210 vehicles. Its headquarters \
will be located in Kadugli. The mission's term is two years, to be prolonged automatically for further one-year \
periods unless a side objects three months in advance.

The war between the two countries lasted 44 days in 2012, according to officials.
"""


def test_article_gives_the_size_seat_and_term_of_a_deployment_told_after_it(read):
    ex = read(ARTICLE)
    [deploy] = [p for p in ex.provisions if p.provision_type == "DEPLOY_FORCES"]
    assert (deploy.obliges, deploy.concerns) == (["african_union"], ["abyei_area"])
    assert {k: v for k, v in deploy.qualifiers.items() if k != "size" and k != "condition"} == {
        "size_personnel": 1200, "size_armoured_personnel_carriers": 45, "size_vehicles": 210,
        "headquarters": "Kadugli", "duration": "2 years", "renewal": "automatic", "renewal_period": "1 year",
        "notice": "3 months"}  # and not the war's 44 days, told of something else
    assert "clause" not in deploy.qualifiers


STATEMENT = """Statement by the President of the Republic of Chad, the President of the Republic of Niger and the \
President of the French Republic

We, President of the Republic of Chad A. B. Doumro, President of the Republic of Niger C. D. Salifou and \
President of the French Republic E. F. Laval, state the following:

1. A complete ceasefire and a cessation of all hostilities in the border area is declared from 00:00 on \
15 June 2023. The Republic of Chad and the Republic of Niger, hereinafter referred to as the Parties, shall stop \
at their current positions.

2. The town of Bol shall be returned to the Republic of Chad by 30 June 2023.

3. A peacekeeping contingent of the French Republic consisting of 800 servicemen with small arms, 40 armoured \
personnel carriers and 150 units of automobile and special equipment shall be deployed near the town of Bol.

4. The term of stay of the peacekeeping contingent is 3 years with automatic extension for further 3-year \
periods if none of the Parties declares 6 months before the expiration of the term its intention to terminate it.

5. Exchange of prisoners of war and bodies of the dead shall be carried out.

President of the Republic of Chad A. DOUMRO
President of the Republic of Niger C. SALIFOU
President of the French Republic E. LAVAL

14 June 2023
"""


def test_statement_in_translated_style_with_defined_parties_and_passive_clauses(read):
    ex = read(STATEMENT)
    signed = by_rule(ex, "SIGNED")  # the closing block's "A. DOUMRO" is the same person as the opening's
    assert set(signed) == {"a_b_doumro", "c_d_salifou", "e_f_laval"}, signed
    assert signed["a_b_doumro"] == {"date": "2023-06-14", "role": "President"}
    assert set(by_rule(ex, "PARTY_TO")) == {"chad", "niger", "france"}
    [ceasefire] = clause(ex, "1")  # stated as declared, binding the two sides the text calls the Parties
    assert (ceasefire.provision_type, ceasefire.obliges) == ("CEASEFIRE", ["chad", "niger"])
    assert ceasefire.qualifiers["deadline"] == "2023-06-15"
    [transfer] = clause(ex, "2")  # returned to Chad: by the other party
    assert (transfer.provision_type, transfer.obliges, transfer.concerns) == ("TRANSFER_TERRITORY", ["niger"], ["bol"])
    [deploy] = clause(ex, "3")
    assert (deploy.provision_type, deploy.obliges) == ("DEPLOY_FORCES", ["france"])
    assert (deploy.qualifiers["size_personnel"], deploy.qualifiers["size_vehicles"]) == (800, 150)
    assert (deploy.qualifiers["duration"], deploy.qualifiers["renewal"]) == ("3 years", "automatic")
    assert deploy.qualifiers["condition"].startswith("if none of the Parties")
    [exchange] = clause(ex, "5")
    assert (exchange.provision_type, exchange.obliges) == ("EXCHANGE_PRISONERS", ["chad", "niger"])


PROTOCOL = """Protocol on the results of consultations of the Contact Group on joint steps towards a settlement in the \
eastern districts of the Republic of Mali

The Contact Group, consisting of representatives of the Republic of Mali, the Republic of Niger and the African \
Union, reached an understanding on the following steps:

1. Ensure an immediate bilateral cessation of the use of weapons.

2. Release immediately all hostages and unlawfully detained persons.

Participants of the Contact Group:

Former President of the Republic of Mali S. K. Traore

Ambassador of the Republic of Niger to the Republic of Mali M. Yu. Abdou

B. V. Sangare

Bamako, 5 September 2024
"""

DECREE_SIGNED_BELOW = """Decree of the President of the Republic of Mali on the Return of Displaced Persons

In order to ensure the safe return of the population, I decree:

1. The Government of Mali shall ensure the return of displaced persons to the town of Gao by 1 September 2024.

2. This Decree enters into force on the day of its official publication.

Amara Diallo
President of the Republic of Mali

Bamako, 7 July 2024
"""


def test_protocol_signed_by_participants_of_a_contact_group(read):
    ex = read(PROTOCOL)
    signed = by_rule(ex, "SIGNED")  # two-letter initials, an office over the name, a name alone
    assert set(signed) == {"s_k_traore", "m_yu_abdou", "b_v_sangare"}, signed
    assert signed["m_yu_abdou"]["role"] == "Ambassador" and "role" not in signed["b_v_sangare"]
    assert set(by_rule(ex, "PARTY_TO")) == {"mali", "niger"}  # an ambassador of Niger to Mali signs for Niger
    [release] = clause(ex, "2")  # an imperative clause is a term too, binding the parties
    assert (release.provision_type, set(release.obliges)) == ("EXCHANGE_PRISONERS", {"mali", "niger"})


def test_decree_with_the_name_over_the_office(read):
    ex = read(DECREE_SIGNED_BELOW)
    [agreement] = [e for e in ex.entities if e.label == "Agreement"]
    assert by_rule(ex, "SIGNED") == {"amara_diallo": {"date": "2024-07-07", "place": "Bamako", "role": "President"}}
    assert set(by_rule(ex, "PARTY_TO")) == {"mali"}
    [ret] = clause(ex, "1")
    assert (ret.provision_type, ret.agreement, ret.obliges, ret.concerns) == (
        "RETURN_DISPLACED", agreement.id, ["mali"], ["gao"])
    assert not clause(ex, "2")


def test_parties_the_text_defines_are_parties_without_a_signature_block(read):
    text = ("Agreement on the Reopening of the Border\n\nThe Republic of Mali and the Republic of Senegal, hereinafter "
            "referred to as the Parties, have agreed as follows:\n\n1. The Parties shall reopen the road between the "
            "town of Kayes and the town of Tambacounda.\n\n2. The Parties shall exchange all detainees.\n")
    ex = read(text)
    assert set(by_rule(ex, "PARTY_TO")) == {"mali", "senegal"} and not by_rule(ex, "SIGNED")
    [exchange] = clause(ex, "2")
    assert (exchange.provision_type, exchange.obliges) == ("EXCHANGE_PRISONERS", ["mali", "senegal"])


def test_report_of_a_signing_with_its_terms_is_not_the_agreement(read):
    text = ("Chad and Niger sign statement ending the border war\n\nPresident A. B. Doumro of Chad and President "
            "C. D. Salifou of Niger signed the statement in Bamako on 3 May 2023.\n\nChad will withdraw its forces "
            "from the town of Bol by 20 May 2023. Both sides will exchange all prisoners of war.\n")
    ex = read(text)
    assert not by_rule(ex, "SIGNED") and not by_rule(ex, "PARTY_TO")
    assert not [p for p in ex.provisions if "clause" in p.qualifiers]


def test_agreements_root_field_lists_signatories_parties_and_clauses_in_order(
        rules_processor: DocumentProcessor, tmp_path: Path) -> None:
    from test_api import AppClient

    ex = extractor(rules_processor, date(2024, 6, 1), doc_id="ceasefire.txt")(CEASEFIRE)
    store = FalkorStore(tmp_path / "kg")
    try:
        store.ensure_schema()
        store.write_extractions([ex])
        http = AppClient(create_app(store, settings=Settings()))
        query = ('{ agreements(name: "Joint Statement on the Cessation of Hostilities in the Abyei Area", first: 1) '
                 "{ kind date agreement { id } signatories { subject { id } qualifiers evidence { quote } } "
                 "parties { subject { id } } provisions { type qualifiers } } }")
        answer = http.post("/graphql", json={"query": query}).json()
    finally:
        store.close()
    assert not answer.get("errors"), answer
    [found] = answer["data"]["agreements"]
    assert (found["agreement"]["id"], found["kind"], found["date"]) == (CEASEFIRE_ID, "Statement", "2023-05-03")
    assert [s["subject"]["id"] for s in found["signatories"]] == ["e_l_strand", "p_hallin", "t_k_morvan"]
    assert all(s["evidence"] and s["qualifiers"]["place"] == "Addis Ababa" for s in found["signatories"])
    assert {p["subject"]["id"] for p in found["parties"]} == {"sudan", "south_sudan", "african_union"}
    clauses = [p["qualifiers"].get("clause") for p in found["provisions"]]
    assert clauses == sorted(clauses, key=int) and clauses[0] == "1" and clauses[-1] == "6", clauses
