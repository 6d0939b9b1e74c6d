"""Refreshing Home tabs: only for people who opened theirs, and coalesced per person, so a burst
of changes (a round's results reaching every follower while they also change their action items)
publishes a Home once more, not once per change."""

import threading

from bot.home import publish
from storage.models import HomeView

TEAM = "T1"


def test_refreshes_of_one_home_fold_into_one_more_while_it_is_published(db, monkeypatch):
    with db.session() as session:
        session.add(HomeView(team_id=TEAM, user_id="UM"))
    started, release = threading.Event(), threading.Event()
    published = []

    def slow_publish(client, db, team_id, user_id, page=None):
        published.append(user_id)
        started.set()
        release.wait(5)

    monkeypatch.setattr(publish, "publish_home", slow_publish)
    first = threading.Thread(target=publish.refresh_homes, args=(None, db, TEAM, ["UM"]))
    first.start()
    assert started.wait(5)
    # Three more changes while the first publish runs: each returns at once...
    for _ in range(3):
        publish.refresh_homes(None, db, TEAM, ["UM", "U-NEVER-OPENED-HOME"])
    assert published == ["UM"]
    release.set()
    first.join(5)
    # ...and the Home is published once more, after the first: twice in all, never side by side.
    assert published == ["UM", "UM"]
