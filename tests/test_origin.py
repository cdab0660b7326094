"""Sync accepts same-origin requests whatever address the phone used when PUBLIC_ORIGIN is
unset, only the configured origins when it is set, and never another site."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support import ROOT, free_port, login

LAN = "http://192.168.1.5:8123"


@pytest.fixture
def phone_at(demo_db, settings):
    """``phone_at(address, origins)``: vol1 logged in on an app reached at ``address``."""
    from litestar.testing import TestClient

    from server.app import create_app

    opened = []

    def make(address: str, origins: tuple[str, ...] = (), username: str = "vol1"):
        app = create_app(dataclasses.replace(settings, public_origins=origins))
        client = TestClient(app, base_url=address)
        client.__enter__()
        opened.append(client)
        login(client, username)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def _pull(client, **headers):
    return client.get("/api/sync/pull", params={"device_id": "phone-1"}, headers=headers)


def test_unset_a_lan_address_on_any_port_syncs(phone_at):
    assert _pull(phone_at(LAN), Origin=LAN).status_code == 200


def test_unset_the_loopback_address_on_another_port_syncs(phone_at):
    address = "http://127.0.0.1:8765"
    assert _pull(phone_at(address), Origin=address).status_code == 200


def test_unset_the_browsers_same_origin_word_is_enough(phone_at):
    assert _pull(phone_at(LAN), **{"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_unset_another_site_is_refused(phone_at):
    response = _pull(phone_at(LAN), Origin="http://evil.example")
    assert response.status_code == 403
    assert response.json()["code"] == "cross_site"


def test_unset_a_cross_site_fetch_is_refused(phone_at):
    response = _pull(phone_at(LAN), Origin=LAN, **{"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_set_any_of_the_listed_origins_syncs(phone_at):
    phone = phone_at("https://b.example", ("http://a.example", "https://b.example"))
    assert _pull(phone, Origin="https://b.example").status_code == 200


def test_set_an_unlisted_address_is_refused_even_from_itself(phone_at):
    phone = phone_at(LAN, ("https://doorstep.example.org",))
    assert _pull(phone, Origin=LAN).status_code == 403


def _join_url(coord, db) -> str:
    from tests.admin_helpers import account_id, post_form

    response = post_form(coord, f"/admin/accounts/{db(account_id, 'vol2')}/join")
    return re.search(r'id="join-url">([^<]+)<', response.text).group(1)


def test_unset_a_join_code_names_the_address_the_coordinator_used(phone_at, db):
    assert _join_url(phone_at(LAN, username="coord"), db).startswith(f"{LAN}/join/")


def test_set_a_join_code_names_the_first_configured_origin(phone_at, db):
    coord = phone_at(LAN, ("https://doorstep.example.org", LAN), username="coord")
    assert _join_url(coord, db).startswith("https://doorstep.example.org/join/")


def test_public_origin_takes_a_comma_separated_list():
    from server.settings import Settings

    settings = Settings.from_env({"PUBLIC_ORIGIN": "https://a.example/, http://10.0.0.2:8000"})
    assert settings.public_origins == ("https://a.example", "http://10.0.0.2:8000")
    assert settings.secure_cookies


def test_unset_public_origin_accepts_no_origin_in_particular():
    from server.settings import Settings

    assert Settings.from_env({}).public_origins == ()


def test_serve_listens_on_host_and_port_from_the_environment(demo_db):
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "MIGRATE_ON_START": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    assert r.status == 200
                    return
            except OSError:
                assert process.poll() is None, "serve exited"
                time.sleep(0.1)
        raise AssertionError("serve did not listen on PORT")
    finally:
        process.terminate()
        process.wait(timeout=20)
