"""The customers' Block Kit builders, each on its own."""

import json
from dataclasses import replace
from datetime import date

from bot.customers.blocks import (
    blind_spot_line,
    build_blind_spots_section,
    build_customer_report,
    build_fixes_by_customer_gap,
    build_import_modal,
    comparison_table,
    fixes_by_customer_gap_text,
    import_confirmation,
    no_answers_text,
    report_text,
)
from bot.slack import ids
from bot.slack.blocks import block_text_length
from flows.customers.importing import CustomerImportResult
from tests.bot.customers.report_fixtures import checkout, report, reviews, website
from tests.helpers import rendered


def test_the_blind_spots_section_says_it_in_words_widest_first_with_shapes():
    blocks = build_blind_spots_section(report())
    text = rendered(blocks)
    section = blocks[0].text.text
    lines = section.split("\n")
    assert lines[0].startswith(
        "*Blind spots* · what 39 customer answers (latest survey Wed 3 Jun 2026)"
    )
    assert lines[1] == (
        "▼ *Reviews*: the team overrates the experience. Customers get 3.1, the team thought 6.3"
    )
    assert lines[2] == (
        "▲ *Checkout*: the team underestimates what customers expect. Customers expect 6.6, "
        "the team thought 4.3"
    )
    assert "Welch p &lt; 0.001" in text and "Answers on 1–5 converted linearly to 1–7" in text
    assert "<@" not in text  # quiet


def test_no_blind_spots_and_no_answers_are_said_plainly():
    calm = report(comparisons=[replace(reviews(), team_experience=None)])
    assert "No blind spots: on the 1 touchpoint with enough answers, the team's view matches" in (
        rendered(build_blind_spots_section(calm))
    )
    untested = report(comparisons=[website()])
    assert "No blind spots can be told yet" in rendered(build_blind_spots_section(untested))
    assert build_blind_spots_section(report(comparisons=[])) == []
    assert "No customer answers in workshop #1 yet" in no_answers_text(1)


def test_the_top_three_only_and_a_pointer_to_the_rest():
    many = report(comparisons=[checkout(f"Checkout {i}") for i in range(5)])
    text = build_blind_spots_section(many)[0].text.text
    assert text.count("▲") == 3 and "…and 2 more in `/workshop customers show`." in text


def test_the_report_message_has_the_table_the_changes_and_fits_a_message():
    blocks = build_customer_report(report())
    text = rendered(blocks)
    assert blocks[0].text.text == "Customers' voice · Onboarding"
    assert "Checkout" in comparison_table(report()) and "6.6/4.3" in comparison_table(report())
    assert "Too few answers (under 5), never flagged: Website" in text
    assert (
        "Checkout: customers' gap −4.0 (Sun 1 Mar 2026) → −1.4 (Wed 3 Jun 2026), narrowed by 2.6"
        in text
    )
    assert len(blocks) <= 50 and block_text_length(blocks) < 10_000
    assert "No customer answers" in rendered(build_customer_report(report(comparisons=[])))


def test_report_text_and_blind_spot_line():
    assert report_text(report()).startswith("Customers' voice: 2 blind spots. Reviews: the team")
    (spot,) = checkout().blind_spots
    assert blind_spot_line(spot).startswith("▲ *Checkout*: the team underestimates")


def test_the_import_form_pastes_answers_and_chooses_the_scale():
    view = build_import_modal(7, "Onboarding", "C1").to_dict()
    assert view["callback_id"] == ids.CUSTOMERS_IMPORT_MODAL
    assert len(view["title"]["text"]) <= 24
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    scale = blocks[ids.CUSTOMERS_FIELD_SCALE]["element"]
    assert [o["value"] for o in scale["options"]] == ["1-7", "1-5", "1-10", "0-10"]
    assert scale["initial_option"]["value"] == "1-7"
    assert blocks[ids.CUSTOMERS_FIELD_ANSWERS]["element"]["max_length"] == 3000
    assert blocks[ids.CUSTOMERS_FIELD_DATE]["optional"] is True
    assert json.loads(view["private_metadata"]) == {"workshop_id": 7, "channel_id": "C1"}


def test_the_import_confirmation():
    result = CustomerImportResult(
        7, "T1", "Onboarding", 3, date(2026, 6, 3), "0-10", 40, ["Checkout"], False
    )
    text = import_confirmation(result, report())
    assert text.startswith(
        ":white_check_mark: Imported 40 customer answers (answers on 0–10 converted linearly "
        "to 1–7) into workshop #7, survey of Wed 3 Jun 2026: Checkout. 2 blind spots found."
    )
    again = replace(result, already_imported=True)
    assert "already in workshop #7" in import_confirmation(again, report())


def test_fixes_ranked_by_the_customers_gap():
    from flows.customers.fixes import FixByCustomerGap
    from flows.fixes import FixSummary

    def fix(title, touchpoint):
        return FixSummary(1, 1, title, None, 1, touchpoint, "Buy", "U1", None, None, None)

    ranked = [
        FixByCustomerGap(fix("Answer reviews", "Reviews"), -2.257, 5, 1.0),
        FixByCustomerGap(fix("Guest checkout", "Checkout"), -1.43, 7, 1.0),
        FixByCustomerGap(fix("Faster site", "Website"), None, 0, None),
    ]
    blocks = build_fixes_by_customer_gap("Onboarding", ranked)
    lines = blocks[0].text.text.split("\n")
    assert lines[1:] == [
        "1. *Answer reviews* · Reviews: customers' gap −2.3 (the team's +1.0)",
        "2. *Guest checkout* · Checkout: customers' gap −1.4 (the team's +1.0)",
    ]
    assert "to rank: Faster site (Website)" in rendered(blocks)
    assert fixes_by_customer_gap_text("Onboarding", ranked) == (
        "Fixes of “Onboarding” ranked by the customers' gap: first Answer reviews (Reviews, −2.3)."
    )
    assert "No fixes proposed" in rendered(build_fixes_by_customer_gap("Onboarding", []))
    only_unranked = build_fixes_by_customer_gap("Onboarding", ranked[2:])
    assert "No fix is at a touchpoint with 5 or more customer answers." in rendered(only_unranked)
