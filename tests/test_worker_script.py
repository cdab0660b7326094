"""/sw.js: a module worker, stamped with the deploy's version, importing its modules."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from tests.support import ROOT

IMPORT = re.compile(r'^import\s[^;]*?from\s+"([^"]+)";|^import\s+"([^"]+)";', re.M)


def _config(client) -> dict:
    text = client.get("/sw/config.js").text
    return json.loads(re.fullmatch(r"export const CONFIG = (\{.*\});\n", text).group(1))


def _graph(client) -> dict[str, str]:
    """Every module the worker loads, by URL, starting at /sw.js and following imports."""
    found: dict[str, str] = {}
    waiting = ["/sw.js"]
    while waiting:
        url = waiting.pop()
        if url in found:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/javascript"), url
        found[url] = response.text
        waiting += [urljoin(url, a or b) for a, b in IMPORT.findall(response.text)]
    return found


def test_the_worker_is_served_fresh_with_its_version_and_shell(client):
    response = client.get("/sw.js")
    config = _config(client)
    assert response.headers["cache-control"] == "no-cache"
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])
    assert response.text.splitlines()[0] == f"// version {config['version']}"
    assert {"/static/app.js", "/static/outbox.js", "/static/app.css"} <= set(config["shell"])


def test_the_worker_may_fetch_htmx_from_its_cdn_to_cache_it(client, settings):
    policy = client.get("/sw.js").headers["content-security-policy"]
    connect = next(d for d in policy.split(";") if d.strip().startswith("connect-src"))
    assert settings.htmx_url in connect.split()


def test_the_worker_speaks_both_languages(client):
    messages = _config(client)["messages"]
    assert messages["zh_CN"]["offline_title"] == "没有网络"
    assert messages["en"]["offline_title"] == "No network"


def test_the_worker_imports_the_outbox_the_page_uses(client):
    modules = _graph(client)
    assert "/static/outbox.js" in modules
    assert client.get("/static/outbox.js").text == modules["/static/outbox.js"]


def test_every_module_the_worker_imports_is_covered_by_its_version(client):
    # The version hashes service_worker/ and web/static/ (and the settings in config.js).
    for url in _graph(client):
        if url == "/sw/config.js":
            continue
        own = re.fullmatch(r"/sw\.js|/sw/([\w-]+\.js)", url)
        worker = ROOT / "service_worker"
        path = worker / (own.group(1) or "sw.js") if own else ROOT / "web" / url[1:]
        assert path.is_file() and url.startswith(("/sw", "/static/")), url


def test_the_entry_module_is_served_only_at_sw_js(client):
    assert client.get("/sw/sw.js").status_code == 404
    assert client.get("/sw/nothing.js").status_code == 404
