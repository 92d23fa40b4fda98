"""Small files that are costly or broken when decoded, as an attacker or an odd phone sends them."""
import io
import struct
import zlib

from PIL import Image


def gif_huge_screen(width=6324, height=6324):
    """35 bytes: a 1x1 frame on a logical screen of width x height (just under 40 MP)."""
    return (b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0)
            + b"," + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00" + b";")


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_zeros(width, height, color_type=0, bit_depth=8):
    """A valid PNG of width x height all-zero pixels, compressed to almost nothing."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\x00" * (1 + width * channels * bit_depth // 8)
    rows_per_chunk = max(1, 4_000_000 // len(row))
    z = zlib.compressobj(9)
    parts = [z.compress(row * min(rows_per_chunk, height - i)) for i in range(0, height, rows_per_chunk)]
    body = b"".join(parts) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth,
                                                                   color_type, 0, 0, 0))
            + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b""))


def tall_png():
    """A 1 x 39,999,999 grey PNG (~76 KB)."""
    return png_of_zeros(1, 39_999_999)


def transparent_png(side=6000):
    """A side x side fully transparent RGBA PNG (~160 KB for 6000)."""
    return png_of_zeros(side, side, color_type=6)


def corrupt_avif():
    """A real AVIF with its coded data damaged (Pillow raises RuntimeError on it)."""
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buf, "AVIF")
    data = buf.getvalue()
    coded = data.index(b"mdat") + 4
    return data[:coded] + bytes(b ^ 0xFF for b in data[coded:])


def mpo(frames=2, size=200):
    """A multi-picture JPEG as phones save them: a drawing first, then a second picture."""
    from PIL import ImageDraw
    first = Image.new("RGB", (size, size), "white")
    ImageDraw.Draw(first).line([(size // 2, size // 8), (size // 2, size * 7 // 8)], fill="black", width=size // 12)
    rest = [Image.new("RGB", (size, size), "gray") for _ in range(frames - 1)]
    buf = io.BytesIO()
    first.save(buf, "MPO", save_all=True, append_images=rest)
    return buf.getvalue()
