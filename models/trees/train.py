"""The vendor's side of a tree: scikit-learn's bundled datasets, a reproducible split, training on the grid.

Besides scikit-learn's bundled datasets (none has both 1,000+ rows and 13+ features), `synth13` is a fixed
synthetic one for the buyer-scale templates: `make_classification` with seed 0, 6,000 rows, 13 features (8 of them
informative), 4 classes. No download either way.
"""

from __future__ import annotations

import numpy as np

from .circuit import TreeParams, from_sklearn
from .errors import TreeError
from .schema import FeatureSchema

#: scikit-learn's bundled datasets (no download) and the fixed synthetic one: the ones a demo listing may use.
DATASETS = ("iris", "wine", "breast_cancer", "digits", "synth13")


def load_dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(features, integer labels) of a bundled scikit-learn dataset."""
    from sklearn import datasets

    if name not in DATASETS:
        raise TreeError(f"unknown dataset {name!r}; bundled: {', '.join(DATASETS)}")
    if name == "synth13":
        features, labels = datasets.make_classification(
            n_samples=6000, n_features=13, n_informative=8, n_classes=4, random_state=0
        )
        return features.astype(np.float64), labels.astype(np.int64)
    features, labels = getattr(datasets, f"load_{name}")(return_X_y=True)
    return features.astype(np.float64), labels.astype(np.int64)


def split(
    features: np.ndarray, labels: np.ndarray, test_rows: int, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A stratified split: (vendor's private training rows, a customer's test set of exactly `test_rows`)."""
    from sklearn.model_selection import train_test_split

    if not 0 < test_rows < len(labels):
        raise TreeError(f"cannot hold out {test_rows} of {len(labels)} rows")
    xtr, xte, ytr, yte = train_test_split(features, labels, test_size=test_rows, random_state=seed, stratify=labels)
    return (xtr, ytr), (xte, yte)


def train_tree(
    schema: FeatureSchema,
    features: np.ndarray,
    labels: np.ndarray,
    depth: int,
    salt: list[float],
    seed: int = 0,
    **hyper,
) -> TreeParams:
    """A `DecisionTreeClassifier(max_depth=depth, **hyper)` trained on the schema's grid, as a complete tree."""
    from sklearn.tree import DecisionTreeClassifier

    xq = schema.quantize(features)
    clf = DecisionTreeClassifier(max_depth=depth, random_state=seed, **hyper).fit(xq, labels)
    return from_sklearn(clf, schema, depth, salt)
