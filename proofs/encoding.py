"""The prompt/aigcData byte encoding and how it maps onto ezkl's public instances.

This module is the one place in Python that defines the encoding; `docs/encoding.md` describes it and
`contracts/` decodes the same bytes on-chain. A circuit has public inputs (the latent) followed by public
outputs (the image), both flattened row-major in the ONNX graph's order (images are C×H×W).

- ``prompt``   = one byte per latent value: the fixed-point integer ``q = round(x · 2^input_scale)`` as int8
  (two's complement), so latents live in [-128, 127] / 2^input_scale.
- ``aigcData`` = the output's 7-bit digits ``q = round(y · 2^output_scale)``, each proven in [0, 127] by the
  circuit's clamp, written as one MSB-first bit string zero-padded to whole bytes: ``ceil(7·n/8)`` bytes.
- public instances: one per latent value (``q`` if q ≥ 0, else ``r − |q|``, r the BN254 scalar field modulus),
  then one per 14-byte chunk of aigcData read as a big-endian integer (the last chunk zero-extended on the
  right): the circuit packs 16 digits per element as Σ d_i · 128^(15−i), which is exactly that integer.
- pixel = ``q · 255 // 127``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.errors import ZkaigcError

#: BN254 scalar field modulus: ezkl's public instances are elements of this field.
FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617

PROMPT_BYTES_PER_VALUE = 1
#: Bits per output digit; digits are in [0, DIGIT_MAX].
AIGC_BITS_PER_VALUE = 7
DIGIT_MAX = 2**AIGC_BITS_PER_VALUE - 1
#: Digits per public output element: 16 × 7 = 112 bits, inside ezkl 23's i128 integers (docs/encoding.md).
DIGITS_PER_INSTANCE = 16
#: aigcData bytes per public output element.
AIGC_BYTES_PER_INSTANCE = DIGITS_PER_INSTANCE * AIGC_BITS_PER_VALUE // 8


class EncodingError(ZkaigcError, ValueError):
    """Bytes or values that do not fit the encoding."""


@dataclass(frozen=True)
class Encoding:
    """Shape and fixed-point scales of one model's public instances."""

    input_len: int  # latent values (public inputs)
    output_len: int  # output digits, C*H*W of the proven grid (packed 16 per public output)
    input_scale: int  # latent x = q / 2**input_scale
    output_scale: int  # output y = q / 2**output_scale

    @property
    def prompt_len(self) -> int:
        """Length in bytes of a valid prompt."""
        return self.input_len * PROMPT_BYTES_PER_VALUE

    @property
    def aigc_len(self) -> int:
        """Length in bytes of valid aigcData."""
        return -(-self.output_len * AIGC_BITS_PER_VALUE // 8)

    @property
    def output_instances(self) -> int:
        """Public output elements: one per 16 digits (one per 14-byte chunk of aigcData)."""
        return -(-self.output_len // DIGITS_PER_INSTANCE)

    @property
    def num_instances(self) -> int:
        return self.input_len + self.output_instances

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
        """Output digits (each in [0, 127]) -> aigcData: an MSB-first 7-bit bit string, zero bits at the end."""
        if len(values) != self.output_len:
            raise EncodingError(f"aigcData needs {self.output_len} values, got {len(values)}")
        acc = 0
        for i, q in enumerate(values):
            if not 0 <= q <= DIGIT_MAX:
                raise EncodingError(f"output value {i} = {q} is outside the 7-bit digits [0, {DIGIT_MAX}]")
            acc = (acc << AIGC_BITS_PER_VALUE) | q
        pad = self.aigc_len * 8 - self.output_len * AIGC_BITS_PER_VALUE
        return (acc << pad).to_bytes(self.aigc_len, "big")

    def decode_aigc(self, aigc: bytes) -> list[int]:
        """aigcData -> output digits; rejects a wrong length and non-zero padding bits."""
        if len(aigc) != self.aigc_len:
            raise EncodingError(f"aigcData must be {self.aigc_len} bytes, got {len(aigc)}")
        acc = int.from_bytes(aigc, "big")
        pad = self.aigc_len * 8 - self.output_len * AIGC_BITS_PER_VALUE
        if acc & ((1 << pad) - 1):
            raise EncodingError("aigcData has non-zero padding bits")
        acc >>= pad
        n = self.output_len
        return [(acc >> (AIGC_BITS_PER_VALUE * (n - 1 - i))) & DIGIT_MAX for i in range(n)]

    # --- bytes <-> public instances ----------------------------------------------------------------------
    def instances(self, prompt: bytes, aigc: bytes) -> list[int]:
        """The verifier's public instances for these bytes: inputs, then one element per 14-byte aigcData chunk."""
        self.decode_aigc(aigc)  # length and padding
        chunks = [aigc[i : i + AIGC_BYTES_PER_INSTANCE] for i in range(0, len(aigc), AIGC_BYTES_PER_INSTANCE)]
        outputs = [int.from_bytes(c.ljust(AIGC_BYTES_PER_INSTANCE, b"\0"), "big") for c in chunks]
        return [to_field(q) for q in self.decode_prompt(prompt)] + outputs

    def split_instances(self, instances: Sequence[int]) -> tuple[bytes, bytes]:
        """Public instances (field elements) -> (prompt, aigcData); the inverse of `instances`."""
        if len(instances) != self.num_instances:
            raise EncodingError(f"expected {self.num_instances} instances, got {len(instances)}")
        prompt = self.encode_prompt([from_field(f) for f in instances[: self.input_len]])
        chunks = bytearray()
        for f in instances[self.input_len :]:
            if not 0 <= f < 2 ** (8 * AIGC_BYTES_PER_INSTANCE):
                raise EncodingError(f"output element {f:#x} is not 16 packed 7-bit digits")
            chunks += f.to_bytes(AIGC_BYTES_PER_INSTANCE, "big")
        aigc = bytes(chunks[: self.aigc_len])
        if any(chunks[self.aigc_len :]):
            raise EncodingError("the last output element has non-zero padding digits")
        self.decode_aigc(aigc)  # padding bits
        return prompt, aigc

    # --- batches: N slots in one proof --------------------------------------------------------------------
    def batch_instances(self, slots: Sequence[tuple[bytes, bytes]]) -> list[int]:
        """A batch circuit's public instances for (prompt, aigcData) slots: every slot's prompt values, then every
        slot's output elements, slot-major. With whole 14-byte chunks per slot this is `instances` of the
        concatenated prompts and the concatenated aigcData, which is how the contracts build it."""
        each = [self.instances(prompt, aigc) for prompt, aigc in slots]
        return [f for inst in each for f in inst[: self.input_len]] + [
            f for inst in each for f in inst[self.input_len :]
        ]

    def split_batch_instances(self, instances: Sequence[int], batch: int) -> list[tuple[bytes, bytes]]:
        """A batch circuit's public instances -> its `batch` (prompt, aigcData) slots; the inverse of
        `batch_instances`."""
        if len(instances) != batch * self.num_instances:
            raise EncodingError(f"expected {batch} × {self.num_instances} instances, got {len(instances)}")
        inputs, outputs = instances[: batch * self.input_len], instances[batch * self.input_len :]
        n, m = self.input_len, self.output_instances
        return [
            self.split_instances([*inputs[i * n : (i + 1) * n], *outputs[i * m : (i + 1) * m]]) for i in range(batch)
        ]

    # --- floats <-> ints ---------------------------------------------------------------------------------
    def quantize_latent(self, latent: Sequence[float]) -> list[int]:
        """Float latent -> int8 fixed-point integers (rounded, clamped to int8)."""
        scale = 2**self.input_scale
        return [max(-128, min(127, round(x * scale))) for x in latent]

    def dequantize_latent(self, values: Sequence[int]) -> list[float]:
        """int8 fixed-point integers -> the float latent the circuit sees."""
        return [q / 2**self.input_scale for q in values]

    def pixels(self, aigc: bytes) -> list[int]:
        """aigcData -> 8-bit pixels of the proven grid, ``q · 255 // 127``; the on-chain renderer does the same."""
        return [q * 255 // DIGIT_MAX for q in self.decode_aigc(aigc)]


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
