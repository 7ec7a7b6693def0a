"""Errors of the decision-tree circuits, under the project's base `ZkaigcError`."""

from models.errors import UnknownModelError, ZkaigcError


class TreeError(ZkaigcError):
    """A tree, test set or feature schema that does not fit a template (wrong shape, class or grid)."""


class CommitmentError(TreeError):
    """A delivered tree that does not open the model commitment a proof bound."""


class UnknownTemplateError(UnknownModelError, TreeError):
    """A name that the registry does not describe as a tree template."""

    what = "tree template"
