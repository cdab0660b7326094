"""After a save, the phone keeps again only the pages the change shows on (the lists and
that household's pages), not every page of the scope."""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest

from tests.browser.test_offline_reading import logged_in, pages_kept_at, synced
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser

PAGE = re.compile(r"^/(|households(/\d+(/visit|/edit)?)?|sync)$")


def test_a_save_fetches_again_only_the_pages_it_touches(phone, context, db):
    households = db(household_ids_of, "vol1")
    assert len(households) > 3
    seen: list[tuple[float, str]] = []

    def count(request) -> None:
        path = urlparse(request.url).path
        if request.method == "GET" and PAGE.match(path) and "queued" not in request.url:
            seen.append((time.monotonic(), path))

    context.on("request", count)
    logged_in(phone)
    # Until the first keeping of every page is over (a second drain may queue another).
    phone.wait_for(lambda: seen and time.monotonic() - seen[-1][0] > 2)
    before = pages_kept_at(phone)
    start = len(seen)
    phone.record_visit(households[0], note="血压正常")
    synced(phone, before)
    fetched = [path for _, path in seen[start:]]
    saved = f"/households/{households[0]}"
    # The volunteer's own navigations (the form, the household page) and the refresh.
    assert set(fetched) <= {"/", "/households", saved, f"{saved}/visit", f"{saved}/edit"}
    assert len(fetched) <= 8
