// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title EthTransfer
/// @notice The ETH transfers the markets make, in one place: both copy no return data, so a receiver cannot
/// burn the sender's gas with a huge return (a "return bomb"), and both report failure instead of reverting, so
/// each market picks its own fallback (credit the receiver, or revert).
library EthTransfer {
    /// @notice Sends `amount` to `to` forwarding at most `gasLimit` gas; whether it succeeded.
    function tryPush(address to, uint256 amount, uint256 gasLimit) internal returns (bool success) {
        // Assembly rather than `to.call{...}("")`: Solidity would copy any return data into memory.
        // slither-disable-next-line assembly
        assembly ("memory-safe") {
            success := call(gasLimit, to, amount, 0, 0, 0, 0)
        }
    }

    /// @notice Sends `amount` to `to` forwarding all remaining gas (the caller picked `to`); whether it succeeded.
    function trySend(address to, uint256 amount) internal returns (bool success) {
        // slither-disable-next-line assembly
        assembly ("memory-safe") {
            success := call(gas(), to, amount, 0, 0, 0, 0)
        }
    }
}
