"""Login throttling holds when the attempts arrive all at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

ATTEMPTS = 30
LIMIT = 10
"""``Settings.login_attempts``: failures allowed per account in the window."""


def _wrong_passwords_at_once(live_server, username: str) -> list[int]:
    with httpx.Client(base_url=live_server.url) as first:
        first.get("/login")
        token = first.cookies["csrftoken"]

    def attempt(n: int) -> int:
        with httpx.Client(base_url=live_server.url, cookies={"csrftoken": token}) as phone:
            response = phone.post(
                "/login",
                data={"username": username, "password": f"wrong-{n}", "_csrf_token": token},
                # Each attempt from its own address: only the account's counter can stop them.
                headers={"X-Forwarded-For": f"10.0.{n // 250}.{n % 250 + 1}"},
                timeout=60,
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(attempt, range(ATTEMPTS)))


def test_parallel_wrong_passwords_from_many_addresses_are_throttled(live_server):
    statuses = _wrong_passwords_at_once(live_server, "vol2")
    assert sorted(statuses) == [401] * LIMIT + [429] * (ATTEMPTS - LIMIT)
