// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title A stand-in for an ezkl Halo2 verifier (test only, used by the forge suites)
/// @notice Forge cannot produce real ezkl proofs cheaply, so the fuzz/invariant suites (tests/forge/) mint through
/// the real {ERC7007Collection} with this verifier behind it. The Ape suite (tests/contracts/marketplace/) covers the
/// real MicroVerifier with a real proof.
/// @dev A "proof" is valid iff it is `abi.encode(modelTag, instances)`: bound to this model (its tag) and to the
/// exact public instances, so a proof for another model, prompt or output is rejected, like a real one.
contract StubVerifier {
    uint256 public immutable modelTag;

    constructor(uint256 modelTag_) {
        modelTag = modelTag_;
    }

    function verifyProof(bytes calldata proof, uint256[] calldata instances) external view returns (bool) {
        return keccak256(proof) == keccak256(abi.encode(modelTag, instances));
    }
}
