"""Demo scenes of the customers' voice, played once the team's second rating round is in.

The analytics team brings a survey of 320 customers (1–5 answers, two segments, over the last
three weeks) through `workshop-bot customers import`; the facilitator pastes the summary of an
earlier survey, from before the fixes, into `/workshop customers` (a typo first, refused with
its line), then shares the corrected summary there as a CSV file. The bot finds two blind
spots: the team expects far less of product updates than customers do, and believes onboarding
is fixed while customers still report a poor experience. Checkout's customer gap, by contrast,
closed since the earlier survey, as the team's did.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID
from demo.script import DemoScript
from flows.customers.importing import import_customer_answers
from flows.customers.text import blind_spot_line, change_words
from storage.models import Touchpoint

RESPONDENTS = 320
SEED = 1985  # Parasuraman, Zeithaml & Berry's gap model: the survey is the same every run
SCALE = "1-5"
# What customers expect and experience, on 1–7, per touchpoint (the survey asks on 1–5).
SURVEY: dict[str, tuple[float, float]] = {
    "Website": (5.8, 5.0),
    "Pricing page": (5.8, 4.3),
    "Free trial": (5.7, 4.9),
    "Checkout": (6.0, 5.6),
    "Onboarding": (6.7, 3.1),  # the team, after its fix, thinks about 6: overrated
    "Support": (6.7, 3.0),
    "Product updates": (6.3, 4.2),  # the team thinks customers expect about 4: underestimated
}
ANSWER_RATE = 0.8  # each question is left blank by about one customer in five
# The earlier survey, before the fixes: aggregates (n, mean, sd on 1–7), pasted into the form.
EARLIER: tuple[tuple[str, str, int, float, float], ...] = (
    ("Checkout", "expectation", 84, 6.1, 1.0),
    ("Checkout", "experience", 84, 3.4, 1.4),
    ("Onboarding", "expectation", 84, 6.6, 0.8),
    ("Onboarding", "experience", 84, 2.6, 1.3),
)


def _names(script: DemoScript) -> dict[str, str]:
    """The demo's touchpoint names → the names in the workshop (the same, unless a test made
    them longer)."""
    with script.local.db.session() as session:
        names = session.exec(
            select(Touchpoint.name).where(Touchpoint.workshop_id == script.workshop_id)
        ).all()
    return {base: next(n for n in names if n == base or n.startswith(base)) for base in SURVEY}


def _to_five(mean_on_seven: float) -> float:
    return 1 + (mean_on_seven - 1) * 4 / 6


def survey_csv(names: dict[str, str], today: date) -> str:
    generator = random.Random(SEED)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["respondent", "date", "segment"]
    for base in SURVEY:
        header += [f"{names[base]} expectation", f"{names[base]} experience"]
    writer.writerow(header)
    for respondent in range(1, RESPONDENTS + 1):
        day = today - timedelta(days=generator.randrange(1, 22))
        row = [str(respondent), day.isoformat(), generator.choice(("new", "returning"))]
        for expectation, experience in SURVEY.values():
            for mean in (expectation, experience):
                if generator.random() > ANSWER_RATE:
                    row.append("")
                    continue
                answer = round(generator.gauss(_to_five(mean), 0.8))
                row.append(str(min(5, max(1, answer))))
        writer.writerow(row)
    return out.getvalue()


def earlier_csv(names: dict[str, str], typo: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["touchpoint", "measure", "n", "mean", "sd"])
    for index, (base, measure, n, mean, sd) in enumerate(EARLIER):
        name = "Chekout" if typo and index == 1 else names[base]
        writer.writerow([name, measure, n, mean, sd])
    return out.getvalue()


def customers_voice(script: DemoScript) -> None:
    script.section("Customers' voice: the survey beside the team's ratings")
    ana, today = script.facilitator, date.today()
    names = _names(script)
    path = script.write("customers/customer-survey.csv", survey_csv(names, today))
    args = f"customers import {path.name} --workshop {script.workshop_id} --scale {SCALE}"
    with script.cli_import(args, f"with {RESPONDENTS} customers' answers") as (session, workshop):
        result = import_customer_answers(
            session,
            workshop,
            path.read_text(),
            imported_by="csv-import",
            today=today,
            scale=SCALE,
        )
    script.narrate(
        f"    cli: imported {result.answers} answers ({result.scale_note}), survey of "
        f"{result.survey_date.isoformat()}"
    )
    earlier = (today - timedelta(days=60)).isoformat()
    script.command(ana, f"customers #{script.workshop_id}")
    script.submit(
        ana,
        {
            ids.CUSTOMERS_FIELD_ANSWERS: earlier_csv(names, typo=True),
            ids.CUSTOMERS_FIELD_DATE: earlier,
        },
        "the earlier survey's summary, with a typo",
    )
    corrected = script.write("customers/earlier-survey.csv", earlier_csv(names))
    shared = script.local.standin.add_user_file(ana.user_id, corrected.name, corrected.read_bytes())
    script.submit(
        ana,
        {
            ids.CUSTOMERS_FIELD_FILE: shared,
            ids.CUSTOMERS_FIELD_ANSWERS: None,
            ids.CUSTOMERS_FIELD_DATE: earlier,
        },
        f"the form again: the pasted text cleared, the corrected summary as a CSV file "
        f"({corrected.name})",
    )
    standin = script.local.standin  # the import posted the comparison and its chart
    chart = standin.files(CHANNEL_ID)[-1]
    script.write("customers/team-vs-customers.png", standin.file_bytes(chart["id"]))
    from flows.customers.reports import customer_report

    with script.local.db.session() as session:
        report = customer_report(session, script.local.team_id, script.workshop_id or 0)
    script.narrate("    blind spots:")
    for spot in report.blind_spots:
        script.narrate(f"      {blind_spot_line(spot)}")
    for change in report.changes:
        script.narrate(f"      {change_words(change)}")


def fixes_by_the_customers_gap(script: DemoScript) -> None:
    """The facilitator shows the team which fixes matter most to customers, beside the votes."""
    script.section("The fixes ranked by the customers' gap")
    script.command(script.facilitator, f"customers fixes #{script.workshop_id}")
