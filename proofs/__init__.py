"""zkaigc proofs: the ezkl pipeline, artifacts per model, SRS handling and the prompt/aigcData encoding."""

from models.circuit import CircuitConfig

from .encoding import FIELD_MODULUS, Encoding, EncodingError
from .errors import ArtifactsError, ProofError, SrsError
from .model_artifacts import ModelArtifacts, artifacts_of, committed_models
from .proven import ProvenSample, prove_latent

__all__ = [
    "FIELD_MODULUS",
    "ArtifactsError",
    "CircuitConfig",
    "Encoding",
    "EncodingError",
    "ModelArtifacts",
    "ProofError",
    "ProvenSample",
    "SrsError",
    "artifacts_of",
    "committed_models",
    "prove_latent",
]
