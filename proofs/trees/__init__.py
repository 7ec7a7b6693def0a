"""Decision trees as proven circuits: the feature schema, the complete-tree encoding, templates per shape.

A vendor trains a tree on private data and proves how many rows of a customer's test set it classifies
correctly; the customer checks the proof on-chain and opens the delivered tree against its commitment.
"""

from .circuit import TreeParams, random_salt
from .errors import CommitmentError, TreeError
from .schema import FeatureSchema
from .template import (
    TEMPLATES,
    Opening,
    TreeProof,
    TreeTemplate,
    build,
    get_template,
    open_tree,
    prove,
    test_set_hashes,
)
from .train import DATASETS, load_dataset, split, train_tree

__all__ = [
    "DATASETS",
    "TEMPLATES",
    "CommitmentError",
    "FeatureSchema",
    "Opening",
    "TreeError",
    "TreeParams",
    "TreeProof",
    "TreeTemplate",
    "build",
    "get_template",
    "load_dataset",
    "open_tree",
    "prove",
    "random_salt",
    "split",
    "test_set_hashes",
    "train_tree",
]
