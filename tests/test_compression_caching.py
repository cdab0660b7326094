"""Answers are compressed (brotli where the client takes it, else gzip); versioned static
files are cached for a year, everything else under /static/ and the worker revalidate."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.support import ROOT

VERSIONED = re.compile(r'href="(/static/app\.css\?v=([0-9a-f]{12}))"')


@pytest.mark.parametrize(("accepts", "encoding"), [("br, gzip", "br"), ("gzip", "gzip")])
def test_a_page_is_compressed(client, accepts, encoding):
    response = client.get("/login", headers={"Accept-Encoding": accepts})
    assert response.headers["content-encoding"] == encoding
    assert "Accept-Encoding" in response.headers["vary"]


def test_a_json_answer_is_compressed_with_brotli(vol1):
    from tests.support import ORIGIN

    response = vol1.get("/api/sync/pull", headers={"Origin": ORIGIN, "Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "br"
    assert response.json()["changes"]


def test_a_static_file_is_compressed(client):
    response = client.get("/static/app.css", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


def test_no_compression_for_a_client_that_takes_none(client):
    response = client.get("/login", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in response.headers


def test_pages_name_static_files_by_their_content(client):
    [(_, version)] = VERSIONED.findall(client.get("/login").text)
    content = (ROOT / "web" / "static" / "app.css").read_bytes()
    assert version == hashlib.sha256(content).hexdigest()[:12]


def test_a_versioned_static_file_is_cached_for_a_year(client):
    [(url, _)] = VERSIONED.findall(client.get("/login").text)
    cache_control = client.get(url).headers["cache-control"]
    assert cache_control == "public, max-age=31536000, immutable"


def test_a_static_file_without_its_version_is_revalidated(client):
    assert client.get("/static/outbox.js").headers["cache-control"] == "no-cache"


def test_a_static_file_under_an_old_version_is_revalidated(client):
    response = client.get("/static/app.css?v=000000000000")
    assert response.headers["cache-control"] == "no-cache"


def test_the_service_worker_is_never_cached_long(client):
    assert client.get("/sw.js").headers["cache-control"] == "no-cache"


def test_the_worker_keeps_the_versioned_files_the_pages_name(client):
    from server.pages.controllers import static_files

    [(url, _)] = VERSIONED.findall(client.get("/login").text)
    assert url in static_files()
