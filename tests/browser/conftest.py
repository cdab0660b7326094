"""Browser fixtures: a logged-in phone whose service worker controls the page."""

from __future__ import annotations

import pytest

from tests.browser.phone import Phone
from tests.support import route_htmx


@pytest.fixture
def phone(page, live_server):
    """The test's page as a volunteer's phone on the live server (not logged in yet)."""
    return Phone(page, live_server)


@pytest.fixture
def errors(page):
    """Script errors and Content-Security-Policy refusals on the page (a test may assert none)."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(str(error)))
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


@pytest.fixture
def other_phone(browser, browser_context_args, htmx_path, live_server):
    """``other_phone(**context options)``: another browser (user agent, no service worker)."""

    opened = []

    def make(**options):
        context = browser.new_context(**{**browser_context_args, **options})
        route_htmx(context, htmx_path)
        opened.append(context)
        return Phone(context.new_page(), live_server)

    yield make
    for context in opened:
        context.close()
