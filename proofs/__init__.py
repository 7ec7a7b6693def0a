"""zkaigc proofs: the ezkl pipeline, artifacts per model, and the prompt/aigcData calldata encoding."""

from .encoding import FIELD_MODULUS, Encoding, EncodingError
from .pipeline import CircuitConfig, ModelArtifacts, ProvenSample, prove_latent

__all__ = ["FIELD_MODULUS", "CircuitConfig", "Encoding", "EncodingError", "ModelArtifacts", "ProvenSample",
           "prove_latent"]
