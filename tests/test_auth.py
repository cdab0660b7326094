"""Logging in: server-side sessions, throttling, CSRF, the language of the pages."""

from __future__ import annotations

from tests.support import DEMO_PASSWORD, csrf, login


def _login(client, username, password):
    return client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": csrf(client)},
        follow_redirects=False,
    )


def test_the_login_page_is_chinese_by_default(client):
    page = client.get("/login").text
    assert '<html lang="zh-CN">' in page
    assert "用户名" in page and "密码" in page


def test_an_english_browser_gets_english(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert '<html lang="en">' in page
    assert "User name" in page


def test_the_accounts_language_wins_over_the_browser(as_user, db):
    from server.accounts.tables import Account

    async def set_english():
        await Account.update({Account.language: "en"}).where(Account.username == "vol2")

    db(set_english)
    vol2 = as_user("vol2")
    assert "My households" in vol2.get("/", headers={"Accept-Language": "zh-CN"}).text


def test_a_wrong_password_says_so_in_chinese(client):
    response = _login(client, "vol1", "nope")
    assert response.status_code == 401
    assert "用户名或密码错误。" in response.text
    assert 'value="vol1"' in response.text


def test_login_goes_back_where_the_user_was_going(client):
    response = client.post(
        "/login",
        data={
            "username": "vol1",
            "password": DEMO_PASSWORD,
            "next": "/households?q=a",
            "_csrf_token": csrf(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/households?q=a"


def test_login_never_redirects_to_another_site(client):
    response = client.post(
        "/login",
        data={
            "username": "vol1",
            "password": DEMO_PASSWORD,
            "next": "//evil.example/x",
            "_csrf_token": csrf(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_the_session_cookie_is_httponly_and_long_lived(client):
    response = _login(client, "vol1", DEMO_PASSWORD)
    cookie = response.headers["set-cookie"]
    assert "doorstep_session=" in cookie
    assert "HttpOnly" in cookie
    assert "Max-Age=7776000" in cookie


def test_a_session_survives_a_new_app_process(new_client):
    first = new_client()
    login(first, "vol1")
    second = new_client()
    second.cookies.set("doorstep_session", first.cookies["doorstep_session"])
    assert second.get("/", follow_redirects=False).status_code == 200


def test_logout_ends_the_session_on_the_server(new_client):
    phone = new_client()
    login(phone, "vol1")
    token = phone.cookies["doorstep_session"]
    phone.post("/logout", data={"_csrf_token": phone.cookies["csrftoken"]})
    other = new_client()
    other.cookies.set("doorstep_session", token)
    assert other.get("/", follow_redirects=False).status_code == 303


def test_repeated_failures_are_throttled_even_with_the_right_password(client):
    for _ in range(10):
        assert _login(client, "vol2", "wrong").status_code == 401
    response = _login(client, "vol2", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "失败次数过多" in response.text


def test_a_deactivated_account_cannot_use_its_session(vol1, db):
    from server.accounts.tables import Account

    async def deactivate():
        await Account.update({Account.active: False}).where(Account.username == "vol1")

    db(deactivate)
    assert vol1.get("/", follow_redirects=False).status_code == 303


def test_pages_carry_a_content_security_policy_naming_the_htmx_url(client):
    from server.settings import DEFAULT_HTMX_URL

    policy = client.get("/login").headers["content-security-policy"]
    assert f"script-src 'self' {DEFAULT_HTMX_URL}" in policy
    assert "'unsafe-inline'" not in policy


def test_htmx_is_loaded_with_its_integrity_hash(client):
    from server.settings import DEFAULT_HTMX_INTEGRITY, DEFAULT_HTMX_URL

    page = client.get("/login").text
    assert (
        f'<script src="{DEFAULT_HTMX_URL}" integrity="{DEFAULT_HTMX_INTEGRITY}" '
        'crossorigin="anonymous" defer></script>'
    ) in page
