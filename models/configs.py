"""The named model configs: `micro` (contract tests), `pixel32` (showcase), `pixel64` (the grant's 64×64)."""

from __future__ import annotations

from .model import ModelConfig

CONFIGS: dict[str, ModelConfig] = {
    # 4 latent bytes -> a 4×4 grayscale digit: the smallest real model, proven in about a second.
    "micro": ModelConfig(name="micro", dataset="digits", image_size=4, channels=1, latent_dim=4, kind="mlp",
                         hidden=16, render=1, steps=3000, batch_size=128, lr=1e-2, sw_weight=0.5),
    # The showcase: 16 latent bytes -> 32×32 RGB noun (16×16 art grid, nearest ×2).
    "pixel32": ModelConfig(name="pixel32", dataset="pixelart", image_size=32, channels=3, latent_dim=16,
                           kind="mlp", hidden=64, render=2, steps=6000, lr=3e-3),
    # The grant's 64×64 bitmap: the same art grid, nearest ×4.
    "pixel64": ModelConfig(name="pixel64", dataset="pixelart", image_size=64, channels=3, latent_dim=16,
                           kind="mlp", hidden=64, render=4, steps=6000, lr=3e-3),
    # Design-space reference: an upsample+conv decoder of similar quality ambitions (costs ~5× the rows).
    "pixel32conv": ModelConfig(name="pixel32conv", dataset="pixelart", image_size=32, channels=3, latent_dim=16,
                               kind="conv", base=4, widths=(16, 8, 8), render=2, steps=3000),
}


def get(name: str) -> ModelConfig:
    """A fresh copy of a named config."""
    if name not in CONFIGS:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(CONFIGS)}")
    from dataclasses import replace

    return replace(CONFIGS[name])
