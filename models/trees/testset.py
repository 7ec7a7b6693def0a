"""A customer's test set as the tree circuit takes it: rows on the grid, padded to a template's capacity, salted.

The circuit's label input is `[labels (N) | mask (N) | salt (S')]`: N is the template's capacity, the mask is 1
for the customer's n real rows and 0 for the padding rows after them (which count for nothing), and the salt is
random grid values that enter only the labels' hash. Labels are low-entropy (n rows of a few classes), so without
the salt anyone holding a guess of the test set could confirm it against the public hash.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import numpy as np

from .circuit import PAD, SALT_BITS
from .errors import TreeError
from .schema import FRAC_BITS
from .templates import TreeTemplate


def label_salt(values: int) -> list[float]:
    """Fresh label-salt values from the OS's CSPRNG, on the 1/16 grid (SALT_BITS bits each)."""
    return [PAD + secrets.randbelow(2**SALT_BITS) / 16 for _ in range(values)]


@dataclass(frozen=True)
class TestSet:
    """n rows already on the schema's grid, their integer labels and the customer's label salt."""

    __test__ = False  # not a pytest class

    xq: np.ndarray  # (n, F)
    labels: np.ndarray  # (n,)
    salt: tuple[float, ...]

    @property
    def rows(self) -> int:
        return len(self.labels)

    def check(self, template: TreeTemplate) -> None:
        """A clear error unless the rows fit the template: 1..N rows of F grid features, labels it can classify."""
        xq, labels = np.asarray(self.xq, dtype=np.float64), np.asarray(self.labels)
        n = len(labels)
        if xq.ndim != 2 or xq.shape != (n, template.features) or labels.ndim != 1:
            raise TreeError(
                f"{template.name} takes rows of {template.features} features; got features {xq.shape}, "
                f"labels {labels.shape}"
            )
        if not 1 <= n <= template.rows:
            raise TreeError(f"{template.name} proves test sets of 1 to {template.rows} rows; got {n}")
        if not np.array_equal(np.round(xq * 2**FRAC_BITS), xq * 2**FRAC_BITS):
            raise TreeError("test features are not on the schema's 1/16 grid: quantize them with the FeatureSchema")
        if not np.all((labels >= 0) & (labels < template.classes) & (labels == np.round(labels))):
            raise TreeError(f"labels must be classes 0..{template.classes - 1}")
        if len(self.salt) != template.label_salt:
            raise TreeError(f"{template.name} takes {template.label_salt} label-salt values; got {len(self.salt)}")

    def inputs(self, template: TreeTemplate) -> tuple[np.ndarray, np.ndarray]:
        """The circuit's (x (N, F), y (2N + S')): the rows padded with zero rows, the mask, the salt."""
        self.check(template)
        n, cap = self.rows, template.rows
        x = np.zeros((cap, template.features))
        x[:n] = self.xq
        labels, mask = np.zeros(cap), np.zeros(cap)
        labels[:n], mask[:n] = self.labels, 1.0
        return x, np.concatenate([labels, mask, np.asarray(self.salt, dtype=np.float64)])
