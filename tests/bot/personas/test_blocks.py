"""The persona forms and the results per persona, as Block Kit (each builder on its own)."""

from bot.personas.blocks import (
    build_persona_add_modal,
    build_persona_choice_modal,
    build_persona_results,
    persona_added_text,
    persona_chosen_text,
    persona_results_text,
    persona_round_text,
)
from flows.personas import summarise_personas
from tests.factories import sums
from tests.helpers import rendered


def example():
    """Parent (1): A −3 −1, B 0; Business (2): A 0, B −1; no persona: A −6.
    A: parent −2.0 vs business 0.0 → split 2.0; B: business −1.0 vs parent 0.0 → split 1.0."""
    journey = [(10, "A", "Find"), (11, "B", "Find")]
    ratings = {
        10: {1: sums(-3, -1), 2: sums(0), None: sums(-6)},
        11: {1: sums(0), 2: sums(-1)},
    }
    return summarise_personas(
        7, "T", 1, [(1, "Busy parent"), (2, "Small business")], journey, ratings, {1: 2, 2: 1}
    )


def test_results_show_each_persona_beside_everyone_and_the_splits():
    results = example()
    text = rendered(build_persona_results(results))
    # everyone: (−3 − 1 + 0 − 6 + 0 − 1) / 6 = −11 / 6 = −1.83 → −1.8
    assert "Everyone: journey gap *−1.8*" in text
    # parent: (−3 − 1 + 0) / 3 = −1.33 → −1.3; business: (0 − 1) / 2 = −0.5
    assert "*Busy parent*: journey gap *−1.3* (2 raters, 3 ratings)" in text
    assert "*Small business*: journey gap *−0.5* (1 rater, 2 ratings)" in text
    assert "• *A* (Find): Busy parent −2.0 against Small business 0.0, *2.0* apart" in text
    assert "• *B* (Find): Small business −1.0 against Busy parent 0.0, *1.0* apart" in text
    assert persona_results_text(results) == "Personas, round 1: personas split at 2 touchpoints."


def test_results_without_splits():
    results = summarise_personas(
        7, "T", 1, [(1, "P"), (2, "Q")], [(10, "A", "Find")], {10: {1: sums(-1), 2: sums(-1)}}, {}
    )
    assert "No persona split" in rendered(build_persona_results(results))
    assert persona_results_text(results) == "Personas, round 1: no persona split."


def test_add_form_offers_customer_stakeholders_only_when_there_are_some():
    plain = build_persona_add_modal(7, "T", "C1", [], []).to_dict()
    assert [b["block_id"] for b in plain["blocks"][1:]] == [
        "persona_name",
        "persona_description",
    ]
    assert plain["blocks"][1]["optional"] is False
    full = build_persona_add_modal(7, "T", "C1", [("Parent", "Busy")], [(3, "Buyers")]).to_dict()
    assert full["blocks"][-1]["block_id"] == "persona_stakeholder"
    assert full["blocks"][1]["optional"] is True  # the stakeholder's name may stand in
    assert "Personas of *T* so far (1 of at most 5)" in full["blocks"][0]["text"]["text"]


def test_choice_form_preselects_the_current_persona_and_can_lead_on_to_rating():
    view = build_persona_choice_modal(
        7, "T", "C1", [(1, "P", "about P"), (2, "Q", "")], chosen=2, then_rate=True
    ).to_dict()
    radio = view["blocks"][1]["element"]
    assert radio["initial_option"]["value"] == "2"
    assert view["submit"]["text"] == "Next: rate"
    assert (
        build_persona_choice_modal(7, "T", "C1", [(1, "P", "")], None).to_dict()["submit"]["text"]
        == "Save"
    )


def test_confirmations():
    assert persona_added_text("<P>", 2).startswith("Added the persona *&lt;P&gt;* (2 of at most 5)")
    assert persona_chosen_text("P", 0) == "You rate for *P* from now on."
    assert persona_chosen_text("P", 3) == (
        "You rate for *P* from now on. Your 3 ratings of this round count for them too."
    )


def test_the_persona_round_announcement_escapes_the_name_and_says_what_happened():
    opened = persona_round_text(3, "<!channel> & co", "U1", opened=True)
    assert opened.startswith(":busts_in_silhouette: <@U1> opened *rating round 3* for the persona")
    assert "*&lt;!channel&gt; &amp; co*" in opened and "<!channel>" not in opened
    given = persona_round_text(1, "Busy parent", "U1", opened=False)
    assert "gave *rating round 1* to the persona *Busy parent*" in given
