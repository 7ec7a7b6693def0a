"""Errors of the proof pipeline, under the project's base `ZkaigcError` (models/errors.py)."""

from models.errors import ZkaigcError


class ArtifactsError(ZkaigcError):
    """A model's committed artifacts are missing or disagree with each other (rebuild with `python -m proofs build`)."""


class SrsError(ArtifactsError):
    """No usable SRS: a development SRS that is not committed, or a ceremony SRS that cannot be downloaded."""


class ProofError(ZkaigcError):
    """ezkl failed, rejected its own proof, or a proof's public instances do not round-trip the encoding."""
