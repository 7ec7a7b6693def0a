"""Every committed model end to end: its real generated verifier, its real proof, a collection deployed from its
settings alone, mint, every tampered variant rejected with state unchanged, and a tokenURI that renders it.

Runs on a second anvil without step tracing (`plain_chain`, see conftest): the shared, step-traced node cannot
mine a large verifier's transaction. The showcase model (pixel32) is also proven afresh, now, by ezkl.
"""

import pytest
from eth_abi import encode
from eth_utils import keccak
from web3.logs import DISCARD

from support.helpers import TEST_CARD, flip, token_of

ZERO = "0x" + "00" * 20
SHOWCASE = "pixel32"


def error(signature: str, *args) -> bytes:
    types = signature[signature.index("(") + 1 : -1].split(",") if "()" not in signature else []
    return keccak(text=signature)[:4] + encode(types, list(args))


def deploy(plain_chain, model, minter=ZERO):
    verifier = plain_chain.deploy(model.contract_name)
    collection = plain_chain.deploy(
        "ERC7007Collection",
        f"zkaigc {model.name}",
        "AIGC",
        verifier.address,
        bytes.fromhex(model.model_hash[2:]),
        model.encoding_tuple,
        minter,
        plain_chain.vendor,
        TEST_CARD,
        sender=plain_chain.vendor,
    )
    return verifier, collection


def state(plain_chain, collection, prompt: bytes):
    fns = collection.functions
    token = token_of(prompt)
    try:
        owner = fns.ownerOf(token).call()
    except Exception:  # noqa: BLE001 - nonexistent token
        owner = None
    return owner, [fns.balanceOf(a).call() for a in plain_chain.accounts[:5]], tuple(fns.claimOf(prompt).call())


def assert_mint_rejected(plain_chain, collection, args, expected_error: bytes):
    """The mint reverts with `expected_error` (eth_call) and, sent as a transaction, changes nothing."""
    fns = collection.functions
    call = fns.mint(*args)
    prover = plain_chain.prover
    assert plain_chain.revert_data(call, prover) == expected_error
    before = state(plain_chain, collection, args[0])
    txn_hash = call.transact({"from": prover, "gas": 29_000_000})
    assert plain_chain.w3.eth.wait_for_transaction_receipt(txn_hash, timeout=600).status == 0
    assert state(plain_chain, collection, args[0]) == before


def mint_and_check(plain_chain, token_metadata, model, sample, png=None):
    verifier, collection = deploy(plain_chain, model)
    fns = collection.functions
    user, prover = plain_chain.user, plain_chain.prover
    assert fns.verify(sample.prompt, sample.aigc, sample.proof).call() is True
    assert fns.publicInstances(sample.prompt, sample.aigc).call() == sample.instances
    plain_chain.claim(collection, sample.prompt, user)
    receipt = plain_chain.transact(fns.mint(sample.prompt, sample.aigc, "", sample.proof), prover)
    token = token_of(sample.prompt)
    assert fns.ownerOf(token).call() == user and fns.balanceOf(prover).call() == 0
    assert fns.aigcDataOf(token).call() == sample.aigc
    assert fns.prompt(token).call() == sample.prompt and fns.tokenId(sample.prompt).call() == token
    (aigc_log,) = collection.events.AigcData().process_receipt(receipt, errors=DISCARD)
    assert aigc_log.args.tokenId == token and aigc_log.args.proof == sample.proof
    token_metadata.check(fns.tokenURI(token).call(), model, sample, verifier.address, f"zkaigc {model.name}", png=png)
    print(
        f"\n[gas] {model.name}: mint {receipt.gasUsed} gas ({len(sample.aigc)} aigcData bytes, "
        f"{len(sample.proof)} proof bytes, {len(sample.instances)} instances)"
    )
    return collection


def test_mint_mints_committed_sample_to_claimant_and_token_uri_renders_its_pixels(
    plain_chain, token_metadata, load_model, proven_model_name
):
    model = load_model(proven_model_name)
    mint_and_check(plain_chain, token_metadata, model, model.sample, png=model.sample_png)


def test_mint_reverts_without_state_change_if_any_part_is_tampered(plain_chain, load_model, proven_model_name):
    model = load_model(proven_model_name)
    s = model.sample
    _, collection = deploy(plain_chain, model)
    plain_chain.claim(collection, s.prompt, plain_chain.user)
    token = token_of(s.prompt)
    invalid = error("ERC7007InvalidProof(uint256)", token)
    for args in [
        (s.prompt, flip(s.aigc, 0), "", s.proof),
        (s.prompt, flip(s.aigc, len(s.aigc) - 1, 0x80), "", s.proof),
        (s.prompt, flip(s.aigc, len(s.aigc) // 2), "", s.proof),
        (s.prompt, s.aigc, "", flip(s.proof, 0)),
        (s.prompt, s.aigc, "", flip(s.proof, len(s.proof) // 2)),
        (s.prompt, s.aigc, "", flip(s.proof, len(s.proof) - 1)),
        (s.prompt, s.aigc, "", s.proof[:-1]),
    ]:
        assert_mint_rejected(plain_chain, collection, args, invalid)
    assert_mint_rejected(
        plain_chain,
        collection,
        (s.prompt, s.aigc[:-2], "", s.proof),
        error("ERC7007InvalidAigcDataLength(uint256,uint256)", len(s.aigc) - 2, len(s.aigc)),
    )
    # A tampered prompt is another token: claimed too, so only the proof can fail.
    tampered = flip(s.prompt, len(s.prompt) - 1)
    plain_chain.claim(collection, tampered, plain_chain.user)
    assert_mint_rejected(
        plain_chain,
        collection,
        (tampered, s.aigc, "", s.proof),
        error("ERC7007InvalidProof(uint256)", token_of(tampered)),
    )
    # The untampered sample still mints afterwards.
    plain_chain.transact(collection.functions.mint(s.prompt, s.aigc, "", s.proof), plain_chain.prover)
    assert collection.functions.ownerOf(token).call() == plain_chain.user


@pytest.fixture(scope="module")
def showcase_fresh(load_model, tmp_path_factory):
    """The showcase model proven now (ezkl) on a prompt that no committed sample uses."""
    model = load_model(SHOWCASE)
    prompt = bytes((7 * i + 3) % 256 for i in range(model.enc.input_len))
    assert prompt != model.sample.prompt
    return model, model.prove(prompt, tmp_path_factory.mktemp("showcase-fresh"))


@pytest.mark.slow
def test_mint_mints_freshly_proven_showcase_prompt_and_rejects_its_proof_for_the_committed_sample(
    plain_chain, token_metadata, showcase_fresh
):
    model, fresh = showcase_fresh
    collection = mint_and_check(plain_chain, token_metadata, model, fresh)
    committed = model.sample
    plain_chain.claim(collection, committed.prompt, plain_chain.stranger)
    # The fresh proof does not carry over to the committed sample's prompt or output, nor vice versa.
    for args in [
        (committed.prompt, committed.aigc, "", fresh.proof),
        (committed.prompt, fresh.aigc, "", fresh.proof),
        (committed.prompt, fresh.aigc, "", committed.proof),
    ]:
        assert_mint_rejected(
            plain_chain, collection, args, error("ERC7007InvalidProof(uint256)", token_of(committed.prompt))
        )
