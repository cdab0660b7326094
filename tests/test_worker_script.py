"""/sw.js: one module script, stamped with the deploy's version."""

from __future__ import annotations

import json
import re


def _config(response) -> dict:
    first = response.text.splitlines()[0]
    return json.loads(re.fullmatch(r"const CONFIG = (\{.*\});", first).group(1))


def test_the_worker_is_served_fresh_with_its_version_and_shell(client):
    response = client.get("/sw.js")
    config = _config(response)
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])
    assert {"/static/app.js", "/static/outbox.js", "/static/app.css"} <= set(config["shell"])


def test_the_worker_may_fetch_htmx_from_its_cdn_to_cache_it(client, settings):
    policy = client.get("/sw.js").headers["content-security-policy"]
    connect = next(d for d in policy.split(";") if d.strip().startswith("connect-src"))
    assert settings.htmx_url in connect.split()


def test_the_worker_speaks_both_languages(client):
    messages = _config(client.get("/sw.js"))["messages"]
    assert messages["zh_CN"]["offline_title"] == "没有网络"
    assert messages["en"]["offline_title"] == "No network"


def test_the_worker_imports_the_outbox_the_page_uses(client):
    source = client.get("/sw.js").text
    assert 'from "/static/outbox.js"' in source
    assert client.get("/static/outbox.js").status_code == 200
