"""Pages list the page script's whole module graph up front (one round trip, not three)."""

from __future__ import annotations

import re


def test_a_page_preloads_every_module_the_page_script_imports(client):
    html = client.get("/login").text
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    assert "/static/outbox.js" in preloaded  # imported by app.js
    assert "/static/pulled.js" in preloaded  # imported by what app.js imports
    assert "/static/sync-page.js" not in preloaded  # loaded only on the sync page
    assert len(preloaded) == len(set(preloaded))


def test_every_preloaded_module_exists(client):
    html = client.get("/login").text
    for url in re.findall(r'<link rel="modulepreload" href="([^"]+)">', html):
        assert client.get(url).status_code == 200, url
