"""End to end with the committed `micro` model: prove a fresh prompt, verify it with the generated
MicroVerifier on anvil, reject tampered prompt/aigcData/proof bytes. Fast: the micro circuit is logrows 11."""

import json
import subprocess
import sys

import pytest

from models import registry
from proofs.build import check_slots
from proofs.encoding import FIELD_MODULUS
from proofs.errors import ProofError
from proofs.model_artifacts import ModelArtifacts
from proofs.prompts import random_prompt
from proofs.proven import ProvenBatch, ProvenSample, prove_batch, prove_latent
from proofs.render import render_png


@pytest.fixture(scope="module")
def micro(tmp_path_factory):
    """The committed micro artifacts, with the pk regenerated into a private cache (checks vk reproduces)."""
    return ModelArtifacts("micro", cache_root=tmp_path_factory.mktemp("cache"), progress=lambda _: None)


@pytest.fixture(scope="module")
def fresh(micro, tmp_path_factory):
    """A proof of a new prompt (not the committed sample's)."""
    enc = micro.encoding()
    prompt = random_prompt(enc, seed=4242)
    sample = prove_latent(micro, enc.dequantize_latent(enc.decode_prompt(prompt)), tmp_path_factory.mktemp("run"))
    return prompt, sample


@pytest.fixture(scope="module")
def committed(micro):
    """The committed sample fixture the contract tests use."""
    return ProvenSample.from_json(json.loads((micro.samples / "sample-0.json").read_text()))


@pytest.fixture(scope="module")
def verifier(micro_verifier):
    """The committed, generated MicroVerifier deployed on the local chain (compiled by Ape with the project)."""
    return micro_verifier


def _accepts(verifier, proof, instances):
    """ezkl's verifier reverts on most bad proofs and returns false on others: both mean 'rejected'.

    `skip_trace`: on a revert Ape would otherwise fetch and parse the call's step trace (seconds for a verifier)."""
    try:
        return verifier.verifyProof.call(proof, instances, skip_trace=True) is True
    except Exception:  # noqa: BLE001 - a revert is a rejection
        return False


def test_prove_latent_decodes_to_requested_prompt_if_prompt_is_new(micro, fresh, committed):
    prompt, sample = fresh
    assert sample.prompt == prompt
    assert sample.prompt != committed.prompt
    assert micro.encoding().instances(sample.prompt, sample.aigc) == sample.instances


def test_verifier_accepts_fresh_proof_if_untampered(verifier, micro, fresh):
    _, sample = fresh
    assert _accepts(verifier, sample.proof, micro.encoding().instances(sample.prompt, sample.aigc))


def test_verifier_accepts_committed_sample_if_untampered(verifier, micro, committed):
    assert _accepts(verifier, committed.proof, micro.encoding().instances(committed.prompt, committed.aigc))


@pytest.mark.parametrize("index", [0, 3])
def test_verifier_rejects_proof_if_prompt_byte_is_tampered(verifier, micro, fresh, index):
    _, sample = fresh
    prompt = bytearray(sample.prompt)
    prompt[index] ^= 0x01
    assert not _accepts(verifier, sample.proof, micro.encoding().instances(bytes(prompt), sample.aigc))


@pytest.mark.parametrize("index", [0, 1, 13])
def test_verifier_rejects_proof_if_aigc_byte_is_tampered(verifier, micro, fresh, index):
    _, sample = fresh
    aigc = bytearray(sample.aigc)
    aigc[index] ^= 0x01
    assert not _accepts(verifier, sample.proof, micro.encoding().instances(sample.prompt, bytes(aigc)))


def test_verifier_rejects_proof_if_proof_byte_is_flipped(verifier, micro, fresh):
    _, sample = fresh
    proof = bytearray(sample.proof)
    proof[64] ^= 0x01
    assert not _accepts(verifier, bytes(proof), micro.encoding().instances(sample.prompt, sample.aigc))


def test_verifier_rejects_other_prompts_proof_if_instances_are_swapped(verifier, fresh, committed):
    _, sample = fresh
    assert not _accepts(verifier, committed.proof, sample.instances)


def test_verifier_rejects_instance_if_shifted_by_field_modulus_neighbour(verifier, fresh):
    _, sample = fresh
    instances = list(sample.instances)
    instances[-1] = (instances[-1] - 1) % FIELD_MODULUS
    assert not _accepts(verifier, sample.proof, instances)


def test_committed_verifier_is_generated_if_regenerated_from_committed_vk(micro, tmp_path):
    regen = ModelArtifacts("micro", cache_root=micro.cache_root, verifiers_root=tmp_path, progress=lambda _: None)
    assert regen.create_evm_verifier().read_text() == micro.verifier_sol.read_text()


def test_render_png_writes_image_of_output_shape_if_given_aigc(micro, fresh, tmp_path):
    from PIL import Image

    _, sample = fresh
    img = Image.open(render_png(micro, sample.aigc, tmp_path / "x.png", min_side=4))
    assert img.size == (4, 4) and img.mode == "RGB"


def test_fitting_logrows_covers_rows_and_range_table_if_rows_dominate_or_table_does():
    from proofs.stages import fitting_logrows

    def settings(rows, base):
        return {
            "num_rows": rows,
            "required_lookups": [],
            "run_args": {"lookup_range": [-128, 128], "decomp_base": base},
        }

    assert fitting_logrows(settings(836, 128)) == 10  # 836 + reserved rows fit 2^10
    assert fitting_logrows(settings(1020, 128)) == 11  # no room left for the reserved rows
    assert fitting_logrows(settings(100, 16384)) == 15  # the range-check table needs 16384 rows


def test_committed_settings_use_fitting_logrows_if_built_by_cli(micro):
    from proofs.stages import fitting_logrows

    assert micro.logrows == fitting_logrows(micro.load_settings())
    assert micro.read_meta()["srs"]["kind"] == "dev"


def test_normalize_settings_gives_one_form_if_ezkl_lists_range_checks_in_either_order():
    from proofs.model_artifacts import normalize_settings

    a = {"required_range_checks": [[0, 16383], [-1, 1]], "required_lookups": [], "timestamp": 1795306836137}
    b = {"required_range_checks": [[-1, 1], [0, 16383]], "required_lookups": [], "timestamp": 1795316522356}
    assert normalize_settings(a) == normalize_settings(b)
    assert normalize_settings(a)["timestamp"] == 0
    assert a["required_range_checks"] == [[0, 16383], [-1, 1]]  # the input is not changed


def test_gen_settings_writes_identical_bytes_if_run_repeatedly(tmp_path):
    # ezkl orders the range-check list by hash-map order: unnormalized, about half of the runs differ.
    config = registry.get("pixel32")
    outputs = set()
    for i in range(4):
        art = ModelArtifacts("pixel32", root=tmp_path / str(i))
        art.dir.mkdir(parents=True)
        art.onnx.write_bytes(ModelArtifacts("pixel32").onnx.read_bytes())
        art.gen_settings(config.circuit_for(config.model))
        outputs.add(art.settings.read_bytes())
    assert len(outputs) == 1


def test_model_hash_differs_if_models_share_a_circuit_but_render_differently():
    pixel32, pixel64 = ModelArtifacts("pixel32"), ModelArtifacts("pixel64")
    assert pixel32.vk.read_bytes() == pixel64.vk.read_bytes()  # one circuit
    assert pixel32.render_factor() != pixel64.render_factor()
    assert pixel32.model_hash() != pixel64.model_hash()


def run_proofs_cli(*args: str) -> subprocess.CompletedProcess:
    """`python -m proofs ARGS` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "proofs", *args], capture_output=True, text=True, timeout=120)


def test_proofs_cli_prove_exits_with_one_line_if_prompt_length_is_wrong():
    done = run_proofs_cli("prove", "micro", "--prompt", "0x0102")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "python -m proofs prove: prompt must be 4 bytes, got 2"
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_proofs_cli_rejects_argument_if_prompt_is_not_hex():
    done = run_proofs_cli("prove", "micro", "--prompt", "0xzz")
    assert done.returncode == 2
    assert "not hex: '0xzz'" in done.stderr and "Traceback" not in done.stderr


def test_commit_dev_srs_writes_the_generated_srs_into_the_committed_folder_if_none_is_there(tmp_path):
    from proofs.srs import commit_dev_srs, dev_srs, dev_srs_parts

    root = tmp_path / "srs"
    generated = dev_srs(6, progress=lambda _: None, root=root)  # generated outside the committed folder
    assert dev_srs_parts(6, root) == [] and generated.exists()
    parts = commit_dev_srs(6, root=root)
    assert parts == [root / "dev-k6.srs"] and parts[0].read_bytes() == generated.read_bytes()
    assert commit_dev_srs(6, root=root) == parts  # idempotent


def _le_hex(value: int) -> str:
    return value.to_bytes(32, "little").hex()


def _mock_accepts(art, workdir, witness: dict) -> bool:
    """Whether ezkl's mock prover accepts `witness` (every constraint and lookup satisfied)."""
    import ezkl

    path = workdir / "witness.json"
    path.write_text(json.dumps(witness))
    try:
        return bool(ezkl.mock(str(path), str(art.compile())))
    except Exception:  # noqa: BLE001 - ezkl raises on unsatisfied constraints
        return False


def _proof_verifies(art, workdir) -> bool:
    """Whether a proof of the witness in `workdir` is made and verifies."""
    try:
        art.prove(workdir)
        return bool(art.verify(workdir / "proof.json"))
    except Exception:  # noqa: BLE001 - a prover that refuses is a rejection too
        return False


@pytest.mark.parametrize("delta", [128, -1, 1], ids=["digit-plus-128", "digit-minus-1", "off-by-one"])
def test_prover_cannot_prove_a_packed_output_the_sigmoid_digits_do_not_give(micro, tmp_path, delta):
    """Soundness of the packing: a witness whose last packed output differs from Σ d_i·256^(14−i) of the circuit's
    own sigmoid digits (here: its digit +128 — above 128 unless it was 0 —, −1 — a negative digit when it was 0 —,
    or +1) fails ezkl's mock prover, and no proof of it verifies."""
    import ezkl

    enc = micro.encoding()
    workdir = tmp_path / "run"
    witness = micro.witness(enc.dequantize_latent(enc.decode_prompt(random_prompt(enc, seed=7))), workdir)
    assert ezkl.mock(str(workdir / "witness.json"), str(micro.compile()))  # the honest witness passes
    image = witness["outputs"][-1]  # [packed prompt], then the image's packed elements
    image[-1] = _le_hex((int.from_bytes(bytes.fromhex(image[-1]), "little") + delta) % FIELD_MODULUS)
    assert not _mock_accepts(micro, workdir, witness)
    assert not _proof_verifies(micro, workdir)


@pytest.mark.parametrize(
    "latent",
    [[6, -253, 0, 0], [-129, 0, 0, 0], [128, 0, 0, 0]],
    ids=["same-packed-prompt-as-5-3-0-0", "byte-below-int8", "byte-above-int8"],
)
def test_prover_cannot_prove_a_latent_outside_int8_if_its_packed_prompt_names_another(micro, tmp_path, latent):
    """Soundness of the packed prompt: the circuit range-checks every latent value to int8. Without it the latent
    (6, −253, 0, 0) would pack to the same element as the prompt (5, 3, 0, 0) — 6·256³ + (−253 + 128)·256² …
    = 5·256³ + (3 + 128)·256² … — and an image of another latent would verify for that prompt."""
    enc = micro.encoding()
    n = enc.input_len
    packed = latent[0] * 256 ** (n - 1) + sum((q + 128) * 256 ** (n - 1 - i) for i, q in enumerate(latent) if i)
    if latent == [6, -253, 0, 0]:
        assert enc.prompt_elements(enc.encode_prompt([5, 3, 0, 0])) == [packed]  # the collision it would be
    workdir = tmp_path / "run"
    # ezkl computes the witness (the lookups' values are functions, defined off the table too) ...
    witness = micro.witness([q / 2**enc.input_scale for q in latent], workdir)
    assert witness["outputs"][0] == [_le_hex(packed % FIELD_MODULUS)]
    # ... but the range checks' lookups fall below the table, so the constraints fail. (A proof is not attempted:
    # ezkl 23's prover hangs on a witness whose lookup has no table row.)
    assert not _mock_accepts(micro, workdir, witness)


# --- batch circuits: one proof for N prompts ------------------------------------------------------------------
@pytest.fixture(scope="module")
def micro_batch(micro):
    """The committed batch-4 circuit of micro, pk regenerated into the same private cache."""
    return micro.batch_circuit(4)


@pytest.fixture(scope="module")
def fresh_batch(micro_batch, tmp_path_factory):
    """A batch proof of 4 new prompts (not the committed sample's)."""
    enc = micro_batch.encoding()
    prompts = [random_prompt(enc, seed=7000 + i) for i in range(micro_batch.batch)]
    latents = [enc.dequantize_latent(enc.decode_prompt(p)) for p in prompts]
    return prompts, prove_batch(micro_batch, latents, tmp_path_factory.mktemp("batch"))


@pytest.mark.slow  # proves a fresh batch (fresh_batch)
def test_prove_batch_slots_equal_single_circuit_outputs_if_prompts_are_new(micro_batch, fresh_batch):
    prompts, batch = fresh_batch
    assert batch.prompts == prompts
    check_slots(micro_batch, batch)  # raises on any slot that differs from the single circuit's witness
    assert len(set(batch.aigcs)) > 1  # distinct prompts, distinct images: the check compared real outputs


@pytest.mark.slow  # proves a fresh batch (fresh_batch)
def test_check_slots_raises_if_two_slots_are_swapped(micro_batch, fresh_batch):
    _, batch = fresh_batch
    swapped = ProvenBatch(batch.prompts, [batch.aigcs[1], batch.aigcs[0], *batch.aigcs[2:]], batch.proof, [])
    with pytest.raises(ProofError, match="slot 0"):
        check_slots(micro_batch, swapped)


@pytest.mark.slow  # proves a fresh batch (fresh_batch)
def test_batch_instances_are_every_slots_prompt_then_every_slots_chunks(micro_batch, fresh_batch):
    _, batch = fresh_batch
    enc = micro_batch.encoding()
    assert enc.aigc_len % enc.bytes_per_instance != 0  # micro's 16 bytes: each slot ends in a partial chunk
    assert enc.batch_instances(list(zip(batch.prompts, batch.aigcs, strict=True))) == batch.instances
    m = enc.output_instances
    for i, (prompt, aigc) in enumerate(zip(batch.prompts, batch.aigcs, strict=True)):
        assert enc.instances(prompt, aigc) == [batch.instances[i], *batch.instances[4 + i * m : 4 + (i + 1) * m]]
    assert enc.split_batch_instances(batch.instances, 4) == list(zip(batch.prompts, batch.aigcs, strict=True))


@pytest.mark.slow  # proves a fresh batch (fresh_batch)
def test_batch_verifier_accepts_batch_proof_and_single_verifier_rejects_it(
    micro, micro_batch, fresh_batch, verifier, deployer, project
):
    _, batch = fresh_batch
    batch_verifier = getattr(project, micro_batch.contract_name).deploy(sender=deployer)  # the committed source
    assert _accepts(batch_verifier, batch.proof, batch.instances)
    assert not _accepts(verifier, batch.proof, batch.instances)
    assert not _accepts(verifier, batch.proof, batch.instances[:4] + batch.instances[16:17])


def test_committed_batch_verifier_is_generated_if_regenerated_from_committed_vk(micro_batch, tmp_path):
    regen = ModelArtifacts(
        "micro", cache_root=micro_batch.cache_root, verifiers_root=tmp_path, progress=lambda _: None, batch=4
    )
    assert regen.create_evm_verifier().read_text() == micro_batch.verifier_sol.read_text()
    assert micro_batch.contract_name == "MicroBatch4Verifier"


def test_model_hash_covers_batch_circuit_if_model_has_batch_sizes(micro, tmp_path):
    import shutil

    copy = tmp_path / "artifacts"
    shutil.copytree(micro.dir, copy / "micro")
    art = ModelArtifacts("micro", root=copy)
    committed = json.loads(micro.meta.read_text())["model_hash"]
    assert art.model_hash() == committed
    assert art.model_hash(batch_sizes=()) != committed  # the single circuit alone is another commitment
    vk = art.batch_circuit(4).vk
    vk.write_bytes(vk.read_bytes()[:-1] + bytes([vk.read_bytes()[-1] ^ 1]))
    assert art.model_hash() != committed
