"""Prompts as users and tests make them: random bytes of a model's prompt length, and the latent they stand for."""

from __future__ import annotations

import random
import secrets

from .encoding import Encoding


def random_prompt(encoding: Encoding, seed: int | None) -> bytes:
    """A uniformly random valid prompt (seeded, or from the OS when seed is None): random bytes, or in a prompt
    space (the trait decoder's) a random id of each part."""
    if encoding.prompt_limits is not None:
        rng = random.Random(seed) if seed is not None else secrets.SystemRandom()
        return bytes(rng.randrange(limit) for limit in encoding.prompt_limits)
    if seed is None:
        return secrets.token_bytes(encoding.prompt_len)
    return random.Random(seed).randbytes(encoding.prompt_len)


def latent_of(encoding: Encoding, prompt: bytes) -> list[float]:
    """The latent a prompt stands for (raises EncodingError if the prompt does not decode)."""
    return encoding.dequantize_latent(encoding.decode_prompt(prompt))
