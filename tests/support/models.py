"""`ProvenModel`: a committed model as the tests see it (encoding, model hash, verifier name, proven sample)."""

from __future__ import annotations

import json

from proofs.build import prove_prompt
from proofs.model_artifacts import ModelArtifacts
from proofs.proven import ProvenSample

#: The fields of the contracts' `ModelEncoding` struct, in order (`ModelArtifacts.encoding_struct`).
ENCODING_FIELDS = (
    "inputLen",
    "outputLen",
    "inputScale",
    "outputScale",
    "width",
    "height",
    "channels",
    "render",
    "digitBits",
)


class ProvenModel:
    """A model with committed artifacts: its encoding, model hash, verifier contract name and samples."""

    def __init__(self, name: str):
        self.name = name
        self.art = ModelArtifacts(name)
        self.enc = self.art.encoding()
        self.model_hash = self.art.model_hash()
        self.contract_name = self.art.contract_name
        self.channels, self.height, self.width = self.art.output_shape()  # the proven grid
        self.render = self.art.render_factor()  # the renderer's nearest upsample
        self.sample = ProvenSample.from_json(json.loads((self.art.samples / "sample-0.json").read_text()))
        self.sample_png = self.art.samples / "sample-0.png"

    @property
    def encoding_tuple(self) -> tuple:
        """The `ModelEncoding` struct: (inputLen, outputLen, inputScale, outputScale, width, height, channels,
        render)."""
        return self.art.encoding_struct()

    def prove(self, prompt: bytes, workdir) -> ProvenSample:
        """A fresh proof of `prompt` with the committed model (ezkl, off-chain)."""
        sample, _ = prove_prompt(self.art, prompt, workdir)
        return sample
