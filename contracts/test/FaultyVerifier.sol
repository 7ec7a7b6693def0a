// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title A verifier that fails in one chosen way (test only)
/// @notice Stands in for a broken or hostile ezkl verifier to test how a collection handles each failure mode.
/// It never accepts a proof: the happy path is tested with the real generated verifier only.
contract FaultyVerifier {
    /// @notice How `verifyProof` (any call) fails.
    enum Mode {
        ReturnFalse, // returns abi.encode(false)
        Revert, // reverts with a reason
        ReturnNothing, // returns no data
        ReturnShort, // returns the single byte 0x01
        ReturnTwo, // returns abi.encode(uint256(2)), not a valid bool
        WriteState, // tries to write storage: an exceptional halt under STATICCALL, which burns all gas
        BurnGas // loops until it runs out of gas
    }

    Mode private immutable _mode;
    uint256 private _calls;

    constructor(Mode mode) {
        _mode = mode;
    }

    // Complex on purpose: it answers every call in the chosen failure mode.
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        Mode mode = _mode;
        if (mode == Mode.Revert) revert("FaultyVerifier: invalid proof");
        if (mode == Mode.BurnGas) {
            while (true) {} // solhint-disable-line no-empty-blocks
        }
        if (mode == Mode.WriteState) {
            ++_calls;
            _return(abi.encode(true));
        }
        if (mode == Mode.ReturnFalse) _return(abi.encode(false));
        if (mode == Mode.ReturnShort) _return(hex"01");
        if (mode == Mode.ReturnTwo) _return(abi.encode(uint256(2)));
        // Mode.ReturnNothing: fall through and return no data.
    }

    function _return(bytes memory data) private pure {
        assembly ("memory-safe") {
            return(add(data, 0x20), mload(data))
        }
    }
}
