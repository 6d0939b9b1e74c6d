import pytest
from sqlmodel import select

from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.fixes import (
    FixDraft,
    can_manage,
    edit_fix,
    fix_count,
    list_fixes,
    merge_candidates,
    merge_fixes,
    propose_fix,
    remove_fix,
    validate_fix,
)
from flows.journey import StageSpec, touchpoint_choices
from flows.voting import change_vote, own_votes, vote_totals
from flows.workshops import WorkshopSpec, create_workshop, is_facilitator, join_workshop
from storage.models import Effort, Fix, FixStatus, Impact, Phase, Vote
from tests.factories import touchpoint_ids

TEAM = "T1"
JOURNEY = [StageSpec("Find", ("Ads", "Search")), StageSpec("Buy", ("Checkout",))]


def make_workshop(session, phase=Phase.fixes, budget=3, per_fix=1, team=TEAM, live=False):
    spec = WorkshopSpec(
        "Onboarding", JOURNEY, vote_budget=budget, max_votes_per_fix=per_fix, live_tallies=live
    )
    workshop = create_workshop(session, team, "C1", "UF", spec)
    workshop.phase = phase
    session.add(workshop)
    session.flush()
    return workshop


def propose(session, workshop, user="UA", title="Shorter checkout", touchpoint="Checkout"):
    touchpoint_id = touchpoint_ids(session, workshop)[touchpoint]
    return propose_fix(session, TEAM, workshop.id, user, FixDraft(title, touchpoint_id))


def set_phase(session, workshop, phase):
    workshop.phase = phase
    session.add(workshop)
    session.flush()


# validate_fix --------------------------------------------------------------------------------


def test_validate_fix_cleans_and_accepts_optional_fields():
    draft = validate_fix("  One-page   checkout ", "7", " Drop the account step ", "S", "high")
    assert draft == FixDraft(
        "One-page checkout", 7, "Drop the account step", Effort.small, Impact.high
    )
    assert validate_fix("T", 3) == FixDraft("T", 3)


def test_validate_fix_reports_every_bad_field():
    with pytest.raises(InvalidInput) as raised:
        validate_fix("x" * 121, None, "d" * 2001, "XL", "huge")
    assert set(raised.value.errors) == {"title", "touchpoint", "description", "effort", "impact"}
    assert "120 characters (121 now)" in raised.value.errors["title"]
    with pytest.raises(InvalidInput) as raised:
        validate_fix("   ", "abc")
    assert raised.value.errors == {
        "title": "Give the fix a short title.",
        "touchpoint": "Pick the touchpoint this fix addresses.",
    }


# proposing -----------------------------------------------------------------------------------


def test_proposing_joins_the_author_and_lists_in_journey_order(session):
    workshop = make_workshop(session)
    later = propose(session, workshop, "UA", "Faster checkout", "Checkout")
    earlier = propose(session, workshop, "UB", "Better ads", "Ads")
    assert fix_count(session, workshop) == 2
    assert [f.id for f in list_fixes(session, workshop)] == [earlier.id, later.id]
    summary = list_fixes(session, workshop)[0]
    assert (summary.title, summary.touchpoint, summary.stage, summary.author_id) == (
        "Better ads",
        "Ads",
        "Find",
        "UB",
    )
    assert join_workshop(session, workshop, "UA") is False  # already joined by proposing


def test_proposing_outside_the_fixes_phase_is_refused(session):
    workshop = make_workshop(session, phase=Phase.rating)
    with pytest.raises(Conflict, match="fixes phase"):
        propose(session, workshop)
    assert fix_count(session, workshop) == 0


def test_a_touchpoint_of_another_workshop_or_workspace_is_refused(session):
    mine = make_workshop(session)
    theirs = make_workshop(session, team="T2")
    foreign_touchpoint = touchpoint_ids(session, theirs)["Ads"]
    with pytest.raises(InvalidInput) as raised:
        propose_fix(session, TEAM, mine.id, "UA", FixDraft("T", foreign_touchpoint))
    assert "touchpoint" in raised.value.errors
    with pytest.raises(NotFound):  # a forged workshop id of the other workspace
        propose_fix(session, TEAM, theirs.id, "UA", FixDraft("T", foreign_touchpoint))


def test_a_replayed_submission_creates_the_fix_once(session):
    workshop = make_workshop(session)
    draft = FixDraft("T", touchpoint_ids(session, workshop)["Ads"])
    first = propose_fix(session, TEAM, workshop.id, "UA", draft, request_key="V123")
    again = propose_fix(session, TEAM, workshop.id, "UA", draft, request_key="V123")
    assert first.id == again.id and fix_count(session, workshop) == 1


def test_touchpoint_choices_group_by_stage_in_order(session):
    workshop = make_workshop(session)
    choices = touchpoint_choices(session, workshop)
    assert [(s.name, [t.name for t in s.touchpoints]) for s in choices] == [
        ("Find", ["Ads", "Search"]),
        ("Buy", ["Checkout"]),
    ]


def test_authors_and_facilitators_edit_others_are_refused(session):
    workshop = make_workshop(session)
    fix = propose(session, workshop, "UA")
    ads = touchpoint_ids(session, workshop)["Ads"]
    edit_fix(session, TEAM, fix.id, "UA", FixDraft("By author", ads, effort=Effort.large))
    edit_fix(session, TEAM, fix.id, "UF", FixDraft("By facilitator", ads))
    assert fix.title == "By facilitator" and fix.touchpoint_id == ads and fix.effort is None
    with pytest.raises(NotAllowed, match="author or a facilitator"):
        edit_fix(session, TEAM, fix.id, "UB", FixDraft("By someone else", ads))
    with pytest.raises(NotFound):  # another workspace cannot reach it with a forged id
        edit_fix(session, "T2", fix.id, "UF", FixDraft("Forged", ads))
    assert can_manage(session, fix, "UA") and not can_manage(session, fix, "UB")
    assert is_facilitator(session, TEAM, workshop.id, "UF")


def test_removing_a_fix_returns_its_votes(session):
    workshop = make_workshop(session, budget=2)
    fix = propose(session, workshop, "UA")
    other = propose(session, workshop, "UA", "Other", "Ads")
    set_phase(session, workshop, Phase.voting)
    join_workshop(session, workshop, "UV")
    change_vote(session, TEAM, workshop.id, "UV", fix.id, 0, 1)
    change_vote(session, TEAM, workshop.id, "UV", other.id, 0, 1)
    removed = remove_fix(session, TEAM, fix.id, "UA")
    assert removed.returned_votes == 1 and fix.status == FixStatus.removed
    assert own_votes(session, workshop, "UV") == {other.id: 1}
    assert [f.id for f in list_fixes(session, workshop)] == [other.id]
    with pytest.raises(NotFound, match="removed"):
        remove_fix(session, TEAM, fix.id, "UA")


def test_fixes_are_frozen_once_the_workshop_closes(session):
    workshop = make_workshop(session)
    fix = propose(session, workshop, "UA")
    set_phase(session, workshop, Phase.closed)
    with pytest.raises(Conflict, match="fixes and voting phases"):
        remove_fix(session, TEAM, fix.id, "UA")


# merging -------------------------------------------------------------------------------------


def vote(session, workshop, voter, fix, times=1):
    for _ in range(times):
        count = own_votes(session, workshop, voter).get(fix.id, 0)
        change_vote(session, TEAM, workshop.id, voter, fix.id, count, count + 1)


def assert_every_limit_holds(session, workshop, budget, per_fix):
    rows = session.exec(select(Vote).where(Vote.workshop_id == workshop.id)).all()
    per_ballot: dict[int, int] = {}
    per_ballot_fix: dict[tuple[int, int], int] = {}
    for row in rows:
        per_ballot[row.ballot_id] = per_ballot.get(row.ballot_id, 0) + 1
        key = (row.ballot_id, row.fix_id)
        per_ballot_fix[key] = per_ballot_fix.get(key, 0) + 1
        assert session.get(Fix, row.fix_id).status == FixStatus.active
    assert all(count <= budget for count in per_ballot.values())
    assert all(count <= per_fix for count in per_ballot_fix.values())


def test_merge_carries_votes_over_and_returns_the_excess(session):
    """Budget 4, at most 2 per fix. Worked example:
    X: 2 on source, 1 on target → target can take 1 more: 1 moves, 1 returns; X ends with 2.
    Y: 2 on source, none on target → both move.
    Z: 1 on target only → unchanged.
    Target total: X 2 + Y 2 + Z 1 = 5; 3 dots moved, 1 returned to X's budget."""
    workshop = make_workshop(session, budget=4, per_fix=2)
    source = propose(session, workshop, "UA", "Guest checkout", "Checkout")
    target = propose(session, workshop, "UB", "Checkout without an account", "Checkout")
    set_phase(session, workshop, Phase.voting)
    for voter in ("UX", "UY", "UZ"):
        join_workshop(session, workshop, voter)
    vote(session, workshop, "UX", source, 2)
    vote(session, workshop, "UX", target, 1)
    vote(session, workshop, "UY", source, 2)
    vote(session, workshop, "UZ", target, 1)

    merged = merge_fixes(session, TEAM, source.id, target.id, "UF")

    assert (merged.moved_votes, merged.returned_votes) == (3, 1)
    assert source.status == FixStatus.merged and source.merged_into_id == target.id
    assert vote_totals(session, workshop) == {target.id: 5}
    assert own_votes(session, workshop, "UX") == {target.id: 2}
    assert own_votes(session, workshop, "UY") == {target.id: 2}
    assert_every_limit_holds(session, workshop, budget=4, per_fix=2)
    # X got a vote back and can spend it elsewhere; the merged fix takes no more votes
    other = propose_other(session, workshop)
    vote(session, workshop, "UX", other, 1)
    with pytest.raises(Conflict, match="merged"):
        change_vote(session, TEAM, workshop.id, "UY", source.id, 0, 1)
    with pytest.raises(NotAllowed, match="at most 2"):
        change_vote(session, TEAM, workshop.id, "UY", target.id, 2, 3)


def propose_other(session, workshop):
    set_phase(session, workshop, Phase.fixes)
    fix = propose(session, workshop, "UA", "Clearer ads", "Ads")
    set_phase(session, workshop, Phase.voting)
    return fix


def test_merge_is_for_facilitators_and_fixes_of_one_workshop(session):
    workshop = make_workshop(session)
    a = propose(session, workshop, "UA", "A")
    b = propose(session, workshop, "UA", "B")
    with pytest.raises(NotAllowed, match="Only the facilitator"):
        merge_fixes(session, TEAM, a.id, b.id, "UA")
    with pytest.raises(InvalidInput):
        merge_fixes(session, TEAM, a.id, a.id, "UF")
    other = make_workshop(session)
    c = propose(session, other, "UA", "C")
    with pytest.raises(NotFound):
        merge_fixes(session, TEAM, a.id, c.id, "UF")
    with pytest.raises(NotFound):
        merge_fixes(session, "T2", a.id, b.id, "UF")
    merge_fixes(session, TEAM, a.id, b.id, "UF")
    with pytest.raises(Conflict, match="merged into “B”"):  # a repeated merge changes nothing
        merge_fixes(session, TEAM, a.id, b.id, "UF")


# pages and searches --------------------------------------------------------------------------


def test_fixes_page_in_journey_order_and_search_by_title_or_touchpoint(session):
    workshop = make_workshop(session)
    checkout = [propose(session, workshop, title=f"Checkout fix {n}") for n in range(3)]
    ads = propose(session, workshop, title="100% off_banner", touchpoint="Ads")
    search = propose(session, workshop, title="Better results", touchpoint="Search")
    order = [ads.id, search.id, *(f.id for f in checkout)]
    pages = [list_fixes(session, workshop, limit=2, offset=o) for o in (0, 2, 4)]
    assert [f.id for page in pages for f in page] == order
    found = list_fixes(session, workshop, matching="  SEARCH ")  # the touchpoint's name
    assert [f.id for f in found] == [search.id]
    # % and _ are letters to look for, not wildcards
    assert [f.id for f in list_fixes(session, workshop, matching="0% off_")] == [ads.id]
    assert list_fixes(session, workshop, matching="%") == list_fixes(
        session, workshop, matching="0%"
    )
    assert list_fixes(session, workshop, matching="_b") == [list_fixes(session, workshop)[0]]


def test_merge_candidates_put_the_same_touchpoint_first_and_leave_out_the_source(session):
    workshop = make_workshop(session)
    elsewhere = propose(session, workshop, title="Fix ads", touchpoint="Ads")
    source, twin = (propose(session, workshop, title=f"Fix checkout {n}") for n in range(2))
    (summary,) = list_fixes(session, workshop, fix_ids=[source.id])
    assert [f.id for f in merge_candidates(session, workshop, summary)] == [twin.id, elsewhere.id]
    assert [f.id for f in merge_candidates(session, workshop, summary, "ads")] == [elsewhere.id]
    for n in range(120):
        propose(session, workshop, title=f"Many {n}", touchpoint="Search")
    assert len(merge_candidates(session, workshop, summary)) == 100  # Slack's most
    # another workspace's fixes never match
    other = make_workshop(session, team="T2")
    touchpoint = touchpoint_ids(session, other)["Ads"]
    propose_fix(session, "T2", other.id, "UX", FixDraft("Fix ads elsewhere", touchpoint))
    assert [f.id for f in merge_candidates(session, workshop, summary, "ads")] == [elsewhere.id]
