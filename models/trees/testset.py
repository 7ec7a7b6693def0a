"""A customer's test set as the tree circuit takes it: rows on the grid, cut into a template's chunks, salted.

A template proves chunks of N rows (its `rows`); a test set of n real rows (n up to the capacity, chunks x N) is
cut into ceil(n / N) chunks in order, the last one padded with zero rows. Each chunk's label input is
`[labels (N) | mask (N) | salt (S')]`: the mask is 1 for the real rows and 0 for the padding rows (which count for
nothing), and the salt is random grid values that enter only that chunk's labels hash. Labels are low-entropy (n
rows of a few classes), so without the salt anyone holding a guess of the test set could confirm it against the
public hash; each chunk has its own S' salt values, so two chunks with equal labels do not show it.
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
        if not 1 <= n <= template.capacity:
            raise TreeError(f"{template.name} proves test sets of 1 to {template.capacity} rows; got {n}")
        if not np.array_equal(np.round(xq * 2**FRAC_BITS), xq * 2**FRAC_BITS):
            raise TreeError("test features are not on the schema's 1/16 grid: quantize them with the FeatureSchema")
        if not np.all((labels >= 0) & (labels < template.classes) & (labels == np.round(labels))):
            raise TreeError(f"labels must be classes 0..{template.classes - 1}")
        salts = salt_values(template)
        if len(self.salt) != salts:
            raise TreeError(f"{template.name} takes {salts} label-salt values; got {len(self.salt)}")

    def chunks(self, template: TreeTemplate) -> int:
        """How many chunk proofs this test set needs under `template`."""
        self.check(template)
        return template.chunks_for(self.rows)

    def inputs(self, template: TreeTemplate, chunk: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Chunk `chunk`'s circuit inputs (x (N, F), y (2N + S')): its rows padded with zero rows, the mask, the
        chunk's salt."""
        if not 0 <= chunk < self.chunks(template):
            raise TreeError(f"a test set of {self.rows} rows has {self.chunks(template)} chunks; no chunk {chunk}")
        cap, s = template.rows, template.label_salt
        rows = slice(chunk * cap, (chunk + 1) * cap)
        xq, labels = np.asarray(self.xq)[rows], np.asarray(self.labels)[rows]
        n = len(labels)
        x = np.zeros((cap, template.features))
        x[:n] = xq
        y_labels, mask = np.zeros(cap), np.zeros(cap)
        y_labels[:n], mask[:n] = labels, 1.0
        salt = np.asarray(self.salt[chunk * s : (chunk + 1) * s], dtype=np.float64)
        return x, np.concatenate([y_labels, mask, salt])

    def chunk_inputs(self, template: TreeTemplate) -> list[tuple[np.ndarray, np.ndarray]]:
        """Every chunk's circuit inputs, in order."""
        return [self.inputs(template, i) for i in range(self.chunks(template))]


def salt_values(template: TreeTemplate) -> int:
    """Label-salt values a test set carries for `template`: S' per chunk of its capacity."""
    return template.label_salt * template.chunks
