"""Reads shared while one summary is built: once per arguments inside, as usual outside."""

from sqlalchemy import event

from flows.reads import known, read_once, shared_reads
from flows.workshops import get_workshop, join_workshop, participant_count
from tests.factories import TEAM, make_workshop


def count_statements(session, work):
    statements = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return result, len(statements)


def test_inside_a_read_is_made_once_per_arguments(session):
    workshop = make_workshop(session)
    other = make_workshop(session, title="Other")
    join_workshop(session, other, "U1")

    def twice_each():
        with shared_reads(session):
            return [participant_count(session, w) for w in (workshop, workshop, other, other)]

    counts, statements = count_statements(session, twice_each)
    assert counts == [1, 1, 2, 2]  # the facilitator; the facilitator and U1
    assert statements == 2


def test_outside_every_call_reads_and_sees_changes(session):
    workshop = make_workshop(session)
    with shared_reads(session):
        assert participant_count(session, workshop) == 1
    join_workshop(session, workshop, "U1")
    _, statements = count_statements(
        session, lambda: [participant_count(session, workshop) for _ in range(2)]
    )
    assert statements == 2
    assert participant_count(session, workshop) == 2  # nothing kept from the block before


def test_nested_blocks_share_the_outer_results(session):
    calls = []

    @read_once
    def figure(session, key):  # type: ignore[no-untyped-def]
        calls.append(key)
        return len(calls)

    with shared_reads(session):
        assert figure(session, "a") == 1
        with shared_reads(session):
            assert figure(session, "a") == 1
        assert figure(session, "a") == 1  # the inner block ending did not drop it
        assert figure(session, key="b") == 2
    assert calls == ["a", "b"]


def test_a_known_result_is_not_read_again(session):
    workshop = make_workshop(session)
    known(session, get_workshop, TEAM, workshop.id, result=workshop)  # outside: nothing kept

    def inside():
        with shared_reads(session):
            known(session, get_workshop, TEAM, workshop.id, result=workshop)
            return get_workshop(session, TEAM, workshop.id)

    found, statements = count_statements(session, inside)
    assert found is workshop and statements == 0
    _, statements = count_statements(session, lambda: get_workshop(session, TEAM, workshop.id))
    assert statements == 1
