"""Bytes of the first page load, gzip-compressed (goals: HTML under 14 KB, own script under 40 KB).

    .venv/bin/python bench/client_bytes.py

Logs in as a demo volunteer and fetches 今天 and a visit form as a phone would, then
the page's own stylesheet and every module app.js imports (statically: what the first
load needs; dynamically: loaded later, listed apart). htmx comes from its CDN and is
not counted, as the goal says. The worker script is counted apart: it is not on the
page's critical path.
"""

from __future__ import annotations

import gzip
import http.cookiejar
import re
import urllib.parse
import urllib.request

from client_common import PASSWORD, ROOT, demo_server

STATIC = ROOT / "web" / "static"
IMPORT = re.compile(r"""(?:import|from)\s*["']\./([\w.-]+\.js)["']""")
DYNAMIC = re.compile(r"""import\(\s*["']\./([\w.-]+\.js)["']\s*\)""")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def modules(entry: str) -> tuple[list[str], list[str]]:
    """The static import graph of ``entry``, and the modules it imports dynamically."""
    seen, later, queue = [], [], [entry]
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.append(name)
        source = (STATIC / name).read_text()
        queue.extend(IMPORT.findall(source))
        later.extend(m for m in DYNAMIC.findall(source) if m not in later)
    return seen, [m for m in later if m not in seen]


def log_in(server) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{server.url}/login").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = {"username": "vol1", "password": PASSWORD, "_csrf_token": token}
    opener.open(f"{server.url}/login", urllib.parse.urlencode(form).encode()).read()
    return opener


def main() -> None:
    with demo_server() as server:
        opener = log_in(server)
        today = opener.open(f"{server.url}/").read()
        visit_path = re.search(rb'href="(/households/\d+/visit)"', today).group(1).decode()
        pages = {"/ (今天)": today, visit_path: opener.open(server.url + visit_path).read()}
        worker = opener.open(f"{server.url}/sw.js").read()
    first, later = modules("app.js")
    css = (STATIC / "app.css").read_bytes()
    script = b"".join((STATIC / m).read_bytes() for m in first)
    print(f"{'what':<40} {'raw B':>8} {'gzip B':>8}")
    for name, body in pages.items():
        print(f"{'HTML ' + name:<40} {len(body):8} {gz(body):8}")
    print(f"{'app.css':<40} {len(css):8} {gz(css):8}")
    for name in first:
        data = (STATIC / name).read_bytes()
        print(f"{'  ' + name:<40} {len(data):8} {gz(data):8}")
    label = f"own script, first load ({len(first)} modules)"
    print(f"{label:<40} {len(script):8} {gz(script):8}")
    for name in later:
        data = (STATIC / name).read_bytes()
        print(f"{'  later: ' + name:<40} {len(data):8} {gz(data):8}")
    print(f"{'/sw.js (worker, off the critical path)':<40} {len(worker):8} {gz(worker):8}")
    html = max(gz(body) for body in pages.values())
    print(f"goal HTML < 14336 B gzip: largest {html} B ({'met' if html < 14336 else 'MISSED'})")
    print(
        f"goal own script < 40960 B gzip: {gz(script)} B "
        f"({'met' if gz(script) < 40960 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
