import io

from sqlmodel import select

from bot.gaps.chart import chart_alt_text, render_gap_chart
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.gaps.results import gap_results
from flows.gaps.rounds import open_rating_round
from flows.journey import DEFAULT_JOURNEY, StageSpec
from flows.workshops import WorkshopSpec, create_workshop
from storage.models import Phase, Touchpoint
from tests.helpers import png_size


def workshop_with_ratings(session, stages, answers, second_round=None):
    workshop = create_workshop(session, "T1", "C1", "UF", WorkshopSpec("Onboarding", stages))
    workshop.phase = Phase.rating
    session.add(workshop)
    ids = dict(
        session.exec(
            select(Touchpoint.name, Touchpoint.id).where(Touchpoint.workshop_id == workshop.id)
        ).all()
    )

    def save(by_user):
        for user, page in by_user.items():
            save_ratings(
                session,
                "T1",
                workshop.id,
                user,
                {ids[name]: RawAnswer(str(e), str(x), str(i)) for name, (e, x, i) in page.items()},
            )

    save(answers)
    if second_round:
        open_rating_round(session, "T1", workshop.id, "UF")
        save(second_round)
    return gap_results(session, workshop)


def default_answers(shift=0):
    names = [name for stage in DEFAULT_JOURNEY for name in stage.touchpoints][:-1]  # one unrated
    gaps = {"Onboarding": -4 + shift, "Support": -3 + shift, "Checkout": -2}
    return {
        f"U{u}": {name: (6, max(1, min(7, 6 + gaps.get(name, 0) + u % 2)), 4) for name in names}
        for u in range(4)
    }


def test_chart_is_a_png_that_grows_with_the_journey(session):
    small = workshop_with_ratings(
        session, [StageSpec("Find", ("Search",))], {"U1": {"Search": (5, 3, 4)}}
    )
    full = workshop_with_ratings(session, list(DEFAULT_JOURNEY), default_answers())
    small_png, full_png = render_gap_chart(small), render_gap_chart(full)
    small_size, full_size = png_size(small_png), png_size(full_png)
    assert small_size[0] == full_size[0]  # same width
    assert full_size[1] > small_size[1] + 500  # 19 touchpoints and 5 stage bands are taller


def test_chart_with_a_previous_round_and_unrated_touchpoints(session):
    results = workshop_with_ratings(
        session, list(DEFAULT_JOURNEY), default_answers(), second_round=default_answers(shift=3)
    )
    assert results.previous_round == 1
    data = render_gap_chart(results)
    assert png_size(data)[1] > 1000
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(data))
    assert pixels.std() > 0.05  # something was drawn


def test_chart_of_a_hundred_touchpoints(session):
    stages = [
        StageSpec(f"Stage {s}", tuple(f"Touchpoint {s}-{t}" for t in range(10))) for s in range(10)
    ]
    answers = {
        "U1": {f"Touchpoint {s}-{t}": (7, 1 + t % 7, 3) for s in range(10) for t in range(10)}
    }
    data = render_gap_chart(workshop_with_ratings(session, stages, answers))
    _, height = png_size(data)
    assert height > 4000 and len(data) < 2_000_000


def test_alt_text_names_the_worst_gaps(session):
    results = workshop_with_ratings(session, list(DEFAULT_JOURNEY), default_answers())
    text = chart_alt_text(results)
    assert text.startswith("Journey gap chart, round 1: expectation and experience for 18 rated")
    assert "Widest shortfalls: Onboarding −3.5, Support −2.5, Checkout −1.5." in text
