// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IPullPayments} from "./IPullPayments.sol";

/// @title Skimmable: the owner sweeps ETH forced into a market, owed to no one
/// @notice A market has no `receive`, yet ETH can still reach it without a call (selfdestruct, block rewards).
/// That ETH is owed to no one and would otherwise stay locked: {surplus} is its amount, and the owner sends it out
/// with {skim}. Both markets implement it.
/// @dev `surplus()` is the last term of each market's accounting invariant: `address(this).balance` minus every
/// other term, i.e. what the market owes (its escrowed requests, its {IPullPayments} balances and, in the model
/// marketplace, the protocol fees). Nothing anyone can claim is ever counted in it.
interface ISkimmable is IPullPayments {
    /// @notice The owner swept `amount` of ETH forced into the contract (owed to no one) to `to`.
    event SurplusSkimmed(address indexed to, uint256 amount);

    /// @notice The owner cannot be renounced: the surplus (and, in the model marketplace, the protocol fees) would
    /// be locked for ever, and the market's owner-only setup (templates, fees) frozen.
    error OwnershipCannotBeRenounced();

    /// @notice Sends {surplus} (ETH forced in, owed to no one) to `to`. Only the owner. Emits {SurplusSkimmed}.
    /// @dev Reverts with {InvalidRecipient} if `to` is zero, with {NothingToWithdraw} (naming the owner) if the
    /// surplus is zero, and with {TransferFailed} if sending fails.
    function skim(address payable to) external;

    /// @notice ETH held beyond what is owed: the balance minus every other term of the accounting invariant.
    function surplus() external view returns (uint256);
}
