// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {PullPayments} from "./PullPayments.sol";
import {ISkimmable} from "./interfaces/ISkimmable.sol";

/// @title Skimmable
/// @notice {skim} and {surplus} for both markets, over the one thing that differs between them: what each owes
/// ({_owed}). See {ISkimmable}. A market inherits its ledger ({PullPayments}) and its two-step ownership
/// (OpenZeppelin's `Ownable2Step`) through this contract; the owner is the market's constructor argument and can
/// never be renounced.
/// @dev Declares no storage of its own, so a market's layout is what it was with `PullPayments, Ownable2Step` as
/// direct bases. {skim} keeps the rules of {PullPayments}: `nonReentrant`, effects and event before the transfer.
abstract contract Skimmable is ISkimmable, PullPayments, Ownable2Step {
    /// @inheritdoc ISkimmable
    function skim(address payable to) external onlyOwner nonReentrant {
        if (to == address(0)) revert InvalidRecipient();
        uint256 amount = surplus();
        // Strict equality is intended: it only rejects an empty sweep. Forcing ETH in can only make `amount`
        // non-zero, which is what skim is for; it cannot make any other path fail.
        // slither-disable-next-line incorrect-equality
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        emit SurplusSkimmed(to, amount);
        _send(to, amount);
    }

    /// @notice Always reverts with {ISkimmable-OwnershipCannotBeRenounced}: an ownerless market would lock its
    /// surplus (and protocol fees) for ever. Ownership moves only by the two-step transfer.
    function renounceOwnership() public pure override {
        revert OwnershipCannotBeRenounced();
    }

    /// @inheritdoc ISkimmable
    function surplus() public view returns (uint256) {
        // The accounting invariant makes the balance at least what is owed; ETH can only be added to it.
        return address(this).balance - _owed();
    }

    /// @dev What the market owes: every term of its accounting invariant but the surplus. At least its escrowed
    /// requests and {_totalCredited}.
    function _owed() internal view virtual returns (uint256);
}
