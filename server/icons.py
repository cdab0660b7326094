"""Draws the app icons (a red cross on white) as PNG files, with no image library."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

RED = (179, 0, 27)
WHITE = (255, 255, 255)


def _png(size: int, pixel) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _cross(scale: float):
    """A cross filling ``scale`` of the icon; maskable icons keep it in the safe zone."""

    def pixel(x: int, y: int, size: int) -> tuple[int, int, int]:
        arm = size * scale / 2
        bar = size * scale / 6
        cx = cy = size / 2
        inside = (abs(x - cx) <= bar and abs(y - cy) <= arm) or (
            abs(y - cy) <= bar and abs(x - cx) <= arm
        )
        return RED if inside else WHITE

    return pixel


def write_icons(folder: Path) -> list[Path]:
    """Write icon-192.png, icon-512.png and maskable-512.png into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, size, scale in (
        ("icon-192.png", 192, 0.8),
        ("icon-512.png", 512, 0.8),
        ("maskable-512.png", 512, 0.5),
    ):
        path = folder / name
        path.write_bytes(_png(size, _cross(scale)))
        made.append(path)
    return made
