// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IModelMarketplace} from "../marketplace/interfaces/IModelMarketplace.sol";

/// @notice A requester / payout that refuses every ETH transfer (test only).
contract RevertingActor {
    receive() external payable {
        revert("RevertingActor: no ETH");
    }
}

/// @notice A requester / payout that burns all the gas it is given when it receives ETH (test only).
contract GasBurningActor {
    receive() external payable {
        // Burns every unit of gas forwarded; the transfer fails out of gas.
        while (true) {} // solhint-disable-line no-empty-blocks
    }
}

/// @notice A requester / payout (test only) that tries to re-enter every guarded marketplace entry point when it
/// receives ETH, and records whether any re-entry got through.
contract ReentrantActor {
    IModelMarketplace public immutable market;
    uint256 public target;
    bool public reentered;
    uint256 public attempts;

    constructor(IModelMarketplace market_) {
        market = market_;
    }

    function setTarget(uint256 requestId) external {
        target = requestId;
    }

    // Complex on purpose: it is the re-entry attempt. Each attempt is expected to fail, so its catch is empty.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        ++attempts;
        try market.refund(target) {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try market.withdrawRefund(payable(address(this))) {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try market.withdrawEarnings(payable(address(this))) {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try market.fulfil(target, "", "", "", "") {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
    }
}
