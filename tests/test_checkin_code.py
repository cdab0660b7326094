"""The check-in code: the leader's phone (web/static/checkin-code.js) and the server
(server/checkin_code.py) derive the same code from the same key."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

from server import checkin_code as codes
from tests.support import ROOT

CODE_JS = (ROOT / "web" / "static" / "checkin-code.js").as_uri()
KEY = "00112233445566778899aabbccddeeff" * 2


def test_the_phone_and_the_server_agree_minute_by_minute():
    minutes = [0, 1, 29_000_000, 29_000_001, 29_123_456]
    script = f"""
        import {{ rotatingCode }} from {json.dumps(CODE_JS)};
        const out = [];
        for (const m of {json.dumps(minutes)}) out.push(await rotatingCode({json.dumps(KEY)}, m));
        console.log(JSON.stringify(out));
    """
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [codes.rotating_code(KEY, m) for m in minutes]


def test_a_code_has_six_digits_and_changes_each_minute():
    shown = [codes.rotating_code(KEY, m) for m in range(29_000_000, 29_000_010)]
    assert all(len(c) == 6 and c.isdigit() for c in shown)
    assert len(set(shown)) == len(shown)


def test_the_poster_code_is_not_a_minute_code():
    poster = codes.poster_code(KEY)
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    assert codes.find(KEY, poster, now) == "poster"
    assert poster != codes.rotating_code(KEY, codes.minute_of(now))


def test_find_names_the_minute_a_code_belongs_to():
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    minute = codes.minute_of(now) - 7
    assert codes.find(KEY, codes.rotating_code(KEY, minute), now) == minute


def test_another_key_or_a_malformed_code_is_not_found():
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    other = "ff" * 32
    assert codes.find(KEY, codes.rotating_code(other, codes.minute_of(now)), now) is None
    assert codes.find(KEY, "12345", now) is None
    assert codes.find(KEY, "١٢٣٤٥٦", now) is None
