"""Decision trees as proven models: the feature schema, the complete-tree circuit, training, the template type.

A vendor trains a tree on private data; the proof pipeline (`proofs.trees`) proves how many rows of a customer's
test set it classifies correctly. This package is the model side only: it never calls ezkl. The committed
templates are entries of the one registry (`models.registry`: `get(name, TreeTemplate)`, `names(TreeTemplate)`).
"""

from .circuit import TreeParams, random_salt
from .errors import CommitmentError, TreeError, UnknownTemplateError
from .schema import FeatureSchema
from .templates import TreeTemplate
from .testset import TestSet, label_salt, salt_values
from .train import DATASETS, load_dataset, split, train_tree

__all__ = [
    "DATASETS",
    "CommitmentError",
    "FeatureSchema",
    "TreeError",
    "TreeParams",
    "TreeTemplate",
    "TestSet",
    "UnknownTemplateError",
    "label_salt",
    "load_dataset",
    "random_salt",
    "salt_values",
    "split",
    "train_tree",
]
