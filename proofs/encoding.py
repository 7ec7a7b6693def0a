"""The prompt/aigcData byte encoding and how it maps onto ezkl's public instances.

This module is the one place in Python that defines the encoding; `docs/encoding.md` describes it and
`contracts/` decodes the same bytes on-chain. A circuit has public inputs (the latent) followed by public
outputs (the image), both flattened row-major in the ONNX graph's order (images are C×H×W).

- ``prompt``   = one byte per latent value: the fixed-point integer ``q = round(x · 2^input_scale)`` as int8
  (two's complement), so latents live in [-128, 127] / 2^input_scale.
- ``aigcData`` = two bytes per output value: the fixed-point integer ``q = round(y · 2^output_scale)`` as
  big-endian int16 (two's complement).
- public instance for an integer q: ``q`` if q ≥ 0, else ``r − |q|`` where r is the BN254 scalar field modulus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.errors import ZkaigcError

#: BN254 scalar field modulus: ezkl's public instances are elements of this field.
FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617

PROMPT_BYTES_PER_VALUE = 1
AIGC_BYTES_PER_VALUE = 2


class EncodingError(ZkaigcError, ValueError):
    """Bytes or values that do not fit the encoding."""


@dataclass(frozen=True)
class Encoding:
    """Shape and fixed-point scales of one model's public instances."""

    input_len: int  # latent values (public inputs)
    output_len: int  # output values (public outputs), C*H*W
    input_scale: int  # latent x = q / 2**input_scale
    output_scale: int  # output y = q / 2**output_scale

    @property
    def prompt_len(self) -> int:
        """Length in bytes of a valid prompt."""
        return self.input_len * PROMPT_BYTES_PER_VALUE

    @property
    def aigc_len(self) -> int:
        """Length in bytes of valid aigcData."""
        return self.output_len * AIGC_BYTES_PER_VALUE

    # --- ints <-> bytes -------------------------------------------------------------------------------
    def encode_prompt(self, values: Sequence[int]) -> bytes:
        """Latent fixed-point integers -> prompt bytes (int8 each)."""
        if len(values) != self.input_len:
            raise EncodingError(f"prompt needs {self.input_len} values, got {len(values)}")
        for i, q in enumerate(values):
            if not -128 <= q <= 127:
                raise EncodingError(f"prompt value {i} = {q} is outside int8 [-128, 127]")
        return bytes(q & 0xFF for q in values)

    def decode_prompt(self, prompt: bytes) -> list[int]:
        """Prompt bytes -> latent fixed-point integers."""
        if len(prompt) != self.prompt_len:
            raise EncodingError(f"prompt must be {self.prompt_len} bytes, got {len(prompt)}")
        return [b - 256 if b >= 128 else b for b in prompt]

    def encode_aigc(self, values: Sequence[int]) -> bytes:
        """Output fixed-point integers -> aigcData bytes (big-endian int16 each)."""
        if len(values) != self.output_len:
            raise EncodingError(f"aigcData needs {self.output_len} values, got {len(values)}")
        out = bytearray()
        for i, q in enumerate(values):
            if not -32768 <= q <= 32767:
                raise EncodingError(f"output value {i} = {q} is outside int16")
            out += (q & 0xFFFF).to_bytes(2, "big")
        return bytes(out)

    def decode_aigc(self, aigc: bytes) -> list[int]:
        """aigcData bytes -> output fixed-point integers."""
        if len(aigc) != self.aigc_len:
            raise EncodingError(f"aigcData must be {self.aigc_len} bytes, got {len(aigc)}")
        return [int.from_bytes(aigc[i : i + 2], "big", signed=True) for i in range(0, len(aigc), 2)]

    # --- bytes <-> public instances ----------------------------------------------------------------------
    def instances(self, prompt: bytes, aigc: bytes) -> list[int]:
        """The verifier's public instances for these bytes: inputs then outputs, as field elements."""
        return [to_field(q) for q in self.decode_prompt(prompt) + self.decode_aigc(aigc)]

    def split_instances(self, instances: Sequence[int]) -> tuple[bytes, bytes]:
        """Public instances (field elements) -> (prompt, aigcData); the inverse of `instances`."""
        if len(instances) != self.input_len + self.output_len:
            raise EncodingError(f"expected {self.input_len + self.output_len} instances, got {len(instances)}")
        ints = [from_field(f) for f in instances]
        return self.encode_prompt(ints[: self.input_len]), self.encode_aigc(ints[self.input_len :])

    # --- floats <-> ints ---------------------------------------------------------------------------------
    def quantize_latent(self, latent: Sequence[float]) -> list[int]:
        """Float latent -> int8 fixed-point integers (rounded, clamped to int8)."""
        scale = 2**self.input_scale
        return [max(-128, min(127, round(x * scale))) for x in latent]

    def dequantize_latent(self, values: Sequence[int]) -> list[float]:
        """int8 fixed-point integers -> the float latent the circuit sees."""
        return [q / 2**self.input_scale for q in values]

    def pixels(self, aigc: bytes) -> list[int]:
        """aigcData -> 8-bit pixel values, clamped to [0, 255]; the on-chain renderer does the same."""
        top = 2**self.output_scale
        return [min(max(q, 0), top) * 255 // top for q in self.decode_aigc(aigc)]


def to_field(q: int) -> int:
    """Signed integer -> BN254 field element (negatives as r − |q|)."""
    if not -FIELD_MODULUS // 2 < q < FIELD_MODULUS // 2:
        raise EncodingError(f"{q} does not fit a signed field element")
    return q % FIELD_MODULUS


def from_field(f: int) -> int:
    """BN254 field element -> signed integer (elements above r/2 are negative)."""
    if not 0 <= f < FIELD_MODULUS:
        raise EncodingError(f"{f} is not a field element")
    return f - FIELD_MODULUS if f > FIELD_MODULUS // 2 else f


def felt_from_ezkl_hex(le_hex: str) -> int:
    """ezkl's JSON field elements are 32-byte little-endian hex strings."""
    return int.from_bytes(bytes.fromhex(le_hex.removeprefix("0x")), "little")
