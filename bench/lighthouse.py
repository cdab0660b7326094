"""Mobile Lighthouse (12.2.3) on the login page, 今天, 住户 and a household page.

    .venv/bin/python bench/lighthouse.py            # one run per page
    .venv/bin/python bench/lighthouse.py --runs 3   # the median of three

Installs Lighthouse into bench/out/lighthouse/ (``npm i -E lighthouse@12.2.3``) the first
time, serves fresh demo data with the app's own checked htmx copy (no CDN: the machine has
no route to it, and a deployment in China would serve its own copy too), starts Debian's
Chromium with a debugging port, logs in as a volunteer in it, and points Lighthouse at that
browser (``--port``; Lighthouse resets the site's storage before each run but keeps its
cookies). Prints each page's performance score and its layout shift; the goal (issue 8,
item 3) is 100 and < 0.05.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client_common import CACHE, PASSWORD, demo_server  # noqa: E402
from tests.support import CHROMIUM_ARGS  # noqa: E402

VERSION = "12.2.3"
HOME = ROOT / "bench" / "out" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
REPORTS = HOME / "reports"


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


def log_in(page, base: str, username: str) -> None:
    """Through the real login form, in the browser Lighthouse then drives: the session
    cookie is the browser's own, so the service worker's requests carry it too (a cookie
    passed as an extra header reaches only the page's, and the worker's pull then answers
    401 and the page shows "log in again", a shift no volunteer sees)."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def first_household(page) -> str:
    """A household of the logged-in volunteer, from 今天."""
    return page.locator("#today-list [data-household]").first.get_attribute("data-household")


def measure(binary: Path, url: str, port: int, name: str) -> dict[str, float]:
    """One Lighthouse run (mobile, performance only) in the browser on ``port``.

    The report stays in bench/out/lighthouse/reports/ (the last run of each page).
    """
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}.json"
    command = [
        str(binary),
        url,
        f"--port={port}",
        "--only-categories=performance",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME}, check=True)
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
    from playwright.sync_api import sync_playwright

    from server.settings import DEFAULT_HTMX_INTEGRITY, HTMX_VERSION
    from tests.support import free_port, htmx_file

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", help="one page: login, 今天, 住户 or household")
    args = parser.parse_args()
    binary = lighthouse_bin()
    htmx = htmx_file(CACHE, HTMX_VERSION, DEFAULT_HTMX_INTEGRITY)
    vendor = {"htmx.min.js": htmx}
    port = free_port()
    profile = Path(tempfile.mkdtemp(prefix="doorstep-lighthouse-"))
    os.environ["TMPDIR"] = str(profile)  # Chromium's and Lighthouse's leftovers go here
    try:
        with (
            demo_server({"HTMX_URL": "/vendor/htmx.min.js"}, vendor=vendor) as server,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch_persistent_context(
                str(profile / "profile"),
                executable_path=CHROME,
                args=[*CHROMIUM_ARGS, f"--remote-debugging-port={port}"],
            )
            page = browser.new_page()
            print(f"Lighthouse {VERSION}, mobile, median of {args.runs} run(s)")
            print(f"{'page':<10} {'score':>5} {'CLS':>7} {'FCP ms':>7} {'LCP ms':>7} ", end="")
            print(f"{'TBT ms':>7} {'bytes':>7}")
            for name, path in [
                ("login", "/login"),
                ("今天", "/"),
                ("住户", "/households"),
                ("household", None),
            ]:
                if name == "今天":
                    log_in(page, server.url, "vol1")
                    household = first_household(page)
                path = path or f"/households/{household}"
                if args.only and name != args.only:
                    continue
                runs = [measure(binary, server.url + path, port, name) for _ in range(args.runs)]
                m = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                print(
                    f"{name:<10} {m['score']:>5.0f} {m['cls']:>7.3f} {m['fcp_ms']:>7.0f} "
                    f"{m['lcp_ms']:>7.0f} {m['tbt_ms']:>7.0f} {m['bytes']:>7.0f}",
                    flush=True,
                )
            browser.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
