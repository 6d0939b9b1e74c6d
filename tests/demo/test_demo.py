"""`workshop-bot demo` runs a whole workshop and writes its results, and logs no secret."""

import io
import json
import logging

import pytest
from rich.console import Console

from bot.slack import ids
from demo.runner import run_demo
from storage.models import Phase


@pytest.fixture
def debug_log():
    """Everything logged at DEBUG, unfiltered: what a careless log line would leak."""
    stream = io.StringIO()
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    old_level, old_handlers = root.level, root.handlers[:]
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG)
    yield stream
    root.handlers[:] = old_handlers
    root.setLevel(old_level)


def test_demo_runs_every_phase_and_writes_its_results(tmp_path, debug_log):
    out = tmp_path / "demo"
    console = Console(file=io.StringIO(), width=120)
    script = run_demo(out, console=console, quiet=False)

    boards = sorted(p.name for p in (out / "boards").iterdir())
    assert boards[0] == "01-setup.json" and boards[-1].endswith(f"{Phase.closed.value}.json")
    closed = json.loads((out / "boards" / boards[-1]).read_text())
    assert "*▶ Closed*" in json.dumps(closed, ensure_ascii=False)

    transcript = (out / "transcript.md").read_text()
    assert "List this stage's touchpoints, one per line." in transcript  # bad input shown
    assert "as template *Northwind onboarding* (5 stages, 19 touchpoints)" in transcript
    assert "tells Chloé privately: Only the facilitator can" in transcript
    assert "closed the workshop" in transcript
    # fixes, a merged duplicate, no ＋ once the budget is spent, the ranked result and action items
    assert "merged *Let people buy without creating an account* into" in transcript
    assert "the view says all your votes are spent: take one back from another fix" in transcript
    assert (
        "| 1 | Guest checkout without an account |" in (out / "fixes/ranked-fixes.md").read_text()
    )
    assert (out / "fixes/votes.png").read_bytes().startswith(b"\x89PNG")
    assert "| Dev Patel | " in (out / "fixes/action-items.md").read_text()
    assert "In progress" in (out / "fixes/action-items.md").read_text()
    assert script.workshop_id is not None
    # KPIs: a raw NPS paste, an out-of-range CSAT refused inline, the table and chart saved
    assert "CSAT is from 0 to 100%: 104 is not." in transcript
    assert "Recorded *NPS +30*" in transcript
    assert (out / "kpis" / "kpi-chart.png").read_bytes().startswith(b"\x89PNG")
    assert "NPS (whole journey): +30" in (out / "kpis" / "kpi-table.md").read_text()

    # The workshop runs itself (demo/round_scenes.py): a scheduled round 3, one reminder each
    # for the two who had not rated, the phase closed at its deadline with the results posted.
    assert "the form shows under “round_cron”: Write a cron expression" in transcript
    assert "*Rating round 3* is open, as scheduled" in transcript
    assert transcript.count("closes soon: please rate.") == 2
    assert "*Gap rating* closed at its deadline; the workshop moved on to *Fixes*." in transcript
    trends = (out / "gaps" / "trends.md").read_text()
    assert "*Loop closure 20 %*: 1 of the 5 widest gaps of round 1 has" in trends
    assert "(Onboarding)." in trends  # Dev's action item is done and it narrowed
    assert "*You said, we did.* You said *Onboarding* fell short (−1.3 in round 2)" in trends
    assert (out / "gaps" / "trends-chart.png").read_bytes()[:4] == b"\x89PNG"
    third = (out / "gaps" / "round-3-table.md").read_text()
    assert "since round 2. Compared over the 19 touchpoints rated in both" in third
    assert " R2 " in third
    # Gap rating: three rounds, charts and tables in the output folder, the loop closed
    for round_number in (1, 2, 3):
        assert (out / "gaps" / f"round-{round_number}-chart.png").read_bytes()[:4] == b"\x89PNG"
    first = (out / "gaps" / "round-1-table.md").read_text()
    assert "*Widest shortfalls*" in first and "• *Onboarding* (" in first
    assert "Touchpoints, widest shortfall first" in first  # the full table's reply
    second = (out / "gaps" / "round-2-table.md").read_text()
    assert "since round 1. Compared over the 19 touchpoints rated in both" in second
    assert " R1 " in second
    assert "Choose the expectation too, or skip both." in transcript  # inline error
    assert "Nudged 1 participant who hasn't rated round 1." in transcript
    # The stakeholder round: a duplicate refused inline, the grid posted and saved.
    assert "“CFO” is already on this workshop's list of stakeholders." in transcript
    posted_grid = "(in the board's thread): Stakeholder map for “Northwind onboarding journey”"
    assert transcript.count(posted_grid) == 2  # on demand, and when the phase ended
    png = (out / "stakeholder-grid.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[16:24] == (1600).to_bytes(4) + (1200).to_bytes(4)
    grid_text = (out / "stakeholder-grid.md").read_text()
    assert all(
        quadrant in grid_text
        for quadrant in ("Manage closely", "Keep satisfied", "Keep informed", "Monitor")
    )
    assert "• *CFO* · Executive" in grid_text

    logged = debug_log.getvalue()
    assert "slack_bolt" in logged  # the capture really saw the bot's DEBUG logging
    assert script.local.standin.bot_token not in logged
    assert script.local.signing_secret not in logged

    # Slack writes "(optional)" after an optional input's label itself: no form says it twice.
    for call in script.local.standin.calls:
        view = call.params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        if call.method.startswith("views.") and isinstance(view, dict):
            for block in view.get("blocks", []):
                if block.get("type") == "input" and block.get("optional"):
                    assert "optional" not in block["label"]["text"].lower(), block["label"]

    # The final step: a digest for a manager, the Home tab, and the exports.
    assert "the form shows under “cron”: That is not a valid cron expression" in transcript
    digest = json.loads((out / "digest" / "digest.json").read_text())
    assert digest["blocks"][0]["text"]["text"] == "Digest: Northwind onboarding journey"
    text = (out / "digest" / "digest.txt").read_text()
    # The top message: the outcome in words, one phone screen; names as text, no mentions.
    top = text.split("--- in the thread ---")[0]
    # (three rounds by now: demo/round_scenes.py runs round 3 after Dev's action item is done)
    assert "So far: the workshop is in the Closed phase, round 3's gap is unchanged" in top
    assert "Support: customers expect 6.6, get 3.0 (gap −3.6), narrowed since round 2" in top
    assert "*Action items: 1 of 3 done*" in top and "· Chloé Martin · due " in top
    assert "*KPIs: 5 of 8 on target (9 tracked)*" in top and "Worst miss: " in top
    assert len(digest["blocks"]) <= 15 and len(digest["thread"]) == 10
    assert "<@" not in json.dumps(digest)
    assert "Phase: Closed (step 6 of 6)" in text and "Ben Okafor joined" in text
    # The features' sections, in order, each with its chart in the digest's thread.
    titles = ["Widest gaps", "Blind spots", "Personas", "Channels", "Emotion curve", "KPIs"]
    titles.append("Voted fixes and action items")
    titles.append("Stakeholders")
    positions = [text.index(f"*{title}*\n") for title in ["Phase and progress", *titles]]
    assert positions == sorted(positions) and text.index("*Participation*") > positions[-1]
    assert "No overall change: the mean gap stayed at −0.3 since round 2." in text
    assert "NPS (whole journey): +30 (period ending" in text and "↓ better" in text
    assert "Voting has closed: fixes ranked by votes." in text and "• Action item: " in text
    assert "Manage closely: 2" in text and "added by Ana Lima" in text
    # The journey lanes' sections (demo/lanes_scenes.py): channels and the emotion curve
    assert "Worst served over the journey: Chat (gap −3.6) in round 3" in text
    assert "• Post-purchase / Loyalty: spread 4.5 across 4 channels; worst served: Chat" in text
    assert "feels −0.2 on average (−2…+2), unchanged since round 2 (over the 19" in text
    assert "• Support (Post-purchase / Loyalty): feels −2.0, was −2.0 in round 2" in text
    assert "First-time buyers: feels −0.2" in text  # the curve per persona
    curve = (out / "lanes" / "emotion-curve-round-1.png").read_bytes()
    assert curve.startswith(b"\x89PNG")
    for chart in ("phase_timeline", "journey_gaps", "kpi_trends", "fix_votes", "stakeholder_grid"):
        assert (out / "digest" / f"{chart}.png").read_bytes().startswith(b"\x89PNG")
    n = script.workshop_id
    exports = sorted(p.name for p in (out / "exports").iterdir())
    assert f"workshop-{n}-report.md" in exports and f"workshop-{n}-journey.csv" in exports
    for table in ("stakeholders", "touchpoint_gaps", "fixes", "action_items", "kpi_values"):
        assert f"workshop-{n}-{table}.csv" in exports
    report = (out / "exports" / f"workshop-{n}-report.md").read_text()
    assert (
        "## Touchpoint gaps per round" in report and "## Stakeholders with grid positions" in report
    )
    gap_rows = (out / "exports" / f"workshop-{n}-touchpoint_gaps.csv").read_text().splitlines()
    assert len(gap_rows) == 1 + 3 * 19  # three rounds of every touchpoint
    # Another team's workshop on the same journey, compared (demo/compare_scenes.py)
    web, stores = n, n + 1
    assert "seeded through the flows" in transcript
    assert "tells Ana privately: Name two workshops or more to compare" in transcript
    assert f"Matched: *#{web}* “Onboarding” is *#{stores}* “On-boarding”" in transcript
    assert f"Kept apart: *#{web}* “Product updates” and *#{stores}* “Product update emails”" in (
        transcript
    )
    compared = (out / "compare" / "comparison.md").read_text()
    top = compared.split("--- in the thread ---")[0]
    assert "*2 workshops compared* on 17 shared touchpoints" in top  # 16 before the confirming
    assert f"*#{web}* Northwind onboarding journey (round 3, 5 raters): *index 103, ahead" in top
    assert f"*#{stores}* Northwind stores journey (round 1, 3 raters): *index 97, behind" in top
    assert f"Lead to follow: *Onboarding* in #{web}: “Onboarding call in the first week”" in top
    assert "<@" not in compared
    assert f"#{stores} “SEARCH RESULTS”" in compared and f"#{stores} “awareness”" in compared
    assert f"*Support*: #{stores} does best at −1.0 (against #{web} −3.6)" in compared
    assert f"*#{stores}*: Recommendations, Product update emails" in compared
    assert (out / "compare" / "comparison-chart.png").read_bytes()[:4] == b"\x89PNG"
    csv_rows = (out / "compare" / "comparison.csv").read_text().splitlines()
    assert len(csv_rows) == 1 + 5 + 17  # header, stages, touchpoints
    ana_home = (out / "home" / "ana.json").read_text()
    assert "Digests you set up" in ana_home and "KPI snapshot" in ana_home
    ben_home = json.loads((out / "home" / "ben.json").read_text())
    assert "Your open action items" in json.dumps(ben_home, ensure_ascii=False)
    assert ids.ACTION_ITEM_STATUS_DONE in json.dumps(ben_home)
    # A manager outside the channel follows the workshop from a DM; his Home shows its trend:
    # the journey gap like for like over the three rounds (the digest's "stayed at −0.3 since
    # round 2"), and the loop closure of the trends message (Dev's onboarding item: 1 of 5).
    assert "Omar Haddad (Finance (not in the channel)): /workshop follow #" in transcript
    assert "tells Omar privately: You follow workshop #" in transcript
    omar_home = (out / "home" / "omar.json").read_text()
    assert "Workshops you follow" in omar_home
    assert "Journey gap *−0.6 → −0.3 → −0.3* over 3 rounds: *narrowing*." in omar_home
    assert "Loop closure 20 % (1 of 5 top gaps)" in omar_home
    assert "How a workshop works" not in omar_home and "<@" not in omar_home
