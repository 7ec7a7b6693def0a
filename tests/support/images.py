"""Images for input-validation tests."""

import struct
import zlib


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims `width`×`height` RGB pixels and holds no pixel data: a decompression bomb's
    shape, a few dozen bytes. PIL reads the size at `open` and refuses it there (or warns) before decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")
