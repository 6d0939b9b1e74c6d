"""Benchmarking across workshops, with a worked example computed by hand: matching by normalised
name, suggestions confirmed or rejected, gaps side by side in each workshop's latest rated round,
the workspace benchmark index and the leads to follow."""

import pytest
from sqlmodel import select

from flows.benchmarking import (
    SUGGEST_AT,
    check_numbers,
    compare_workshops,
    comparison_table,
    decide_match,
    normalise,
    rated_workshops,
    require_rated,
    similarity,
)
from flows.errors import InvalidInput, NotAllowed, NotFound
from flows.journey import StageSpec
from flows.workshops import join_workshop
from storage.models import (
    ActionStatus,
    FixStatus,
    MatchVerdict,
    RatingRound,
    TouchpointMatch,
    utcnow,
)
from tests.factories import (
    OTHER_TEAM,
    TEAM,
    add_action_item,
    add_fix,
    add_gap_rating,
    make_workshop,
    touchpoint_ids,
)

# Three teams map similar journeys. Each touchpoint gets one gap (experience − expectation) per
# rater; expectation is 7 and experience 7 + gap.
WEB = [
    StageSpec("Awareness", ("Search results", "Ads")),
    StageSpec("Purchase", ("Sign-up form", "Checkout")),
]
STORES = [
    StageSpec("awareness", ("search results!", "Flyers")),
    StageSpec("Purchase", ("Signup form", "Check-out")),
]
PARTNERS = [
    StageSpec("Awareness", ("Search  Results", "Ads")),
    StageSpec("Purchase", ("Checkout",)),
]
# Latest rated round (round 2 for the web shop, round 1 for the others): gaps of raters UA, UB.
WEB_GAPS = {
    "Search results": (-3, -3),  # mean −3.0
    "Ads": (-1, -1),  # −1.0
    "Sign-up form": (-2, -2),  # −2.0
    "Checkout": (-1, 0),  # −0.5
}
STORES_GAPS = {
    "search results!": (-1, -1),  # −1.0
    "Flyers": (-2, -2),  # −2.0
    "Signup form": (-4, -4),  # −4.0
    "Check-out": (-1, -2),  # −1.5
}
PARTNERS_GAPS = {  # one rater, UA
    "Search  Results": (-2,),
    "Ads": (-2,),
    "Checkout": (-1,),
}


def _rate(session, workshop, gaps, number=1):
    ids = touchpoint_ids(session, workshop)
    for name, answers in gaps.items():
        for user, gap in zip(("UA", "UB"), answers, strict=False):
            add_gap_rating(session, workshop, ids[name], user, number, 7, 7 + gap)
    session.flush()


def _workshop(session, title, stages, facilitator, team=TEAM):
    workshop = make_workshop(
        session, team=team, title=title, stages=stages, facilitator=facilitator
    )
    for user in ("UA", "UB"):
        join_workshop(session, workshop, user)
    return workshop


@pytest.fixture
def three(session):
    web = _workshop(session, "Web shop", WEB, "UF")
    # round 1 is older and ignored: the web shop's latest rated round is round 2
    _rate(session, web, {name: (-5, -5) for name in WEB_GAPS}, 1)
    session.add(RatingRound(team_id=TEAM, workshop_id=web.id, number=2, opened_by="UF"))
    _rate(session, web, WEB_GAPS, 2)
    stores = _workshop(session, "Stores", STORES, "UG")
    _rate(session, stores, STORES_GAPS)
    partners = _workshop(session, "Partners", PARTNERS, "UH")
    _rate(session, partners, PARTNERS_GAPS)
    return web, stores, partners


def test_normalised_names_and_similarity():
    assert normalise("Sign-up  form!") == "sign up form"
    assert normalise("  SEARCH\tResults ") == "search results"
    assert normalise("Ｃｈｅｃｋｏｕｔ") == "checkout"  # NFKC: full-width letters
    assert normalise("e_mail") == "e mail"
    # "signup form" (11 characters) against "sign up form" (12): 11 match ("sign", "up form"),
    # ratio = 2 × 11 / 23 = 0.956…
    assert similarity("Signup form", "Sign-up form") == pytest.approx(22 / 23)
    # "checkout" (8) against "check out" (9): 8 match, 16 / 17 = 0.941…
    assert similarity("Checkout", "Check-out") == pytest.approx(16 / 17)
    assert similarity("Ads", "Flyers") < SUGGEST_AT


def test_the_worked_example_before_any_confirmation(session, three):
    web, stores, partners = three
    comparison = compare_workshops(session, TEAM, [web.id, stores.id, partners.id])
    assert [(w.title, w.round, w.raters) for w in comparison.workshops] == [
        ("Web shop", 2, 2),
        ("Stores", 1, 2),
        ("Partners", 1, 1),
    ]
    # Matched touchpoints, widest median shortfall first:
    # Search results: −3.0, −1.0, −2.0 → median −2.0
    # Ads: −1.0, –, −2.0 → median −1.5
    # Checkout: −0.5, –, −1.0 → median −0.75 (the Stores' "Check-out" is only suggested)
    rows = comparison.touchpoints
    assert [r.name for r in rows] == ["Search results", "Ads", "Checkout"]
    assert [r.median_gap for r in rows] == [-2.0, -1.5, -0.75]
    assert [c.name if c else None for c in rows[0].cells] == [
        "Search results",
        "search results!",
        "Search  Results",
    ]
    assert [(c.n, c.mean_gap) if c else None for c in rows[1].cells] == [
        (2, -1.0),
        None,
        (1, -2.0),
    ]
    # Index = 100 + 100 × D / 6, D = mean of (gap − median):
    # Web: (−3 − −2) = −1, (−1 − −1.5) = +0.5, (−0.5 − −0.75) = +0.25 → D = −0.25 / 3
    #      → 100 − 100 × 0.08333 / 6 = 98.61
    # Stores: (−1 − −2) = +1 → D = 1 → 116.67
    # Partners: 0, −0.5, −0.25 → D = −0.25 → 100 − 4.167 = 95.83
    assert comparison.index == pytest.approx((98.6111, 116.6667, 95.8333), abs=1e-4)
    # Stages match ignoring case; each pooled over all its ratings in that round:
    # Awareness: Web (−3 −3 −1 −1) / 4 = −2.0; Stores (−1 −1 −2 −2) / 4 = −1.5; Partners −2.0
    # Purchase: Web (−2 −2 −1 0) / 4 = −1.25; Stores (−4 −4 −1 −2) / 4 = −2.75; Partners −1.0
    assert [(s.name, [c.mean_gap if c else None for c in s.cells]) for s in comparison.stages] == [
        ("Awareness", [-2.0, -1.5, -2.0]),
        ("Purchase", [-1.25, -2.75, -1.0]),
    ]
    # A stage's n is its raters, not its pooled ratings: the Web shop's Awareness pools 4
    # ratings (2 touchpoints × UA and UB) from 2 people; the Partners' from 1 person
    assert [[c.n if c else None for c in s.cells] for s in comparison.stages] == [
        [2, 2, 1],
        [2, 2, 1],
    ]
    assert comparison.unmatched == (
        ("Sign-up form",),
        ("Flyers", "Signup form", "Check-out"),
        (),
    )
    # Suggested: Sign-up form ~ Signup form (0.957), then Checkout ~ Check-out (0.941) for the
    # Web shop and for the Partners
    ids = {
        **touchpoint_ids(session, web),
        **{f"S:{k}": v for k, v in touchpoint_ids(session, stores).items()},
    }
    pairs = [(s.name_a, s.name_b) for s in comparison.suggestions]
    assert pairs[0] == ("Sign-up form", "Signup form")
    assert {frozenset(pair) for pair in pairs[1:]} == {frozenset(("Checkout", "Check-out"))}
    assert len(pairs) == 3
    first = comparison.suggestions[0]
    assert (first.touchpoint_a_id, first.touchpoint_b_id) == (
        ids["Sign-up form"],
        ids["S:Signup form"],
    )


def test_confirming_a_suggestion_matches_and_rejecting_hides_it(session, three):
    web, stores, partners = three
    web_ids, store_ids = touchpoint_ids(session, web), touchpoint_ids(session, stores)
    numbers = [web.id, stores.id, partners.id]
    decide_match(
        session,
        TEAM,
        (store_ids["Signup form"], web_ids["Sign-up form"]),  # either order
        MatchVerdict.confirmed,
        "UG",
    )
    decide_match(
        session, TEAM, (web_ids["Checkout"], store_ids["Check-out"]), MatchVerdict.confirmed, "UF"
    )
    comparison = compare_workshops(session, TEAM, numbers)
    # Sign-up form: −2.0, −4.0 → median −3.0; Checkout: −0.5, −1.5, −1.0 → median −1.0
    assert [(r.name, r.median_gap) for r in comparison.touchpoints] == [
        ("Sign-up form", -3.0),
        ("Search results", -2.0),
        ("Ads", -1.5),
        ("Checkout", -1.0),
    ]
    # Web: +1, −1, +0.5, +0.5 → D = 0.25 → 104.17
    # Stores: −1, +1, −0.5 → D = −0.5 / 3 → 97.22
    # Partners: 0, −0.5, 0 → D = −0.5 / 3 → 97.22
    assert comparison.index == pytest.approx((104.1667, 97.2222, 97.2222), abs=1e-4)
    assert comparison.suggestions == ()  # the Partners' Checkout pair: Stores' is matched now
    # Rejecting replaces the verdict (one row per pair): the pair is apart and never suggested
    decide_match(
        session,
        TEAM,
        (web_ids["Sign-up form"], store_ids["Signup form"]),
        MatchVerdict.rejected,
        "UF",
    )
    rows = session.exec(select(TouchpointMatch)).all()
    assert len(rows) == 2
    comparison = compare_workshops(session, TEAM, numbers)
    assert "Sign-up form" not in [r.name for r in comparison.touchpoints]
    assert comparison.suggestions == ()


def test_only_a_facilitator_of_either_workshop_decides(session, three):
    web, stores, _ = three
    web_ids, store_ids = touchpoint_ids(session, web), touchpoint_ids(session, stores)
    pair = (web_ids["Sign-up form"], store_ids["Signup form"])
    with pytest.raises(NotAllowed):
        decide_match(session, TEAM, pair, MatchVerdict.confirmed, "UA")
    with pytest.raises(NotFound):  # two touchpoints of one workshop
        decide_match(
            session, TEAM, (web_ids["Ads"], web_ids["Checkout"]), MatchVerdict.confirmed, "UF"
        )
    with pytest.raises(NotFound):  # the right ids, the wrong workspace
        decide_match(session, OTHER_TEAM, pair, MatchVerdict.confirmed, "UF")
    assert session.exec(select(TouchpointMatch)).all() == []


def test_leads_to_follow_are_the_best_workshops_fixes(session, three):
    web, stores, partners = three
    store_ids, web_ids = touchpoint_ids(session, stores), touchpoint_ids(session, web)
    add_action_item(
        session,
        stores,
        store_ids["search results!"],
        title="Store finder on the results page",
        author="UB",
        owner="UB",
        created_by="UG",
        due_date=utcnow().date(),
        status=ActionStatus.done,
    )
    add_fix(session, web, web_ids["Ads"], "Fewer, better ads", "UA")
    add_fix(session, web, web_ids["Ads"], "Removed idea", "UA", status=FixStatus.removed)
    comparison = compare_workshops(session, TEAM, [web.id, stores.id, partners.id])
    # Search results: Stores −1.0 is best, 2.0 ahead of the Web shop's −3.0;
    # Ads: Web −1.0 is best, 1.0 ahead of the Partners' −2.0 (the removed fix is no lead);
    # Checkout: Web −0.5 is best but has no fix: no lead.
    leads = [
        (
            lead.touchpoint,
            lead.best,
            lead.ahead_by,
            [(f.title, f.action_status) for f in lead.fixes],
        )
        for lead in comparison.leads
    ]
    assert leads == [
        ("search results!", 1, 2.0, [("Store finder on the results page", ActionStatus.done)]),
        ("Ads", 0, 1.0, [("Fewer, better ads", None)]),
    ]


def test_the_export_table_has_every_row_unrounded(session, three):
    web, stores, _ = three
    comparison = compare_workshops(session, TEAM, [web.id, stores.id])
    table = comparison_table(comparison)
    assert table.columns[:3] == ("level", "stage", "name")
    assert f"w{web.id}_mean_gap" in table.columns and table.columns[-1] == "median_gap"
    assert f"w{web.id}_raters" in table.columns and f"w{web.id}_n" not in table.columns
    raters = table.columns.index(f"w{web.id}_raters")
    assert table.rows[0][raters] == 2  # Awareness: UA and UB, over 4 ratings
    # 2 stages + 1 touchpoint (Search results) matched between the two
    assert [row[0] for row in table.rows] == ["stage", "stage", "touchpoint"]
    assert table.rows[-1][-1] == -2.0  # median of −3.0 and −1.0
    assert table.rows[0][-1] == -1.75  # Awareness: median of −2.0 and −1.5


def test_bad_requests_are_refused_in_words(session, three):
    web, _, _ = three
    with pytest.raises(InvalidInput, match="two workshops or more"):
        check_numbers([web.id])
    with pytest.raises(InvalidInput, match=f"#{web.id} twice"):
        check_numbers([web.id, web.id])
    with pytest.raises(InvalidInput, match="at most 6"):
        check_numbers(list(range(1, 8)))
    with pytest.raises(NotFound, match=r"There is no workshop #999999 in this workspace\."):
        compare_workshops(session, TEAM, [web.id, 999999])
    unrated = _workshop(session, "New", WEB, "UF")
    with pytest.raises(InvalidInput, match=f"#{unrated.id} has no gap ratings"):
        require_rated(compare_workshops(session, TEAM, [web.id, unrated.id]))


def test_another_workspace_looks_exactly_like_an_unknown_number(session, three):
    web, _, _ = three
    foreign = _workshop(session, "Theirs", WEB, "UX", team=OTHER_TEAM)
    _rate(session, foreign, WEB_GAPS)
    with pytest.raises(NotFound) as unknown:
        compare_workshops(session, TEAM, [web.id, 999999])
    with pytest.raises(NotFound) as theirs:
        compare_workshops(session, TEAM, [web.id, foreign.id])
    assert str(theirs.value) == str(unknown.value).replace("999999", str(foreign.id))
    assert foreign.id not in rated_workshops(session, TEAM)
    assert rated_workshops(session, OTHER_TEAM) == [foreign.id]


def test_answers_from_two_replicas_make_one_row_the_later_verdict_wins(db):
    """Each answer is its own transaction (as two replicas, or a double click, would send):
    the unique pair and the upsert keep one row."""
    with db.session() as session:
        web = _workshop(session, "Web shop", WEB, "UF")
        stores = _workshop(session, "Stores", STORES, "UG")
        pair = (
            touchpoint_ids(session, web)["Sign-up form"],
            touchpoint_ids(session, stores)["Signup form"],
        )
    for verdict, who in (
        (MatchVerdict.confirmed, "UF"),
        (MatchVerdict.confirmed, "UF"),
        (MatchVerdict.rejected, "UG"),
    ):
        with db.session() as session:
            decide_match(session, TEAM, pair, verdict, who)
    with db.session() as session:
        [row] = session.exec(select(TouchpointMatch)).all()
        assert (row.touchpoint_a_id, row.touchpoint_b_id) == tuple(sorted(pair))
        assert (row.verdict, row.decided_by, row.team_id) == ("rejected", "UG", TEAM)
