"""Prompts as users and tests make them: random bytes of a model's prompt length, and the latent they stand for."""

from __future__ import annotations

import random
import secrets

from .encoding import Encoding


def random_prompt(encoding: Encoding, seed: int | None) -> bytes:
    """A prompt of uniformly random bytes (seeded, or from the OS when seed is None)."""
    if seed is None:
        return secrets.token_bytes(encoding.prompt_len)
    return random.Random(seed).randbytes(encoding.prompt_len)


def latent_of(encoding: Encoding, prompt: bytes) -> list[float]:
    """The latent a prompt stands for (raises EncodingError if the prompt does not decode)."""
    return encoding.dequantize_latent(encoding.decode_prompt(prompt))
