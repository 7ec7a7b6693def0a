"""The prompt/aigcData byte encoding and how it maps onto ezkl's public instances.

This module is the one place in Python that defines the encoding; `docs/encoding.md` describes it and
`contracts/` decodes the same bytes on-chain. A circuit has public inputs (the latent) followed by public
outputs (the image), both flattened row-major in the ONNX graph's order (images are C×H×W).

- ``prompt``   = one byte per latent value: the fixed-point integer ``q = round(x · 2^input_scale)`` as int8
  (two's complement), so latents live in [-128, 127] / 2^input_scale.
- ``aigcData`` = the output's digits ``q = round(y · 2^output_scale)`` as one MSB-first bit string zero-padded to
  whole bytes, in one of two widths (a model's `digit_bits`):
  - 7 bits (the clamp stage): each proven in [0, 127] by the circuit's two-ReLU clamp; ``ceil(7·n/8)`` bytes,
    16 digits (14 bytes) per public element;
  - 8 bits (the sigmoid stage): each proven in [0, 128] by one sigmoid lookup at scale 7 (whose range is
    0 … 2^7 inclusive); one byte per digit, 15 digits (15 bytes) per public element.
- public instances: the prompt, then one per chunk of aigcData. The prompt is one element (the sigmoid stage's
  packed prompt, models/prompt.py): ``(P ⊕ 0x80…80) − 2^(8n−1)`` for the n ≤ 16 bytes read as a big-endian
  integer P, negatives as ``r − |p|`` (r the BN254 scalar field modulus); or, in the old stage, one element per
  latent value (``q`` if q ≥ 0, else ``r − |q|``). Then one per chunk of aigcData
  (14 or 15 bytes) read as a big-endian integer (the last chunk zero-extended on the
  right): the circuit packs its digits per element as Σ d_i · 2^(bits·(k−1−i)), which is exactly that integer.
- pixel = ``q · 255 // digit_max`` (127 or 128).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.config import MAX_PACKED_BYTES
from models.errors import ZkaigcError

#: BN254 scalar field modulus: ezkl's public instances are elements of this field.
FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617

PROMPT_BYTES_PER_VALUE = 1
#: Digit widths: bits -> (largest digit, digits per public element). 16 × 7 = 112 and 15 × 8 = 120 bits stay
#: inside ezkl 23's i128 integers (docs/encoding.md).
DIGIT_WIDTHS = {7: (127, 16), 8: (128, 15)}


class EncodingError(ZkaigcError, ValueError):
    """Bytes or values that do not fit the encoding."""


@dataclass(frozen=True)
class Encoding:
    """Shape and fixed-point scales of one model's public instances."""

    input_len: int  # latent values (public inputs)
    output_len: int  # output digits, C*H*W of the proven grid (packed 16 per public output)
    input_scale: int  # latent x = q / 2**input_scale
    output_scale: int  # output y = q / 2**output_scale
    digit_bits: int = 7  # 7: the clamp stage's digits; 8: the sigmoid stage's
    # A prompt space of named parts (the trait decoder): byte i is an id in [0, limits[i]) of part names[i].
    # None: any byte (a latent value).
    prompt_names: tuple[str, ...] | None = None
    prompt_limits: tuple[int, ...] | None = None
    # True: the prompt is one packed public element (models/prompt.py); False: one element per byte (old stage).
    packed_prompt: bool = False

    def __post_init__(self) -> None:
        if self.digit_bits not in DIGIT_WIDTHS:
            raise EncodingError(f"digits are 7 or 8 bits wide, not {self.digit_bits}")
        if self.prompt_limits is not None:
            object.__setattr__(self, "prompt_limits", tuple(self.prompt_limits))
            object.__setattr__(self, "prompt_names", tuple(self.prompt_names or ()))
            if not len(self.prompt_limits) == len(self.prompt_names) == self.input_len:
                raise EncodingError(f"a prompt space needs {self.input_len} names and limits")
        if self.packed_prompt and not 1 <= self.input_len <= MAX_PACKED_BYTES:
            raise EncodingError(f"a packed prompt holds 1 to {MAX_PACKED_BYTES} bytes, not {self.input_len}")

    def check_prompt(self, prompt: bytes) -> bytes:
        """`prompt` if it has the right length and, in a prompt space, every byte names a part; else one line."""
        if len(prompt) != self.prompt_len:
            raise EncodingError(f"prompt must be {self.prompt_len} bytes, got {len(prompt)}")
        for i, (name, limit) in enumerate(zip(self.prompt_names or (), self.prompt_limits or (), strict=True)):
            if prompt[i] >= limit:
                raise EncodingError(f"prompt byte {i} ({name}) is {prompt[i]}, outside 0..{limit - 1}")
        return prompt

    @property
    def digit_max(self) -> int:
        """The largest digit the circuit proves: full intensity."""
        return DIGIT_WIDTHS[self.digit_bits][0]

    @property
    def digits_per_instance(self) -> int:
        """Digits packed into one public output element."""
        return DIGIT_WIDTHS[self.digit_bits][1]

    @property
    def bytes_per_instance(self) -> int:
        """aigcData bytes per public output element (14 or 15)."""
        return self.digits_per_instance * self.digit_bits // 8

    @property
    def prompt_len(self) -> int:
        """Length in bytes of a valid prompt."""
        return self.input_len * PROMPT_BYTES_PER_VALUE

    @property
    def aigc_len(self) -> int:
        """Length in bytes of valid aigcData."""
        return -(-self.output_len * self.digit_bits // 8)

    @property
    def output_instances(self) -> int:
        """Public output elements: one per `digits_per_instance` digits (one per chunk of aigcData)."""
        return -(-self.output_len // self.digits_per_instance)

    @property
    def prompt_instances(self) -> int:
        """Public elements of the prompt: one when packed, else one per byte."""
        return 1 if self.packed_prompt else self.input_len

    @property
    def num_instances(self) -> int:
        return self.prompt_instances + self.output_instances

    def prompt_elements(self, prompt: bytes) -> list[int]:
        """The prompt's public elements: ``(P ⊕ 0x80…80) − 2^(8n−1)`` packed, else each byte's int8 value."""
        values = self.decode_prompt(prompt)
        if not self.packed_prompt:
            return [to_field(q) for q in values]
        flipped = bytes(b ^ 0x80 for b in prompt)
        return [to_field(int.from_bytes(flipped, "big") - 2 ** (8 * self.input_len - 1))]

    def prompt_of(self, elements: Sequence[int]) -> bytes:
        """The prompt bytes behind its public elements; the inverse of `prompt_elements`."""
        if not self.packed_prompt:
            return self.encode_prompt([from_field(f) for f in elements])
        (f,) = elements
        value = from_field(f) + 2 ** (8 * self.input_len - 1)
        if not 0 <= value < 2 ** (8 * self.input_len):
            raise EncodingError(f"prompt element {f:#x} is not {self.input_len} packed bytes")
        return bytes(b ^ 0x80 for b in value.to_bytes(self.input_len, "big"))

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
        return [b - 256 if b >= 128 else b for b in self.check_prompt(prompt)]

    def encode_aigc(self, values: Sequence[int]) -> bytes:
        """Output digits (each in [0, digit_max]) -> aigcData: an MSB-first bit string, zero bits at the end."""
        if len(values) != self.output_len:
            raise EncodingError(f"aigcData needs {self.output_len} values, got {len(values)}")
        acc, bits = 0, self.digit_bits
        for i, q in enumerate(values):
            if not 0 <= q <= self.digit_max:
                raise EncodingError(f"output value {i} = {q} is outside the {bits}-bit digits [0, {self.digit_max}]")
            acc = (acc << bits) | q
        pad = self.aigc_len * 8 - self.output_len * bits
        return (acc << pad).to_bytes(self.aigc_len, "big")

    def decode_aigc(self, aigc: bytes) -> list[int]:
        """aigcData -> output digits; rejects a wrong length and non-zero padding bits."""
        if len(aigc) != self.aigc_len:
            raise EncodingError(f"aigcData must be {self.aigc_len} bytes, got {len(aigc)}")
        acc = int.from_bytes(aigc, "big")
        bits = self.digit_bits
        pad = self.aigc_len * 8 - self.output_len * bits
        if acc & ((1 << pad) - 1):
            raise EncodingError("aigcData has non-zero padding bits")
        acc >>= pad
        n, mask = self.output_len, (1 << bits) - 1
        digits = [(acc >> (bits * (n - 1 - i))) & mask for i in range(n)]
        if any(q > self.digit_max for q in digits):  # 8-bit digits above 128: no proof has them
            raise EncodingError(f"aigcData has a digit above {self.digit_max}")
        return digits

    # --- bytes <-> public instances ----------------------------------------------------------------------
    def instances(self, prompt: bytes, aigc: bytes) -> list[int]:
        """The verifier's public instances for these bytes: inputs, then one element per aigcData chunk."""
        self.decode_aigc(aigc)  # length and padding
        size = self.bytes_per_instance
        chunks = [aigc[i : i + size] for i in range(0, len(aigc), size)]
        outputs = [int.from_bytes(c.ljust(size, b"\0"), "big") for c in chunks]
        return self.prompt_elements(prompt) + outputs

    def split_instances(self, instances: Sequence[int]) -> tuple[bytes, bytes]:
        """Public instances (field elements) -> (prompt, aigcData); the inverse of `instances`."""
        if len(instances) != self.num_instances:
            raise EncodingError(f"expected {self.num_instances} instances, got {len(instances)}")
        prompt = self.prompt_of(instances[: self.prompt_instances])
        chunks, size = bytearray(), self.bytes_per_instance
        for f in instances[self.prompt_instances :]:
            if not 0 <= f < 2 ** (8 * size):
                raise EncodingError(f"output element {f:#x} is not {self.digits_per_instance} packed digits")
            chunks += f.to_bytes(size, "big")
        aigc = bytes(chunks[: self.aigc_len])
        if any(chunks[self.aigc_len :]):
            raise EncodingError("the last output element has non-zero padding digits")
        self.decode_aigc(aigc)  # padding bits
        return prompt, aigc

    # --- batches: N slots in one proof --------------------------------------------------------------------
    def batch_instances(self, slots: Sequence[tuple[bytes, bytes]]) -> list[int]:
        """A batch circuit's public instances for (prompt, aigcData) slots: every slot's prompt elements, then
        every slot's output elements, slot-major, each slot's aigcData chunked by itself (the circuit pads each
        slot's digits), which is how the contracts build it from the concatenated bytes.
        """
        each = [self.instances(prompt, aigc) for prompt, aigc in slots]
        k = self.prompt_instances
        return [f for inst in each for f in inst[:k]] + [f for inst in each for f in inst[k:]]

    def split_batch_instances(self, instances: Sequence[int], batch: int) -> list[tuple[bytes, bytes]]:
        """A batch circuit's public instances -> its `batch` (prompt, aigcData) slots; the inverse of
        `batch_instances`."""
        if len(instances) != batch * self.num_instances:
            raise EncodingError(f"expected {batch} × {self.num_instances} instances, got {len(instances)}")
        n, m = self.prompt_instances, self.output_instances
        inputs, outputs = instances[: batch * n], instances[batch * n :]
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
        """aigcData -> 8-bit pixels of the proven grid, ``q · 255 // digit_max``, as the on-chain renderer draws."""
        return [q * 255 // self.digit_max for q in self.decode_aigc(aigc)]


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
