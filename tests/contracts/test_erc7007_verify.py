"""ERC-7007 verify(): instances rebuilt from bytes, the real ezkl verifier, and every way a proof can fail."""

import ape
import pytest
from eth_utils import keccak

from proofs.encoding import FIELD_MODULUS
from support.helpers import EXHAUSTING_MODES, FAULT_MODES, MODES, flip


def test_verify_returns_true_if_proof_is_the_pipelines_real_proof(micro_collection, micro):
    s = micro.sample
    assert micro_collection.verify(s.prompt, s.aigc, s.proof) is True


def test_verify_returns_true_if_proof_is_freshly_proven(micro_collection, micro_fresh):
    s = micro_fresh
    assert micro_collection.verify(s.prompt, s.aigc, s.proof) is True


def test_public_instances_equal_python_encoding_and_proof_instances(micro_collection, micro, micro_fresh):
    for s in (micro.sample, micro_fresh):
        on_chain = list(micro_collection.publicInstances(s.prompt, s.aigc))
        assert on_chain == micro.enc.instances(s.prompt, s.aigc) == s.instances


def test_public_instances_pack_the_prompt_and_map_14_byte_chunks_into_the_field(project, deployer):
    harness = project.LibrariesHarness.deploy(sender=deployer)
    prompt = bytes([0x00, 0x01, 0x7F, 0x80, 0x81, 0xFF])  # int8 0, 1, 127, -128, -127, -1
    aigc = bytes(range(1, 15)) + b"\xff" * 14 + b"\xab\xcd"  # two full chunks, then a 2-byte partial one
    # q_0·256^5 + Σ (q_i + 128)·256^(5−i): the circuit's packed prompt (models/prompt.py).
    packed = 0 * 256**5 + 129 * 256**4 + 255 * 256**3 + 0 * 256**2 + 1 * 256 + 127
    expected = [
        packed,
        int.from_bytes(bytes(range(1, 15)), "big"),
        2**112 - 1,
        0xABCD << 96,  # zero-extended on the right: the bytes past aigcData are padding digits, proven zero
    ]
    # 34 digits of 7 bits take 30 bytes.
    assert list(harness.instances(prompt, aigc, 6, 34)) == expected
    assert all(0 <= v < 2**112 for v in expected[1:])
    # A negative packed prompt is r − |p|: 0x80 0x00 is −128·256 + (0 + 128).
    assert list(harness.instances(b"\x80\x00", aigc, 2, 34))[0] == FIELD_MODULUS - 32_640


def test_public_instances_mask_calldata_after_a_partial_last_chunk(project, deployer, chain):
    """The bytes after aigcData in calldata (its ABI padding, here forged to 0xff) never reach an instance."""
    from eth_abi import decode, encode
    from eth_utils import keccak

    harness = project.LibrariesHarness.deploy(sender=deployer)
    selector = keccak(b"instances(bytes,bytes,uint256,uint256)")[:4]
    args = bytearray(encode(["bytes", "bytes", "uint256", "uint256"], [b"\x01", b"\xab\xcd", 1, 2]))
    # Layout: 4 head words, prompt (length word, 1 padded word), aigcData (length word, its padded word).
    aigc_word = 4 * 32 + 2 * 32 + 32
    args[aigc_word + 2 : aigc_word + 32] = b"\xff" * 30  # non-canonical padding after the 2 aigcData bytes
    out = chain.provider.web3.eth.call({"to": harness.address, "data": "0x" + (selector + bytes(args)).hex()})
    assert decode(["uint256[]"], out)[0] == (1, 0xABCD << 96)


@pytest.mark.parametrize("index", range(4))
@pytest.mark.parametrize("mask", [0x01, 0x80], ids=["low-bit", "sign-bit"])
def test_verify_returns_false_if_a_prompt_byte_is_tampered(micro_collection, micro, index, mask):
    s = micro.sample
    assert micro_collection.verify(flip(s.prompt, index, mask), s.aigc, s.proof) is False


def test_verify_returns_false_if_any_bit_of_any_digit_is_flipped(micro_collection, micro):
    """Soundness of the packing: every one of the 8 bits of every digit (all 128 bits of micro's 16 bytes) is
    bound by the proof."""
    s = micro.sample
    assert len(s.aigc) * 8 == micro.enc.output_len * micro.enc.digit_bits  # no padding bits: every bit is a digit's
    for index in range(len(s.aigc)):
        for bit in range(8):
            assert micro_collection.verify(s.prompt, flip(s.aigc, index, 1 << bit), s.proof) is False, (index, bit)


def test_verify_returns_false_if_a_proof_byte_is_tampered(micro_collection, micro):
    s = micro.sample
    positions = sorted(set(range(0, len(s.proof), 61)) | {1, 31, 32, 33, len(s.proof) - 1})
    for index in positions:
        assert micro_collection.verify(s.prompt, s.aigc, flip(s.proof, index)) is False, index


@pytest.mark.parametrize("cut", ["empty", "truncated-by-one", "first-half", "zero-byte-appended", "word-appended"])
def test_verify_returns_false_if_proof_length_is_changed(micro_collection, micro, cut):
    s = micro.sample
    proof = {
        "empty": b"",
        "truncated-by-one": s.proof[:-1],
        "first-half": s.proof[: len(s.proof) // 2],
        "zero-byte-appended": s.proof + b"\x00",
        "word-appended": s.proof + b"\xff" * 32,
    }[cut]
    assert micro_collection.verify(s.prompt, s.aigc, proof) is False


def test_verify_returns_false_if_proof_belongs_to_another_prompt_and_output(micro_collection, micro, micro_fresh):
    a, b = micro.sample, micro_fresh
    assert micro_collection.verify(b.prompt, b.aigc, a.proof) is False
    assert micro_collection.verify(a.prompt, a.aigc, b.proof) is False
    assert micro_collection.verify(a.prompt, b.aigc, b.proof) is False  # another prompt's output
    assert micro_collection.verify(b.prompt, a.aigc, b.proof) is False


@pytest.mark.parametrize("length", [0, 3, 5, 32])
def test_verify_reverts_if_prompt_length_is_wrong(micro_collection, micro, length):
    s = micro.sample
    prompt = (s.prompt * 8)[:length]
    with ape.reverts(micro_collection.ERC7007InvalidPromptLength, length=length, expected=4):
        micro_collection.verify(prompt, s.aigc, s.proof)


@pytest.mark.parametrize("length", [0, 14, 15, 17, 32])
def test_verify_reverts_if_aigc_data_length_is_wrong(micro_collection, micro, length):
    s = micro.sample
    aigc = (s.aigc * 3)[:length]
    with ape.reverts(micro_collection.ERC7007InvalidAigcDataLength, length=length, expected=16):
        micro_collection.verify(s.prompt, aigc, s.proof)


@pytest.fixture(params=FAULT_MODES)
def faulty_collection(request, project, deployer, deploy_collection, micro):
    """A micro collection bound to a verifier that fails in one way (never accepts)."""
    mode = MODES.index(request.param)
    faulty = project.FaultyVerifier.deploy(mode, sender=deployer)
    return deploy_collection(micro, faulty)


def test_verify_returns_false_if_verifier_fails_in_any_way(faulty_collection, micro):
    s = micro.sample
    assert faulty_collection.verify(s.prompt, s.aigc, s.proof) is False


def test_verify_returns_false_if_verifier_code_is_gone(project, deployer, deploy_collection, micro, chain):
    # The constructor refuses a verifier without code; code can still vanish later (e.g. SELFDESTRUCT in the
    # creating transaction), and a call to an address without code "succeeds" with no return data.
    faulty = project.FaultyVerifier.deploy(0, sender=deployer)
    collection = deploy_collection(micro, faulty)
    chain.provider.set_code(faulty.address, b"")
    assert (
        chain.provider.get_code(faulty.address) in (b"", "0x", None)
        or len(chain.provider.get_code(faulty.address)) == 0
    )
    s = micro.sample
    assert collection.verify(s.prompt, s.aigc, s.proof) is False


def raw_call(chain, contract, method, *args, sender, gas):
    """eth_call with an explicit gas limit (ape's calls ignore `gas`); returns ("ok", data) or ("revert", text)."""
    data = getattr(contract, method).as_transaction(*args, sender=sender).data
    try:
        return "ok", chain.provider.web3.eth.call(
            {"from": sender.address, "to": contract.address, "data": "0x" + bytes(data).hex(), "gas": gas}
        )
    except Exception as error:  # noqa: BLE001 - web3 raises the revert with its data in the message
        return "revert", str(error)


def out_of_gas_error(verifier) -> str:
    return (
        "0x"
        + (keccak(text="ERC7007VerifierOutOfGas(address)")[:4] + bytes(12) + bytes.fromhex(verifier.address[2:])).hex()
    )


@pytest.mark.parametrize("mode", EXHAUSTING_MODES)
def test_verify_reverts_if_verifier_call_exhausts_its_gas(
    project, deployer, deploy_collection, micro, chain, user, mode
):
    burner = project.FaultyVerifier.deploy(MODES.index(mode), sender=deployer)
    collection = deploy_collection(micro, burner)
    s = micro.sample
    # A modest explicit limit: a gas-burning loop under a 30M limit is slow to trace on failure.
    outcome, detail = raw_call(chain, collection, "verify", s.prompt, s.aigc, s.proof, sender=user, gas=2_000_000)
    assert outcome == "revert" and out_of_gas_error(burner) in detail, detail[:300]


def test_verify_never_returns_false_for_a_valid_proof_whatever_the_gas_limit(
    micro_collection, micro, micro_verifier, chain, user
):
    """Too little gas for the real verifier is reported as ERC7007VerifierOutOfGas, never as `false`."""
    s = micro.sample
    outcomes = set()
    for gas in [*range(300_000, 650_000, 50_000), *range(650_000, 950_001, 5_000), 1_200_000, 5_000_000]:
        outcome, detail = raw_call(chain, micro_collection, "verify", s.prompt, s.aigc, s.proof, sender=user, gas=gas)
        if outcome == "ok":
            assert int.from_bytes(detail, "big") == 1, gas  # never a `false` verdict
            outcomes.add("true")
        else:
            assert out_of_gas_error(micro_verifier) in detail, (gas, detail[:300])
            outcomes.add("out-of-gas")
    assert outcomes == {"true", "out-of-gas"}
