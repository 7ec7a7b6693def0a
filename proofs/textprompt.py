"""One text, one prompt per model: how the Try page (and anyone) turns a text into each model's own prompt.

Every model reads the same text its own way, so no model fails on another's prompt format:

1. **hex** — a text that is hex of exactly the model's prompt length (`0x` optional) is that prompt;
2. **traits** — a trait model (`nouns`) reads a text naming traits (`"head: shark, glasses: red"`, any text with a
   `:`) as `proofs.traits` does (`python -m proofs text`);
3. **hash** — anything else: the first `prompt_len` bytes of
   `SHA-256("zkaigc text prompt v1" ‖ 0x00 ‖ model name ‖ 0x00 ‖ text)`, the text stripped of surrounding white
   space (UTF-8), extended with SHA-256 of the digest if a model ever takes more than 32 bytes. Any bytes are a
   valid int8 latent; a trait model takes each byte modulo its part's count (a valid Noun). So this is a valid
   prompt of every model, deterministic and recomputable by anyone.
"""

from __future__ import annotations

import hashlib

from models import registry

from . import traits
from .encoding import EncodingError
from .errors import ProofError
from .model_artifacts import artifacts_of

HASH_DOMAIN = b"zkaigc text prompt v1"


class TextPromptError(ProofError):
    """A text no model can read: an empty one."""


def hashed_prompt(model_name: str, text: str, length: int) -> bytes:
    """The documented hash mapping (rule 3)."""
    out = hashlib.sha256(HASH_DOMAIN + b"\0" + model_name.encode() + b"\0" + text.strip().encode()).digest()
    while len(out) < length:
        out += hashlib.sha256(out).digest()
    return out[:length]


def prompt_for(model_name: str, text: str) -> tuple[bytes, str]:
    """(prompt, how) of `text` on a committed model; how is "hex", "traits" or "hash" (rules above)."""
    stripped = text.strip()
    if not stripped:
        raise TextPromptError("empty text: type a few words, a trait list ('head: shark') or a hex prompt")
    encoding = artifacts_of(model_name).encoding()
    length = encoding.prompt_len
    raw = stripped.removeprefix("0x").removeprefix("0X")
    if len(raw) == 2 * length:
        try:
            prompt = bytes.fromhex(raw)
        except ValueError:
            prompt = None  # not hex: read it as words
        if prompt is not None:
            try:
                return encoding.check_prompt(prompt), "hex"
            except EncodingError as err:  # a trait id out of its range
                raise TextPromptError(f"{model_name}: {err}") from None
    if registry.get(model_name).model.kind == "traits" and ":" in stripped:
        return traits.prompt_for_text(stripped, model_name)[0], "traits"
    hashed = hashed_prompt(model_name, stripped, length)
    if encoding.prompt_limits is not None:  # a trait model: each hashed byte taken modulo its part's count
        hashed = bytes(b % limit for b, limit in zip(hashed, encoding.prompt_limits, strict=True))
    return hashed, "hash"
