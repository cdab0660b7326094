"""QR onboarding: a one-time code for one account, used up by a POST (never by a GET), that
expires; then a PIN logs that account in again on that phone only."""

from __future__ import annotations

import re

import pytest

from tests.admin_helpers import account_id, post_form
from tests.support import ORIGIN

PIN = "4826"


@pytest.fixture
def coord(as_user):
    return as_user("coord")


def join_path(coord, db, username: str = "vol2") -> str:
    """Show the QR code for ``username``; returns the path the code holds."""
    response = post_form(coord, f"/admin/accounts/{db(account_id, username)}/join")
    assert response.status_code == 200, response.text
    url = re.search(r'id="join-url">([^<]+)<', response.text).group(1)
    assert url.startswith(f"{ORIGIN}/join/")
    return url.removeprefix(ORIGIN)


def confirm(phone, path: str, pin: str = PIN, again: str | None = None):
    phone.get(path)  # the confirm page (and the CSRF cookie)
    return post_form(phone, path, {"pin": pin, "pin_again": pin if again is None else again})


def test_the_qr_code_is_an_svg_image_of_a_plain_url(coord, db):
    response = post_form(coord, f"/admin/accounts/{db(account_id, 'vol2')}/join")
    assert 'src="data:image/svg+xml' in response.text
    assert re.search(r'id="join-url">http://testserver\.local/join/[\w-]+<', response.text)


def test_a_code_logs_its_account_in_and_sets_a_pin(coord, new_client, db):
    path = join_path(coord, db)
    phone = new_client()
    response = confirm(phone, path)
    assert response.status_code == 303
    assert "doorstep_session" in phone.cookies and "doorstep_device" in phone.cookies
    assert "李红梅" in phone.get("/").text


def test_a_code_works_once(coord, new_client, db):
    path = join_path(coord, db)
    assert confirm(new_client(), path).status_code == 303
    second = new_client()
    response = confirm(second, path)
    assert response.status_code == 410
    assert "doorstep_session" not in second.cookies


def test_a_get_alone_does_not_use_the_code_up(coord, new_client, db):
    path = join_path(coord, db)
    previewer = new_client()
    assert previewer.get(path).status_code == 200
    assert previewer.get(path).status_code == 200
    assert confirm(new_client(), path).status_code == 303


def test_the_confirm_page_names_the_account_and_logs_nobody_in(coord, new_client, db):
    path = join_path(coord, db)
    phone = new_client()
    page = phone.get(path)
    assert "李红梅" in page.text
    assert "doorstep_session" not in phone.cookies


def test_an_expired_code_does_not_work(coord, new_client, db):
    import datetime as dt

    from server.accounts.tables import JoinToken

    path = join_path(coord, db)

    async def expire():
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        await JoinToken.update({JoinToken.expires_at: past}).where(JoinToken.used_at.is_null())

    db(expire)
    phone = new_client()
    assert phone.get(path).status_code == 410
    assert confirm(phone, path).status_code == 410
    assert "doorstep_session" not in phone.cookies


def test_a_code_logs_in_only_the_account_it_was_made_for(coord, new_client, db):
    path = join_path(coord, db, "vol2")
    phone = new_client()
    phone.get(path)
    response = post_form(
        phone, path, {"pin": PIN, "pin_again": PIN, "username": "vol1", "account": "1"}
    )
    assert response.status_code == 303
    page = phone.get("/").text
    assert "李红梅" in page and "张志愿" not in page


def test_a_new_code_replaces_the_previous_one(coord, new_client, db):
    first = join_path(coord, db)
    second = join_path(coord, db)
    assert confirm(new_client(), first).status_code == 410
    assert confirm(new_client(), second).status_code == 303


def test_a_bad_pin_does_not_use_the_code_up(coord, new_client, db):
    path = join_path(coord, db)
    phone = new_client()
    assert confirm(phone, path, pin="12").status_code == 422
    assert confirm(phone, path, pin="1234", again="1235").status_code == 422
    assert confirm(phone, path).status_code == 303


def test_the_token_is_stored_hashed(coord, db):
    from server.accounts.tables import JoinToken

    token = join_path(coord, db).rsplit("/", 1)[1]

    async def stored():
        return [r["token_hash"] for r in await JoinToken.select(JoinToken.token_hash)]

    [hashed] = db(stored)
    assert token not in hashed and len(hashed) == 64


def test_a_coordinator_cannot_make_a_code_for_an_account_outside_their_areas(coord, db):
    response = post_form(coord, f"/admin/accounts/{db(account_id, 'vol3')}/join")
    assert response.status_code == 404


def _joined_phone(coord, new_client, db):
    phone = new_client()
    confirm(phone, join_path(coord, db))
    post_form(phone, "/logout")
    assert phone.get("/", follow_redirects=False).status_code == 303
    return phone


def test_the_pin_logs_the_phone_in_again(coord, new_client, db):
    phone = _joined_phone(coord, new_client, db)
    assert "李红梅" in phone.get("/pin").text
    response = post_form(phone, "/pin", {"pin": PIN})
    assert response.status_code == 303
    assert "李红梅" in phone.get("/").text


def test_a_wrong_pin_is_refused(coord, new_client, db):
    phone = _joined_phone(coord, new_client, db)
    response = post_form(phone, "/pin", {"pin": "0000"})
    assert response.status_code == 401
    assert phone.get("/", follow_redirects=False).status_code == 303


def test_the_pin_works_only_on_the_phone_that_set_it(coord, new_client, db):
    _joined_phone(coord, new_client, db)
    other = new_client()
    assert other.get("/pin", follow_redirects=False).headers["location"] == "/login"
    response = post_form(other, "/pin", {"pin": PIN})
    assert response.headers["location"] == "/login"
    assert other.get("/", follow_redirects=False).status_code == 303


def test_wrong_pins_in_a_row_make_the_phone_forget_its_pin(coord, new_client, db):
    from server.accounts.onboarding import PIN_ATTEMPTS

    phone = _joined_phone(coord, new_client, db)
    for _ in range(PIN_ATTEMPTS):
        post_form(phone, "/pin", {"pin": "0000"})
    response = post_form(phone, "/pin", {"pin": PIN})
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert phone.get("/", follow_redirects=False).status_code == 303


def test_pin_failures_are_throttled_like_passwords(coord, new_client, db, settings):
    from server.accounts import service as accounts

    phone = _joined_phone(coord, new_client, db)

    async def fail_logins():
        keys = accounts.login_keys("vol2", "other-address")
        for _ in range(settings.login_attempts):
            await accounts.claim_attempt(
                keys, settings.login_attempts, settings.login_window_seconds
            )

    db(fail_logins)
    response = post_form(phone, "/pin", {"pin": PIN})
    assert response.status_code == 429
