"""`/workshop kpis` end to end: the KPI table and the trend chart land in the board's thread."""

import json

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.kpi_import import import_kpi_csv
from storage.models import Phase

ANA, BEN = PEOPLE[0].user_id, PEOPLE[1].user_id

HISTORY = """kpi,period_end,value,answers,target,benchmark,benchmark_source,stage
NPS,2025-04-30,22,,30,35,Retently 2024,
NPS,2025-05-31,28,,30,35,Retently 2024,
NPS,2025-06-30,,"10 9 9 8 7 6 3 10 0 9",30,35,Retently 2024,
Churn rate,2025-05-31,5.5,,4.5,5,Recurly 2024,
Churn rate,2025-06-30,4,,4.5,5,Recurly 2024,
first_response,2025-06-30,48,,30,45,Zendesk 2024,
"""


def import_history(local, workshop_id):
    with local.db.session() as session:
        import_kpi_csv(session, local.team_id, workshop_id, HISTORY, "csv-import")


def private_replies(local, user, containing):
    return [e["text"] for e in local.standin.ephemerals(user=user) if containing in e["text"]]


def test_kpis_posts_the_table_and_the_chart_in_the_board_thread(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.rating)
    import_history(local, workshop_id)
    response = local.sim.slash_command(BEN, CHANNEL_ID, "kpis")
    assert response.status == 200 and not response.problems
    files = local.standin.wait_for(lambda: local.standin.files(CHANNEL_ID), timeout=20)
    # Other results (the stakeholder grid's "no stakeholders" note) share the thread.
    thread = local.standin.thread(CHANNEL_ID, board_ts)
    [table] = [m for m in thread if m.get("blocks") and m["text"].startswith("KPIs")]
    blocks = table["blocks"]
    assert blocks[0]["text"]["text"] == "KPIs · Onboarding journey"
    rows = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(rows) == 3 and len(blocks) <= 50
    assert rows[0].startswith("*NPS* · whole journey · _↑ higher is better_\n*+20* for the period")
    assert "▼ −8 pts since 31 May 2025, worse :red_circle:" in rows[0]
    assert (
        "Target +30: :x: missed by 10 pts · Benchmark +35 (Retently 2024): 15 pts behind"
        in (rows[0])
    )
    assert "▼ −1.5 pp since 31 May 2025, better :large_green_circle:" in rows[1]
    assert "Target 4.5%: :white_check_mark: met, 0.5 pp ahead" in rows[1]
    assert "index 125" in rows[1]  # churn 4 % against 5 %: 5 / 4 × 100
    assert "first period recorded" in rows[2]
    assert table["text"].startswith("KPIs of workshop #")  # the plain-text fallback
    assert "NPS (whole journey): +20" in table["text"]

    [chart] = files
    assert chart["name"] == f"kpis-workshop-{workshop_id}.png"
    assert local.standin.file_bytes(chart["id"]).startswith(b"\x89PNG\r\n\x1a\n")
    shared = chart["shares"]["public"][CHANNEL_ID][0]
    assert shared["thread_ts"] == board_ts  # in the board's thread, under the table
    assert "Trend chart of 3 KPIs, 1 of 3 on target" in chart["alt_txt"]
    assert local.standin.wait_for(lambda: private_replies(local, BEN, "Posted the KPI table"))


def test_kpis_without_values_says_how_to_record_one(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.rating)
    local.sim.slash_command(ANA, CHANNEL_ID, f"kpis #{workshop_id}")
    [reply] = local.standin.wait_for(lambda: private_replies(local, ANA, "No KPI values"))
    assert "Record one with `/workshop kpi`" in reply
    assert local.standin.thread(CHANNEL_ID, board_ts) == [] or all(
        "KPIs ·" not in json.dumps(m.get("blocks"))
        for m in local.standin.thread(CHANNEL_ID, board_ts)
    )
    assert local.standin.files() == []


def test_when_the_chart_cannot_be_uploaded_the_table_still_stands(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.rating)
    import_history(local, workshop_id)
    local.standin.inject_fault("files.getUploadURLExternal", error="file_uploads_disabled")
    local.sim.slash_command(ANA, CHANNEL_ID, "kpis")
    [reply] = local.standin.wait_for(lambda: private_replies(local, ANA, "could not be uploaded"))
    assert "(file_uploads_disabled)" in reply
    thread = local.standin.thread(CHANNEL_ID, board_ts)
    assert any("KPIs ·" in json.dumps(m.get("blocks"), ensure_ascii=False) for m in thread)
    assert local.standin.files() == []


def test_the_record_button_under_the_table_opens_the_record_modal(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.rating)
    import_history(local, workshop_id)
    local.sim.slash_command(ANA, CHANNEL_ID, "kpis")
    local.standin.wait_for(lambda: local.standin.files(CHANNEL_ID), timeout=20)
    local.sim.click(BEN, ids.KPI_OPEN_RECORD, channel=CHANNEL_ID, value=str(workshop_id))
    view = local.standin.wait_for(lambda: local.standin.top_view(BEN))
    assert view["callback_id"] == ids.KPI_RECORD_MODAL
    assert json.loads(view["private_metadata"]) == {
        "workshop_id": workshop_id,
        "channel_id": CHANNEL_ID,
    }


def test_a_forged_record_button_for_another_workspace_opens_nothing(local):
    from flows.journey import DEFAULT_JOURNEY
    from flows.workshops import WorkshopSpec, create_workshop

    workshop_id, _ = local.start_workshop(ANA, phase=Phase.rating)
    import_history(local, workshop_id)
    with local.db.session() as session:
        spec = WorkshopSpec(title="Theirs", stages=list(DEFAULT_JOURNEY))
        foreign = create_workshop(session, "T0OTHER", "C0X", "UX", spec)
    local.sim.slash_command(ANA, CHANNEL_ID, "kpis")
    local.standin.wait_for(lambda: local.standin.files(CHANNEL_ID), timeout=20)
    local.sim.click(BEN, ids.KPI_OPEN_RECORD, channel=CHANNEL_ID, forge_value=str(foreign.id))
    assert local.standin.wait_for(lambda: private_replies(local, BEN, "no longer exists"))
    assert local.standin.top_view(BEN) is None


def test_an_unknown_kpi_word_gets_help(local):
    local.start_workshop(ANA, phase=Phase.rating)
    local.sim.slash_command(ANA, CHANNEL_ID, "kpi frobnicate")
    [reply] = local.standin.wait_for(lambda: private_replies(local, ANA, "I don't know"))
    assert "`/workshop kpi define`" in reply
    assert local.standin.top_view(ANA) is None


def test_help_lists_the_kpi_commands(local):
    local.sim.slash_command(ANA, CHANNEL_ID, "help")
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=ANA))[-1]
    assert "/workshop kpi [define] [#N]" in json.dumps(reply["blocks"])
    assert "/workshop kpis [#N]" in json.dumps(reply["blocks"])
