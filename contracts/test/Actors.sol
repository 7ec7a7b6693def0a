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
    uint256 public attempts;

    constructor(IPullPayments market_) {
        market = market_;
    }

    function setTarget(uint256 requestId) external {
        target = requestId;
    }

    // Complex on purpose: it is the re-entry attempt. Each attempt is expected to fail, so its catch is empty.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        ++attempts;
        _reenterMarket(target);
        try market.withdrawRefund(payable(address(this))) {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try market.withdrawEarnings(payable(address(this))) {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    /// @dev Tries the market's own guarded entry points on request `requestId`; sets {reentered} if one succeeds.
    function _reenterMarket(uint256 requestId) internal virtual;
}

/// @notice {ReentrantActorBase} on the model marketplace: also tries `refund` and `fulfil` (test only).
contract ReentrantActor is ReentrantActorBase {
    constructor(IModelMarketplace market_) ReentrantActorBase(market_) {}

    function _reenterMarket(uint256 requestId) internal override {
        IModelMarketplace marketplace = IModelMarketplace(address(market));
        try marketplace.refund(requestId) {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try marketplace.fulfil(requestId, "", "", "", "") {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
    }
}

/// @notice {ReentrantActorBase} on the dataset market: also tries `refund` and `request` (test only).
contract DatasetReentrantActor is ReentrantActorBase {
    constructor(IDatasetMarket market_) ReentrantActorBase(market_) {}

    function _reenterMarket(uint256 requestId) internal override {
        IDatasetMarket datasetMarket = IDatasetMarket(address(market));
        try datasetMarket.refund(requestId) {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try datasetMarket.request{value: 0}(1, 1, 1, 1, uint64(block.timestamp + 1 hours), 0) {
            reentered = true;
        } catch {} // solhint-disable-line no-empty-blocks
    }
}
