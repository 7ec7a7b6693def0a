// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IDatasetMarket} from "../datamarket/interfaces/IDatasetMarket.sol";
import {IModelMarketplace} from "../marketplace/interfaces/IModelMarketplace.sol";
import {IPullPayments} from "../payments/interfaces/IPullPayments.sol";

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

/// @notice A requester / payout (test only) that tries to re-enter every guarded entry point of a market when it
/// receives ETH: the market's own ({_reenterMarket}) and the withdrawals every market has ({IPullPayments}). It
/// records whether any re-entry got through.
abstract contract ReentrantActorBase {
    IPullPayments public immutable market;
    uint256 public target;
    bool public reentered;

    constructor(IPullPayments market_) {
        market = market_;
    }

    function setTarget(uint256 requestId) external {
        target = requestId;
    }

    // Complex on purpose: it is the re-entry attempt. Each attempt is expected to fail.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        _reenterMarket(target);
        _attempt(abi.encodeCall(IPullPayments.withdrawRefund, (payable(address(this)))));
        _attempt(abi.encodeCall(IPullPayments.withdrawEarnings, (payable(address(this)))));
    }

    /// @dev Tries the market's own guarded entry points on request `requestId` with {_attempt}.
    function _reenterMarket(uint256 requestId) internal virtual;

    /// @dev Calls the market with `data`; a call that does not revert is a re-entry that got through.
    function _attempt(bytes memory data) internal {
        // A low-level call: any revert (the guard's, or any other) is a failed attempt, not this actor's failure.
        // solhint-disable-next-line avoid-low-level-calls
        (bool success,) = address(market).call(data);
        if (success) reentered = true;
    }
}

/// @notice {ReentrantActorBase} on the model marketplace: also tries `refund` and `fulfil`, and counts the ETH
/// transfers it received (test only).
contract ReentrantActor is ReentrantActorBase {
    uint256 public attempts;

    constructor(IModelMarketplace market_) ReentrantActorBase(market_) {}

    function _reenterMarket(uint256 requestId) internal override {
        ++attempts;
        _attempt(abi.encodeCall(IModelMarketplace.refund, (requestId)));
        _attempt(abi.encodeCall(IModelMarketplace.fulfil, (requestId, "", "", "", "")));
    }
}

/// @notice {ReentrantActorBase} on the dataset market: also tries `refund` and `request` (test only).
contract DatasetReentrantActor is ReentrantActorBase {
    constructor(IDatasetMarket market_) ReentrantActorBase(market_) {}

    function _reenterMarket(uint256 requestId) internal override {
        _attempt(abi.encodeCall(IDatasetMarket.refund, (requestId)));
        _attempt(
            abi.encodeCall(IDatasetMarket.request, (1, bytes32(uint256(1)), 1, 1, uint64(block.timestamp + 1 hours), 0))
        );
    }
}
