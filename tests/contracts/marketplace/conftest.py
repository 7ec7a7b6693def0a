"""The marketplace tests' fixtures: a fresh marketplace, micro's collection listed on it, claimed and requested;
hostile and ownerless contracts; a second real model whose proofs are the wrong model's.

The tests here, one file per role (user, vendor, prover, owner), run every flow with real ETH and the real micro
verifier and proof. The forge suites (tests/forge/) fuzz the same contract with a stub verifier; here every proof is a
real ezkl proof.
"""

from types import SimpleNamespace

import pytest

from support.marketplace import DELTA, FEE_BPS, LINEAR, SPOT


@pytest.fixture
def market(project, deployer):
    """A fresh marketplace owned by `deployer`, protocol fee 2.5%."""
    return project.ModelMarketplace.deploy(deployer, FEE_BPS, sender=deployer)


@pytest.fixture
def collection(deploy_collection, micro, micro_verifier, market):
    """A micro collection (real verifier) whose minter is the marketplace."""
    return deploy_collection(micro, micro_verifier, minter=market)


@pytest.fixture
def listed(market, collection, vendor, prover):
    """micro listed by `vendor` (payout: vendor) on a linear curve, with `prover` registered."""
    market.list(collection, vendor, LINEAR, SPOT, DELTA, sender=vendor)
    market.setProver(collection, prover, True, sender=vendor)
    return collection


@pytest.fixture
def claimed(listed, micro, claim_prompt, user):
    """micro's sample prompt claimed by `user`."""
    claim_prompt(listed, micro.sample.prompt, user)
    return listed


@pytest.fixture
def deadline(chain):
    return chain.pending_timestamp + 3600


@pytest.fixture
def requested(market, claimed, micro, user, deadline):
    """`user` requested micro's sample prompt at the spot price; returns the request id."""
    tx = market.requestGeneration(claimed, micro.sample.prompt, SPOT, deadline, value=SPOT, sender=user)
    return tx.return_value


@pytest.fixture(scope="session")
def receiver_container(compile_solidity):
    """A contract requester whose `receive` reverts (mode 1) or burns all gas (mode 2); mode 0 accepts."""
    source = """
// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;
interface IMarket {
    function requestGeneration(address, bytes calldata, uint256, uint64) external payable returns (uint256);
    function withdrawRefund(address payable) external;
}
interface IClaim {
    function claim(bytes calldata, address, bytes32) external returns (address);
}
contract HostileRequester {
    uint256 public mode;
    constructor(uint256 mode_) { mode = mode_; }
    function request(IMarket m, address c, bytes calldata p, uint256 maxPrice, uint64 deadline) external payable
        returns (uint256) { return m.requestGeneration{value: msg.value}(c, p, maxPrice, deadline); }
    function withdraw(IMarket m, address payable to) external { m.withdrawRefund(to); }
    function claim(IClaim c, bytes calldata p, bytes32 salt) external { c.claim(p, address(this), salt); }
    receive() external payable {
        if (mode == 1) revert("no ETH");
        if (mode == 2) while (true) {}
    }
}
"""
    return compile_solidity(source, "HostileRequester")


@pytest.fixture(scope="session")
def ownerless_container(compile_solidity):
    """An ERC-7007-looking collection that answers no `owner()`: a stand-in for third-party collections."""
    source = """
// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;
contract OwnerlessCollection {
    address public immutable minter;
    address public immutable verifier;
    bytes32 public immutable modelHash;
    constructor(address minter_, address verifier_, bytes32 modelHash_) {
        (minter, verifier, modelHash) = (minter_, verifier_, modelHash_);
    }
    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x01ffc9a7 || id == 0x702c55a6;
    }
}
"""
    return compile_solidity(source, "OwnerlessCollection")


@pytest.fixture(scope="module")
def other_model(scratch_model, tmp_path_factory, micro):
    """A second real model with micro's shape (4 latent bytes -> 16 outputs) but other weights: its own ezkl
    artifacts, a real proof and a generated verifier. Its proofs are "the wrong model's proofs" for micro."""
    from dataclasses import replace

    import torch

    from models import registry
    from models.model import Decoder, ProvenDecoder
    from proofs.model_artifacts import ModelArtifacts
    from proofs.proven import prove_latent

    torch.manual_seed(11)
    spec = registry.get("micro")  # micro's architecture and circuit (sigmoid stage, packed), fresh random weights
    circuit = spec.circuit_for(spec.model)
    art = scratch_model(
        "othermodel",
        ProvenDecoder(Decoder(spec.model), lookup_low=circuit.lookup_range[0]),
        replace(circuit, logrows=ModelArtifacts("micro").logrows),
    )
    art.write_meta(
        proven_shape=list(spec.model.proven_shape),
        render=spec.model.render,
        digit_bits=spec.model.out_bits,
        input_len=spec.model.latent_dim,
    )
    enc = art.encoding()
    latent = enc.dequantize_latent(enc.decode_prompt(micro.sample.prompt))  # the same prompt bytes as micro's
    sample = prove_latent(art, latent, tmp_path_factory.mktemp("other-run"))
    assert sample.prompt == micro.sample.prompt
    return SimpleNamespace(
        name="othermodel",
        art=art,
        sample=sample,
        model_hash=art.model_hash(),
        source=art.create_evm_verifier().read_text(),
        encoding_tuple=art.encoding_struct(),
    )
