"""Draw the Teams app icons (two linked rings) as PNGs, with the standard library only.

Teams wants `color.png` (192x192, full colour) and `outline.png` (32x32,
white on a transparent background). Drawing them in code keeps the icons
reproducible and reviewable; run `python config/teams/icons.py` after a
change and commit the PNGs it writes next to this file.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCENT = (0x2E, 0x7D, 0x6B, 255)  # the manifest's accentColor
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)
Pixel = tuple[int, int, int, int]


def png(width: int, height: int, pixel: Callable[[float, float], Pixel]) -> bytes:
    """An RGBA PNG; `pixel` gets coordinates scaled to 0..1 (pixel centres)."""
    rows = b"".join(
        b"\x00"
        + b"".join(bytes(pixel((x + 0.5) / width, (y + 0.5) / height)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def on_rings(x: float, y: float, thickness: float) -> bool:
    """Two overlapping rings, side by side: a link between two people."""
    radius = 0.22
    for cx in (0.38, 0.62):
        distance = ((x - cx) ** 2 + (y - 0.5) ** 2) ** 0.5
        if abs(distance - radius) <= thickness / 2:
            return True
    return False


def color_pixel(x: float, y: float) -> Pixel:
    return WHITE if on_rings(x, y, 0.07) else ACCENT


def outline_pixel(x: float, y: float) -> Pixel:
    return WHITE if on_rings(x, y, 0.1) else CLEAR


def main() -> None:
    (HERE / "color.png").write_bytes(png(192, 192, color_pixel))
    (HERE / "outline.png").write_bytes(png(32, 32, outline_pixel))


if __name__ == "__main__":
    main()
