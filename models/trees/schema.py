"""A dataset's fixed-point feature schema: how raw features become the exact values the tree circuit compares.

The vendor publishes the schema with a listing (per-feature centre and spread, from its private training data);
the customer applies it to their own test set before hashing it. Every feature becomes a multiple of
1/2^`frac_bits` clipped to [-`clip`, `clip` - 1/2^frac_bits], so that the circuit, at input and param scale
`frac_bits`, compares exactly: a threshold snapped down to the same grid splits the rows as scikit-learn did.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .errors import TreeError

#: Fractional bits of the grid (ezkl input and param scale): features sit on multiples of 1/16.
FRAC_BITS = 4
#: Standardised features are clipped to [-CLIP, CLIP - 1/16]: keeps every comparison inside the range checks.
CLIP = 8.0


class FeatureSchema(BaseModel):
    """Per-feature centre and spread; `quantize` maps raw rows to the circuit's grid."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    centre: list[float] = Field(min_length=1)
    spread: list[float] = Field(min_length=1)
    frac_bits: int = FRAC_BITS
    clip: float = CLIP

    @classmethod
    def fit(cls, features: np.ndarray) -> FeatureSchema:
        """The schema of a training set: centre = mean, spread = standard deviation (never zero)."""
        features = np.asarray(features, dtype=np.float64)
        return cls(centre=features.mean(0).tolist(), spread=(features.std(0) + 1e-9).tolist())

    @property
    def features(self) -> int:
        return len(self.centre)

    @property
    def step(self) -> float:
        return 1.0 / 2**self.frac_bits

    def quantize(self, features: np.ndarray) -> np.ndarray:
        """Raw rows (n, F) -> standardised values on the grid, clipped; a clear error for the wrong width."""
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2 or features.shape[1] != self.features:
            raise TreeError(f"expected rows of {self.features} features, got shape {features.shape}")
        z = (features - np.asarray(self.centre)) / np.asarray(self.spread)
        return np.clip(np.round(z / self.step) * self.step, -self.clip, self.clip - self.step)

    def snap_threshold(self, threshold: float) -> float:
        """A split threshold moved down onto the grid: for grid values x, x <= t iff x <= snap(t)."""
        return float(np.floor(threshold / self.step) * self.step)
