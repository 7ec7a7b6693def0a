"""ezkl end to end on a tiny ONNX model, verified on anvil by the generated Halo2 verifier.

This proves both compiler registrations work offline: ezkl's `create_evm_verifier` finds solc through svm
(~/.svm/0.8.20), and Ape compiles the generated verifier through py-solc-x (~/.solcx).
"""

import pytest
import torch

from models.circuit import CircuitConfig
from proofs.encoding import FIELD_MODULUS
from proofs.proven import prove_latent


class Tiny(torch.nn.Module):
    """latent (1, 4) -> 4 digits clamp(linear, 0, 127/32) -> packed into one element (1, 1), as the project's
    models are (docs/encoding.md; the output scale is 5 here)."""

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 4)
        self.register_buffer("weights", torch.tensor([128.0 ** (15 - i) for i in range(16)]))

    def forward(self, x):
        y = self.fc(x)
        y = torch.relu(y) - torch.relu(y - 127 / 32)
        digits = torch.cat([y, torch.zeros(1, 12)], dim=1)  # zero digits pad the element to 16
        return torch.matmul(digits, self.weights).reshape(1, 1)


@pytest.fixture(scope="module")
def tiny(scratch_model, tmp_path_factory):
    """A freshly proven tiny model: artifacts, a sample and its generated verifier source."""
    torch.manual_seed(7)
    art = scratch_model(
        "tiny",
        Tiny(),
        CircuitConfig(
            input_scale=5,
            param_scale=5,
            decomp_base=128,
            decomp_legs=4,
            lookup_range=(-128, 128),
            logrows=8,
            ignore_range_check_inputs_outputs=True,
            rebase_frac_zero_constants=True,
        ),
    )
    art.write_meta(proven_shape=[1, 1, 4], render=1)
    sample = prove_latent(art, [0.5, -1.25, 0.75, 2.0], tmp_path_factory.mktemp("tiny-run"))
    source = art.create_evm_verifier().read_text()
    return art, sample, source


def test_pipeline_proof_round_trips_through_encoding(tiny):
    art, sample, _ = tiny
    enc = art.encoding()
    assert enc.decode_prompt(sample.prompt) == [16, -40, 24, 64]  # latent * 2**5
    assert enc.instances(sample.prompt, sample.aigc) == sample.instances
    assert sample.instances[1] == FIELD_MODULUS - 40  # negatives are r - |q|
    assert art.read_meta()["srs"]["kind"] == "dev"


def test_generated_verifier_has_unique_name_and_pinned_pragma(tiny):
    _, _, source = tiny
    assert "contract TinyVerifier" in source
    assert "contract Halo2Verifier" not in source
    assert "pragma solidity 0.8.20;" in source


def test_verify_proof_accepts_real_proof_and_rejects_tampered_on_anvil(tiny, deployer, compile_solidity):
    _, sample, source = tiny
    container = compile_solidity(source, "TinyVerifier")
    verifier = container.deploy(sender=deployer)
    assert verifier.verifyProof.call(sample.proof, sample.instances) is True

    wrong_output = list(sample.instances)
    wrong_output[-1] = (wrong_output[-1] + 1) % FIELD_MODULUS
    assert _accepts(verifier, sample.proof, wrong_output) is False

    flipped = bytearray(sample.proof)
    flipped[100] ^= 0x01
    assert _accepts(verifier, bytes(flipped), sample.instances) is False


def _accepts(verifier, proof, instances):
    """ezkl's verifier reverts on most bad proofs and returns false on others: both mean 'rejected'.

    `skip_trace`: on a revert Ape would otherwise fetch and parse the call's step trace (seconds for a verifier)."""
    try:
        return verifier.verifyProof.call(proof, instances, skip_trace=True)
    except Exception:  # noqa: BLE001 - a revert is a rejection
        return False
