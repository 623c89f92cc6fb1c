"""Draws the AuthLens toolbar icons (a magnifying lens over a keyhole) as PNG files.

Run once by hand when the design changes (`python3 tools/icons.py`); the PNGs are
committed, so builds need no image tooling.
"""
import math
import struct
import zlib
from pathlib import Path

BLUE = (37, 99, 235)
WHITE = (255, 255, 255)


def pixel(x, y, size):
    """RGBA of one pixel: a blue disc with a white keyhole, edges anti-aliased 4x4."""
    samples = []
    for sy in range(4):
        for sx in range(4):
            u = (x + (sx + 0.5) / 4) / size  # 0..1
            v = (y + (sy + 0.5) / 4) / size
            r = math.hypot(u - 0.5, v - 0.5)
            if r > 0.48:
                samples.append(None)
            elif math.hypot(u - 0.5, v - 0.40) < 0.11 or (
                abs(u - 0.5) < 0.05 + (v - 0.40) * 0.15 and 0.40 <= v <= 0.72
            ):
                samples.append(WHITE)
            else:
                samples.append(BLUE)
    filled = [s for s in samples if s is not None]
    if not filled:
        return (0, 0, 0, 0)
    rgb = [sum(c[i] for c in filled) // len(filled) for i in range(3)]
    return (*rgb, 255 * len(filled) // len(samples))


def png(size):
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size))
        for y in range(size)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


out = Path(__file__).resolve().parent.parent / "extension" / "icons"
for size in (16, 32, 48, 128):
    (out / f"icon-{size}.png").write_bytes(png(size))
