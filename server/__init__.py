"""Doorstep: offline-first field work for Red Cross volunteers."""

import os

# Piccolo finds its engine through this module wherever the process starts.
os.environ.setdefault("PICCOLO_CONF", "server.piccolo_conf")

__version__ = "0.1.0"
