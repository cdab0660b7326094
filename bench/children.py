"""Running a benchmark's measuring half in a child process on a fresh database.

The app reads DATABASE_URL once, at import; so each database gets its own child
process, started here with its own data folder (and its own PostgreSQL cluster).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_child(
    script: str, database: str, work: Path, child_args: list[str], origin: str
) -> dict[str, Any]:
    """Run ``script --child *child_args`` on ``database``; returns its last JSON line."""
    from tests.support import PostgresCluster

    folder = work / database
    folder.mkdir(parents=True)
    env = {**os.environ, "DATA_DIR": str(folder / "data"), "PUBLIC_ORIGIN": origin}
    cluster = None
    if database == "postgres":
        cluster = PostgresCluster(work / "pg")
        env["DATABASE_URL"] = cluster.start()
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'data' / 'doorstep.sqlite3'}"
    command = [sys.executable, script, "--child", *child_args]
    try:
        done = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        sys.stderr.write(error.stderr.decode())
        raise
    finally:
        if cluster is not None:
            cluster.stop()
    return {"database": database, **json.loads(done.stdout.decode().splitlines()[-1])}
