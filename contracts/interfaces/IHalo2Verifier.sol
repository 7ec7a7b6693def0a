// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title The verifier contract ezkl generates for a Halo2/KZG circuit
/// @notice One verifier per model; its bytecode embeds the circuit's verifying key.
/// @dev ezkl declares `verifyProof` non-view, but it only reads memory, so it is declared `view` here: callers
/// reach it with STATICCALL, which also guarantees it cannot change state. It reverts on many malformed proofs
/// and returns false on others; callers must treat both as "invalid".
interface IHalo2Verifier {
    /// @notice Whether `proof` is valid for the public `instances`.
    /// @param proof The serialized Halo2 proof.
    /// @param instances The public instances as BN254 scalar field elements, in the circuit's order.
    /// @return True iff the proof verifies.
    function verifyProof(bytes calldata proof, uint256[] calldata instances) external view returns (bool);
}
