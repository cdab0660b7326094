"""Browser fixtures: a logged-in phone whose service worker controls the page."""

from __future__ import annotations

import pytest

from tests.browser.phone import Phone


@pytest.fixture
def phone(page, live_server):
    """The test's page as a volunteer's phone on the live server (not logged in yet)."""
    return Phone(page, live_server)


@pytest.fixture
def errors(page):
    """Script errors the page raised (a test may assert there were none)."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(str(error)))
    return found
