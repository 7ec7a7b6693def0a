"""The trait decoder's circuit (models/traits.py) on a tiny model of the showcase's design: it computes what the
PyTorch int8 model computes, every digit is a sigmoid lookup in [0, 128], and a forged packed output fails.

A 2-unit decoder keeps the circuit small (the showcase's 320 units prove in minutes: `make bench`); the graph is the
one `export_decoder_onnx` writes for every trait model: the one-hot from the prompt bytes, the table product, the
last layer, the sigmoid and the 8-bit packing.
"""

import json
from dataclasses import replace

import ezkl
import numpy as np
import pytest
import torch

from models import registry, traits_train
from models.model import AutoEncoder, export_decoder_onnx
from models.quant import set_quant, snap_weights
from models.traits import certified_range, counts
from proofs.encoding import FIELD_MODULUS, Encoding, felt_from_ezkl_hex
from proofs.model_artifacts import ModelArtifacts

pytestmark = pytest.mark.slow  # builds and mock-proves a circuit of 3,072 outputs (~1 min)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A 2-unit trait decoder with random int8 weights, exported and compiled; (model, artifacts)."""
    torch.manual_seed(3)
    cfg = replace(registry.get("nouns").model, name="tiny-traits", hidden=2)
    model = AutoEncoder(cfg)
    with torch.no_grad():
        model.decoder.bg.normal_(0, 2.0)
        model.decoder.fc2.weight.normal_(0, 0.5)
    set_quant(model.decoder, True, cfg.act_bits, cfg.weight_bits)
    snap_weights(model.decoder)
    model.eval()
    root = tmp_path_factory.mktemp("tiny")
    art = ModelArtifacts("tiny-traits", root=root / "a", cache_root=root / "c", srs_root=root / "s", progress=print)
    lo, hi = certified_range(model.decoder)
    bound = max(128, 2 ** int(np.ceil(np.log2(max(-lo, hi) + 1))))  # a multiple of 128: the prompt's range check
    circuit = replace(registry.get("nouns").circuit_for(cfg), lookup_range=(-bound, bound))
    export_decoder_onnx(model, art.onnx, circuit)
    art.fit_settings(circuit)
    art.write_meta(proven_shape=[3, 32, 32], render=2, digit_bits=8, input_len=cfg.latent_dim)
    return model, art


def _digits(witness: dict, enc: Encoding) -> list[int]:
    outputs = [felt_from_ezkl_hex(x) for x in witness["outputs"][-1]]  # after the packed prompt
    return enc.decode_aigc(b"".join(o.to_bytes(enc.bytes_per_instance, "big") for o in outputs)[: enc.aigc_len])


def test_circuit_equals_the_int8_model_within_one_digit_if_prompts_are_valid_nouns(tiny, tmp_path):
    model, art = tiny
    enc = art.encoding()
    assert (enc.digit_bits, enc.input_len, enc.output_instances) == (8, 5, 205)
    for i, seed in enumerate(np.array([[0, 0, 0, 0, 0], [1, 29, 142, 253, 22], [1, 7, 130, 128, 3]])):
        z = traits_train.latents(seed[None])
        witness = art.witness(z[0].tolist(), tmp_path / str(i))
        with torch.no_grad():
            expected = (model.decoder.art(z).flatten() * 128).round().long()
        digits = torch.tensor(_digits(witness, enc))
        assert int((digits - expected).abs().max()) <= 1  # ezkl rounds ties up, torch to even
        assert int(digits.max()) <= 128


@pytest.mark.parametrize("delta", [129, -1, 1], ids=["digit-above-128", "digit-minus-1", "off-by-one"])
def test_prover_cannot_prove_a_packed_output_the_sigmoid_digits_do_not_give(tiny, tmp_path, delta):
    """A witness whose first packed output differs from Σ d_i·256^(14−i) of the circuit's own sigmoid digits
    (the last digit of the chunk +129, −1 or +1) fails ezkl's mock prover."""
    _, art = tiny
    z = traits_train.latents(np.array([[1, 2, 3, 4, 5]]))
    witness = art.witness(z[0].tolist(), tmp_path)
    compiled = str(art.compile())
    assert ezkl.mock(str(tmp_path / "witness.json"), compiled)  # the honest witness passes
    original = felt_from_ezkl_hex(witness["outputs"][-1][0])
    witness["outputs"][-1][0] = ((original + delta) % FIELD_MODULUS).to_bytes(32, "little").hex()
    (tmp_path / "witness.json").write_text(json.dumps(witness))
    try:
        mock_ok = ezkl.mock(str(tmp_path / "witness.json"), compiled)
    except Exception:  # noqa: BLE001 - ezkl raises on unsatisfied constraints
        mock_ok = False
    assert not mock_ok


def test_one_hot_is_zero_if_an_id_is_past_its_part(tiny, tmp_path):
    """An id outside its range (which the contracts refuse) draws the part as absent: the same digits as any other
    out-of-range id, so such a prompt names no Noun and can never be minted as one."""
    model, art = tiny
    limits = counts()
    a, b = np.array([[0, 0, 0, limits[3], 0]]), np.array([[0, 0, 0, 255, 0]])
    with torch.no_grad():
        same = torch.equal(model.decoder.art(traits_train.latents(a)), model.decoder.art(traits_train.latents(b)))
    assert same
    wa = art.witness(traits_train.latents(a)[0].tolist(), tmp_path / "a")
    wb = art.witness(traits_train.latents(b)[0].tolist(), tmp_path / "b")
    assert wa["outputs"][-1] == wb["outputs"][-1]  # the image (the packed prompts differ: 254 and 255)
