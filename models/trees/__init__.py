"""Decision trees as proven models: the feature schema, the complete-tree circuit, training, the templates.

A vendor trains a tree on private data; the proof pipeline (`proofs.trees`) proves how many rows of a customer's
test set it classifies correctly. This package is the model side only: it never calls ezkl.
"""

from .circuit import TreeParams, random_salt
from .errors import CommitmentError, TreeError
from .schema import FeatureSchema
from .templates import TEMPLATES, TreeTemplate, get_template
from .testset import TestSet, label_salt, salt_values
from .train import DATASETS, load_dataset, split, train_tree

__all__ = [
    "DATASETS",
    "TEMPLATES",
    "CommitmentError",
    "FeatureSchema",
    "TreeError",
    "TreeParams",
    "TreeTemplate",
    "TestSet",
    "get_template",
    "label_salt",
    "load_dataset",
    "random_salt",
    "salt_values",
    "split",
    "train_tree",
]
