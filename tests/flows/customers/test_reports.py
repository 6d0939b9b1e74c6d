"""The customers' figures beside the team's, read from the database: worked examples."""

from datetime import date

import pytest

from flows.customers.figures import TOO_FEW_ANSWERS, BlindSpotKind
from flows.customers.importing import import_customer_answers
from flows.customers.reports import customer_report
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.gaps.rounds import open_rating_round
from flows.journey import StageSpec
from flows.workshops import WorkshopSpec, create_workshop
from storage.models import Phase
from tests.factories import touchpoint_ids

TEAM = "T1"
TODAY = date(2026, 6, 30)
JOURNEY = [StageSpec("Find", ("Website", "Reviews")), StageSpec("Buy", ("Checkout",))]


def make_workshop(session, team=TEAM):
    spec = WorkshopSpec(title="Onboarding", stages=list(JOURNEY))
    workshop = create_workshop(session, team, "C1", "UF", spec)
    workshop.phase = Phase.rating
    session.flush()
    return workshop


def rate(session, workshop, user, answers):
    ids = touchpoint_ids(session, workshop)
    raw = {ids[name]: RawAnswer(str(e), str(p)) for name, (e, p) in answers.items()}
    save_ratings(session, workshop.team_id, workshop.id, user, raw)


def rate_team(session, workshop):
    """Checkout: expectation [4, 5, 4], experience [5, 5, 6];
    Reviews: expectation [5, 5, 6], experience [6, 6, 7]."""
    for user, checkout, reviews in (
        ("U1", (4, 5), (5, 6)),
        ("U2", (5, 5), (5, 6)),
        ("U3", (4, 6), (6, 7)),
    ):
        rate(session, workshop, user, {"Checkout": checkout, "Reviews": reviews})


def columns(*rows):
    return "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\n"


JUNE = columns(
    ("date", "Checkout expectation", "Checkout experience", "Reviews expectation",
     "Reviews experience", "Website experience"),
    ("2026-06-01", 6, 5, 5, 3, 4),
    ("2026-06-01", 7, 5, 6, 4, 4),
    ("2026-06-01", 7, 6, 5, 3, 5),
    ("2026-06-02", 6, 4, 5, 2, None),
    ("2026-06-02", 7, 5, 6, 3, None),
    ("2026-06-02", 6, 6, None, 4, None),
    ("2026-06-03", 7, 5, None, 3, None),
)  # fmt: skip
MARCH = columns(
    ("Checkout expectation", "Checkout experience"),
    (6, 2), (7, 3), (6, 2), (7, 3), (6, 2),
)  # fmt: skip


def load(session):
    workshop = make_workshop(session)
    rate_team(session, workshop)
    import_customer_answers(
        session, workshop, MARCH, imported_by="UF", today=TODAY, survey_date=date(2026, 3, 1)
    )
    import_customer_answers(session, workshop, JUNE, imported_by="UF", today=TODAY)
    return workshop


def test_the_customers_figures_beside_the_teams(session):
    workshop = load(session)
    report = customer_report(session, TEAM, workshop.id)
    assert [c.place.name for c in report.touchpoints] == ["Website", "Reviews", "Checkout"]
    website, reviews, checkout = report.touchpoints
    # Checkout, June: E_c [6,7,7,6,7,6,7] mean 46/7 = 6.571429; P_c [5,5,6,4,5,6,5] mean
    # 36/7 = 5.142857; G_c = −10/7 = −1.428571. s²: E 12/42 = 0.285714, P 20/42 = 0.476190;
    # se² = 0.285714/7 + 0.476190/7 = 0.108844; df = 0.108844² / (0.040816²/6 + 0.068027²/6)
    # = 11.294118; t = −1.428571 / 0.329915 = −4.330127, p = 0.001124.
    assert checkout.survey_date == date(2026, 6, 3)
    assert checkout.customer_gap == pytest.approx(-1.428571, abs=1e-6)
    assert checkout.customer_gap_test.df == pytest.approx(11.294118, abs=1e-6)
    assert checkout.customer_gap_test.p == pytest.approx(0.001124, abs=1e-6)
    # Knowledge gap E_c − E_t = 6.571429 − 13/3 = 2.238095 (the worked example of
    # test_figures: t 5.741964, df 3.578318, p 0.006364): underestimated.
    assert checkout.knowledge_gap == pytest.approx(2.238095, abs=1e-6)
    assert checkout.knowledge_test.p == pytest.approx(0.006364, abs=1e-6)
    # Perception gap P_t − P_c = 16/3 − 36/7 = 0.190476: in line, no flag.
    assert checkout.perception_gap == pytest.approx(0.190476, abs=1e-6)
    assert [s.kind for s in checkout.blind_spots] == [BlindSpotKind.underestimates_expectations]
    # Reviews: P_t [6,6,7] mean 6.333333 s² 1/3; P_c [3,4,3,2,3,4,3] mean 22/7 = 3.142857,
    # s² (7·72 − 22²)/42 = 20/42. P_t − P_c = 3.190476; t = 7.538089, df 4.621251,
    # p = 0.000915: the team overrates the experience. Expectations: E_c [5,6,5,5,6] has
    # only 5 answers, mean 5.4 against the team's 16/3: no difference worth a flag.
    assert reviews.perception_test.t == pytest.approx(7.538089, abs=1e-6)
    assert reviews.perception_test.p == pytest.approx(0.000915, abs=1e-6)
    assert [s.kind for s in reviews.blind_spots] == [BlindSpotKind.overrates_experience]
    # Website: 3 customer answers and no team ratings: too few answers, never a flag.
    assert website.customer_expectation is None and website.customer_experience.n == 3
    assert website.perception_note == TOO_FEW_ANSWERS and website.blind_spots == ()
    # The widest first: Reviews (3.2) before Checkout (2.2).
    assert [(s.place.name, s.kind) for s in report.blind_spots] == [
        ("Reviews", BlindSpotKind.overrates_experience),
        ("Checkout", BlindSpotKind.underestimates_expectations),
    ]
    assert report.answers == 10 + 7 + 7 + 5 + 7 + 3 and report.scale_notes == []


def test_stages_pool_their_touchpoints(session):
    workshop = load(session)
    find, buy = customer_report(session, TEAM, workshop.id).stages
    # Find: experience answers of Website [4,4,5] and Reviews [3,4,3,2,3,4,3]: Σ 13 + 22 = 35
    # over 10 answers, mean 3.5; the team's Find experience is Reviews' [6,6,7] only.
    assert find.place.name == "Find" and find.customer_experience.n == 10
    assert find.customer_experience.mean == pytest.approx(3.5)
    assert find.team_experience.mean == pytest.approx(19 / 3)
    assert buy.customer_expectation.mean == pytest.approx(46 / 7)


def test_a_later_import_shows_whether_the_customer_gap_closed(session):
    workshop = load(session)
    open_rating_round(session, TEAM, workshop.id, "UF")
    rate(session, workshop, "U1", {"Checkout": (5, 5)})
    rate(session, workshop, "U2", {"Checkout": (6, 5)})
    (change,) = customer_report(session, TEAM, workshop.id).changes
    # March: E [6,7,6,7,6] mean 6.4 s² 0.3, P [2,3,2,3,2] mean 2.4 s² 0.3: G_c −4.0.
    # June: G_c −1.428571; change +2.571429. se² = 0.476190/7 + 0.3/5 + 0.285714/7 + 0.3/5
    # = 0.068027 + 0.06 + 0.040816 + 0.06 = 0.228844, se 0.478376, t 5.375330,
    # df = 0.228844² / (0.068027²/6 + 0.06²/4 + 0.040816²/6 + 0.06²/4) = 18.382016.
    assert (change.before_date, change.after_date) == (date(2026, 3, 1), date(2026, 6, 3))
    assert change.before == pytest.approx(-4.0) and change.after == pytest.approx(-1.428571)
    assert change.test.t == pytest.approx(5.375330, abs=1e-6)
    assert change.test.df == pytest.approx(18.382016, abs=1e-5)
    assert change.closed
    # Beside the team's rounds: round 1 gaps 1, 0, 2 (mean 1.0); round 2: 0, −1 (mean −0.5).
    assert (change.team_before, change.team_after) == (pytest.approx(1.0), pytest.approx(-0.5))


def test_another_workspace_sees_nothing(session):
    workshop = load(session)
    other = make_workshop(session, team="T2")
    assert customer_report(session, "T2", other.id).imports == []
    with pytest.raises(Exception, match="no workshop"):
        customer_report(session, "T2", workshop.id)


def test_the_digest_says_the_top_blind_spots_in_plain_words(session):
    from flows.customer_reports import blind_spots_section
    from flows.digest import plain_text

    workshop = load(session)
    assert blind_spots_section(session, make_workshop(session), None) is None  # no answers
    section = blind_spots_section(session, workshop, None)
    assert section.title == "Blind spots"
    lines = [plain_text(item.text) for item in section.items]
    assert lines[0] == (
        "Reviews: the team overrates the experience. Customers get 3.1, the team thought 6.3; "
        "difference +3.2 (95 % CI +2.1 to +4.3), Welch p < 0.001."
    )
    assert lines[1].startswith(
        "Checkout: the team underestimates what customers expect. Customers expect 6.6, the "
        "team thought 4.3; difference +2.2"
    )
    assert lines[2] == (
        "Checkout: customers' gap −4.0 (Sun 1 Mar 2026) → −1.4 (Wed 3 Jun 2026), narrowed by 2.6 "
        "(p < 0.001); the team's gap +1.0 this round"
    )
    assert "@" not in " ".join(lines)  # quiet: no mentions


def test_the_export_gains_the_customer_figures(session):
    from flows.customer_reports import customer_figures_table

    workshop = load(session)
    table = customer_figures_table(session, workshop)
    rows = {(row[0], row[1]): dict(zip(table.columns, row, strict=True)) for row in table.rows}
    checkout = rows["Buy", "Checkout"]
    assert checkout["customer_n_expectation"] == 7
    assert checkout["customer_gap"] == pytest.approx(-1.429)
    assert checkout["knowledge_gap_p"] == pytest.approx(0.0064)
    assert checkout["blind_spots"] == "the team underestimates what customers expect"
    assert rows["Find", ""]["customer_n_experience"] == 10  # the stage, pooled


def test_fixes_ranked_by_the_customers_gap(session):
    from flows.customers.fixes import fixes_by_customer_gap
    from flows.fixes import propose_fix, validate_fix

    workshop = load(session)
    workshop.phase = Phase.fixes
    session.flush()
    ids = touchpoint_ids(session, workshop)
    for title, touchpoint in (
        ("Faster site", "Website"),
        ("Answer reviews", "Reviews"),
        ("Guest checkout", "Checkout"),
    ):
        propose_fix(session, TEAM, workshop.id, "U1", validate_fix(title, ids[touchpoint]))
    ranked = fixes_by_customer_gap(session, workshop)
    # Reviews: G_c = 22/7 − 27/5 = 3.142857 − 5.4 = −2.257143; Checkout: −10/7 = −1.428571.
    # Website has 3 experience answers and no expectation: not ranked, last.
    assert [r.fix.title for r in ranked] == ["Answer reviews", "Guest checkout", "Faster site"]
    assert ranked[0].customer_gap == pytest.approx(-2.257143, abs=1e-6)
    assert ranked[1].customer_gap == pytest.approx(-10 / 7)
    # The team's gaps beside them: Reviews 19/3 − 16/3 = +1.0; Checkout 16/3 − 13/3 = +1.0.
    assert ranked[0].team_gap == pytest.approx(1.0)
    assert (ranked[2].customer_gap, ranked[2].customer_answers) == (None, 0)
