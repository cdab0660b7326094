"""Mobile Lighthouse (12.2.3) on the login page, 今天, 住户 and a household page.

    .venv/bin/python bench/lighthouse.py            # one run per page
    .venv/bin/python bench/lighthouse.py --runs 3   # the median of three

Installs Lighthouse into bench/out/lighthouse/ (``npm i -E lighthouse@12.2.3``) the first
time, serves fresh demo data with the app's own checked htmx copy (no CDN: the machine has
no route to it, and a deployment in China would serve its own copy too), logs in as a
volunteer and hands Lighthouse the session cookie (``--extra-headers``). Prints each page's
performance score and its layout shift; the goal (issue 8, item 3) is 100 and < 0.05.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client_common import CACHE, PASSWORD, demo_server  # noqa: E402
from tests.support import CHROMIUM_ARGS  # noqa: E402

VERSION = "12.2.3"
HOME = ROOT / "bench" / "out" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")


def lighthouse_bin() -> Path:
    """Lighthouse in a folder this script owns, installed once."""
    binary = HOME / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "i", "-E", f"lighthouse@{VERSION}", "--no-audit", "--no-fund"],
            cwd=HOME,
            check=True,
        )
    return binary


def session_cookie(base: str, username: str) -> str:
    """Log in through the real form; the ``doorstep_session`` cookie's value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"_csrf_token": token, "username": username, "password": PASSWORD, "next": ""}
    ).encode()
    opener.open(urllib.request.Request(f"{base}/login", data=form, headers={"Origin": base}))
    return next(c.value for c in jar if c.name == "doorstep_session")


def first_household(base: str, cookie: str) -> str:
    request = urllib.request.Request(f"{base}/", headers={"Cookie": f"doorstep_session={cookie}"})
    html = urllib.request.urlopen(request).read().decode()
    return re.search(r'href="/households/(\d+)"', html).group(1)


def measure(binary: Path, url: str, cookie: str | None, work: Path) -> dict[str, float]:
    """One Lighthouse run (mobile, performance only): score, layout shift and timings."""
    report = work / "report.json"
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [
        str(binary),
        url,
        "--only-categories=performance",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={flags}",
        "--quiet",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": f"doorstep_session={cookie}"}))
    env = {**os.environ, "CHROME_PATH": CHROME, "TMPDIR": str(work)}
    subprocess.run(command, env=env, check=True, capture_output=True)
    data = json.loads(report.read_text())
    audits = data["audits"]
    return {
        "score": round(data["categories"]["performance"]["score"] * 100),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def main() -> None:
    """Measure the four pages and print one line each (the median over ``--runs``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    binary = lighthouse_bin()
    from server.settings import DEFAULT_HTMX_INTEGRITY, HTMX_VERSION
    from tests.support import htmx_file

    htmx = htmx_file(CACHE, HTMX_VERSION, DEFAULT_HTMX_INTEGRITY)
    work = Path(tempfile.mkdtemp(prefix="doorstep-lighthouse-"))
    try:
        with demo_server(
            {"HTMX_URL": "/vendor/htmx.min.js"}, vendor={"htmx.min.js": htmx}
        ) as server:
            cookie = session_cookie(server.url, "vol1")
            household = first_household(server.url, cookie)
            pages = [
                ("login", "/login", None),
                ("今天", "/", cookie),
                ("住户", "/households", cookie),
                ("household", f"/households/{household}", cookie),
            ]
            print(f"Lighthouse {VERSION}, mobile, median of {args.runs} run(s)")
            print(
                f"{'page':<10} {'score':>5} {'CLS':>7} {'FCP ms':>7} {'LCP ms':>7} "
                f"{'TBT ms':>7} {'bytes':>7}"
            )
            for name, path, page_cookie in pages:
                runs = [
                    measure(binary, server.url + path, page_cookie, work) for _ in range(args.runs)
                ]
                m = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                print(
                    f"{name:<10} {m['score']:>5.0f} {m['cls']:>7.3f} {m['fcp_ms']:>7.0f} "
                    f"{m['lcp_ms']:>7.0f} {m['tbt_ms']:>7.0f} {m['bytes']:>7.0f}"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
