"""Installing the app: offered where the browser can (Android's ``beforeinstallprompt``),
before the first capture, without pushing the page down when the offer comes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_offline_reading import logged_in
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser
ARTIFACTS = "test-artifacts"

# The browser's own event, as Chrome on Android fires it once the app is installable.
INSTALLABLE = """(outcome) => {
    const event = new Event('beforeinstallprompt', { cancelable: true });
    event.prompt = async () => { window.prompted = (window.prompted || 0) + 1; };
    event.userChoice = Promise.resolve({ outcome });
    window.dispatchEvent(event);
    return event.defaultPrevented;
}"""


def test_the_visit_form_offers_to_install_and_the_button_asks_the_browser(phone, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    phone.open(f"/households/{household}/visit")
    offer = phone.page.locator("#notice-install")
    expect(offer).to_be_hidden()
    assert phone.page.evaluate(INSTALLABLE, "accepted")  # the browser's own bar is held back
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("第一次走访之前")
    assert offer.evaluate("el => getComputedStyle(el).position") == "fixed"
    phone.page.screenshot(path=f"{ARTIFACTS}/install-offer.png")
    phone.page.click("#install-now")
    expect(offer).to_be_hidden()
    assert phone.page.evaluate("window.prompted") == 1


def test_later_puts_the_offer_away(phone, db):
    logged_in(phone)
    phone.open("/")
    phone.page.evaluate(INSTALLABLE, "dismissed")
    phone.page.click("#install-later")
    expect(phone.page.locator("#notice-install")).to_be_hidden()


def test_without_an_installable_browser_nothing_is_offered(phone, db):
    logged_in(phone)
    phone.open("/")
    expect(phone.page.locator("#notice-install")).to_be_hidden()
