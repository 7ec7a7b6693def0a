// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IHalo2Verifier} from "../interfaces/IHalo2Verifier.sol";

/// @title Halo2Verdict
/// @notice The one way the contracts ask an ezkl Halo2 verifier ({IHalo2Verifier}) whether a proof is valid: a
/// STATICCALL of `verifyProof` whose answer counts as true only if it is exactly ABI-encoded `true`. A verifier
/// that reverts, returns false, nothing, too little or anything but the word 1, or has no code, rejects the proof;
/// at most 32 bytes of its answer are copied, so a verifier returning (or reverting with) a huge blob costs the
/// caller nothing for it. Running out of gas is told apart: it is no verdict, and each caller decides what it
/// means (a collection reverts with `ERC7007VerifierOutOfGas`, the dataset market rejects the chunk).
library Halo2Verdict {
    /// @notice Asks `verifier` with `callData`, a complete `verifyProof(proof, instances)` call. `valid` is true
    /// only for a successful call returning at least 32 bytes whose first word is 1. `outOfGas` is true if the call
    /// failed and left at most 1/32 of the gas there was before it: it ran out of gas, itself (at most 1/64 left,
    /// EIP-150) or in a precompile call that made it revert (at most 1/64 + 63/64² < 1/32 left); an exceptional
    /// halt (INVALID, a state write under STATICCALL) also burns all gas and reads the same.
    function ask(address verifier, bytes memory callData) internal view returns (bool valid, bool outOfGas) {
        assembly ("memory-safe") {
            let before := gas()
            // The answer goes to the scratch space: at most one word is ever copied, whatever comes back.
            let ok := staticcall(gas(), verifier, add(callData, 0x20), mload(callData), 0x00, 0x20)
            valid := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
            outOfGas := and(iszero(ok), iszero(gt(gas(), div(before, 32))))
        }
    }

    /// @notice {ask} with the call `verifyProof(proof, instances)`, encoded as `abi.encodeCall` does. Its memory is
    /// given back after the call, so asking once per proof in a loop does not grow memory with every proof.
    function ask(address verifier, bytes calldata proof, uint256[] calldata instances)
        internal
        view
        returns (bool valid, bool outOfGas)
    {
        bytes memory callData = abi.encodeCall(IHalo2Verifier.verifyProof, (proof, instances));
        (valid, outOfGas) = ask(verifier, callData);
        assembly ("memory-safe") {
            // Nothing was allocated after `callData` and nothing refers to it any more: free it, as the compiler
            // does with the arguments of a high-level external call.
            mstore(0x40, callData)
        }
    }
}
