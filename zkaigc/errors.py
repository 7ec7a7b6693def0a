"""Every error zkaigc raises on purpose, in one place: catch `ZkaigcError` for all of them.

The base class and the model/proof errors are defined lower in the data flow (models/, proofs/) and re-exported
here; the chain-facing ones are defined here.
"""

from models.errors import CheckpointMissingError, UnknownModelError, ZkaigcError
from models.trees.errors import CommitmentError, TreeError
from proofs.encoding import EncodingError
from proofs.errors import ArtifactsError, ProofError, SrsError

__all__ = [
    "CommitmentError",
    "TreeError",
    "DataMarketError",
    "ArtifactsError",
    "AssetsError",
    "CheckpointMissingError",
    "DeploymentError",
    "EncodingError",
    "LocalChainError",
    "ManifestError",
    "PreflightError",
    "ProofError",
    "PreviewBusyError",
    "ProverStateError",
    "SigningError",
    "SrsError",
    "TokenImageError",
    "TraitSpaceError",
    "UnknownModelError",
    "UploadError",
    "UploadTooLargeError",
    "ZkaigcError",
]


class ManifestError(ZkaigcError):
    """A deployment manifest that is missing, unreadable, or lists nothing usable."""


class DeploymentError(ZkaigcError):
    """A deployment that cannot proceed (e.g. a model with no committed artifacts)."""


class ProverStateError(ZkaigcError):
    """A prover state file that cannot be read back."""


class TokenImageError(ZkaigcError):
    """A minted token whose on-chain image is not the circuit's output for its prompt."""


class LocalChainError(ZkaigcError):
    """anvil is missing or did not start."""


class PreflightError(ZkaigcError):
    """A startup check failed: the prover cannot serve what it was asked to serve."""


class SigningError(ZkaigcError):
    """An account that cannot sign unattended (a keyfile account without its passphrase)."""


class UploadError(ZkaigcError, ValueError):
    """An uploaded file the web app cannot use: not an image, too large, or too many pixels."""


class PreviewBusyError(ZkaigcError):
    """Every preview job slot stayed busy for longer than a request may wait."""


class UploadTooLargeError(UploadError):
    """An upload of 5 MB or more, or an image with too many pixels to decode safely."""


class AssetsError(ZkaigcError):
    """A file the web app serves is missing (e.g. ethers, vendored from npm by `make setup`)."""


class DataMarketError(ZkaigcError):
    """A dataset-market call that cannot succeed: a price above the limit, a receipt that does not match."""


class TraitSpaceError(ZkaigcError, ValueError):
    """A trait table that cannot be built, or a prompt outside a collection's trait space."""
