"""A 1,000,000-row export through the shared writer: .xlsx against .csv, time and peak memory.

    .venv/bin/python bench/export.py [--rows 1000000]

Each format is written in its own child process (so its peak resident memory, the
child's ``ru_maxrss``, is its own): the rows are made as they are written, shaped like
the service-hours export (names, an id number, a local time, a date, hours in minutes,
an amount in fen), so what is measured is the writer. A third child only makes the rows
(the floor: no file at all). Printed: wall seconds, CPU seconds (the fair figure on a
shared machine), rows/s, peak memory in MiB, file size, and the ratios of .xlsx over .csv.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = ("rows", "csv", "xlsx")


def main() -> int:
    """Run one child per mode and print the table."""
    args = _arguments()
    if args.child:
        return asyncio.run(_child(args.child, args.rows))
    results = {}
    for mode in MODES:
        command = [sys.executable, __file__, "--child", mode, "--rows", str(args.rows)]
        done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        results[mode] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    print(f"{args.rows:,} rows")
    print(f"{'':6} {'seconds':>8} {'CPU s':>8} {'rows/s':>10} {'peak MiB':>9} {'file MiB':>9}")
    for mode, r in results.items():
        print(
            f"{mode:6} {r['seconds']:8.1f} {r['cpu']:8.1f} {args.rows / r['seconds']:10,.0f} "
            f"{r['maxrss_kib'] / 1024:9.1f} {r['bytes'] / 2**20:9.1f}"
        )
    xlsx, plain = results["xlsx"], results["csv"]
    print(
        f"xlsx / csv: time {xlsx['seconds'] / plain['seconds']:.2f}x, "
        f"CPU {xlsx['cpu'] / plain['cpu']:.2f}x, "
        f"peak memory {xlsx['maxrss_kib'] / plain['maxrss_kib']:.2f}x, "
        f"file {xlsx['bytes'] / plain['bytes']:.2f}x"
    )
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", choices=MODES)
    return parser.parse_args()


def _columns() -> list:
    from server.exports.writer import Column

    return [
        Column("姓名"),
        Column("身份证号"),
        Column("服务项目"),
        Column("签到时间", "time"),
        Column("日期", "date"),
        Column("服务时长（小时）", "minutes", True),
        Column("金额（元）", "fen", True),
    ]


async def _rows(count: int):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    day = dt.date(2026, 1, 1)
    for n in range(count):
        yield [
            f"志愿者{n % 5000}",
            f"42030019{n % 90 + 10}0101{n % 10000:04d}",
            "走访慰问",
            start + dt.timedelta(minutes=n),
            day + dt.timedelta(days=n % 365),
            30 + n % 240,
            n % 100_000,
        ]


async def _child(mode: str, count: int) -> int:
    from zoneinfo import ZoneInfo

    from server.exports.writer import Sheet, csv_chunks, xlsx_file

    zone = ZoneInfo("Asia/Shanghai")
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    began = time.perf_counter()
    size = 0
    if mode == "rows":
        async for _ in _rows(count):
            pass
    elif mode == "csv":
        with tempfile.TemporaryFile() as out:
            async for chunk in csv_chunks(_columns(), _rows(count), "zh_CN", zone):
                out.write(chunk)
            size = out.tell()
    else:
        path = await xlsx_file([Sheet("志愿服务时长", _columns(), _rows(count))], "zh_CN", zone)
        size = os.path.getsize(path)
        os.unlink(path)
    seconds = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    print(
        json.dumps({"seconds": seconds, "cpu": cpu, "maxrss_kib": usage.ru_maxrss, "bytes": size})
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
