"""The marketplace from its owner's side, on anvil: the protocol fee and skimming forced-in ETH."""

import ape

from support.marketplace import (
    FEE_BPS,
    SPOT,
    ZERO,
    assert_books_balance,
    fee_of,
    snapshot,
)


# ------------------------------------------------------------------------------------------------ surplus
def test_skim_sends_only_the_forced_eth_to_the_recipient_if_the_owner_calls(
    market, claimed, micro, prover, requested, deployer, stranger, force_eth
):
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)  # earnings and a protocol fee owed
    force_eth(market, 12_345)
    assert market.surplus() == 12_345
    totals = (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings(), market.protocolFees())
    before = stranger.balance
    tx = market.skim(stranger, sender=deployer)
    [log] = tx.decode_logs(market.SurplusSkimmed)
    assert (log.to, log.amount) == (stranger.address, 12_345)
    assert stranger.balance == before + 12_345
    after = (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings(), market.protocolFees())
    assert after == totals == (0, 0, SPOT - fee_of(SPOT), fee_of(SPOT))
    assert_books_balance(market)


def test_skim_reverts_if_caller_is_not_the_owner(market, claimed, micro, requested, stranger, accounts, force_eth):
    force_eth(market, 12_345)
    others = [a for a in accounts[:5] if a != stranger]
    before = snapshot(market, claimed, micro.sample.prompt, others, [requested])
    with ape.reverts(market.OwnableUnauthorizedAccount, account=stranger.address):
        market.skim(stranger, sender=stranger)
    assert snapshot(market, claimed, micro.sample.prompt, others, [requested]) == before
    assert market.surplus() == 12_345


def test_skim_reverts_if_recipient_is_zero(market, claimed, micro, requested, deployer, accounts, force_eth):
    force_eth(market, 12_345)
    others = [a for a in accounts[:5] if a != deployer]
    before = snapshot(market, claimed, micro.sample.prompt, others, [requested])
    with ape.reverts(market.InvalidRecipient):
        market.skim(ZERO, sender=deployer)
    assert snapshot(market, claimed, micro.sample.prompt, others, [requested]) == before
    assert market.surplus() == 12_345


def test_skim_reverts_if_no_eth_was_forced_in(market, claimed, micro, requested, deployer, accounts):
    # The escrowed price is owed to the requester: it is never surplus.
    others = [a for a in accounts[:5] if a != deployer]
    before = snapshot(market, claimed, micro.sample.prompt, others, [requested])
    with ape.reverts(market.NothingToWithdraw, account=deployer.address):
        market.skim(deployer, sender=deployer)
    assert snapshot(market, claimed, micro.sample.prompt, others, [requested]) == before
    assert_books_balance(market)


def test_skim_reverts_and_keeps_the_surplus_if_recipient_rejects_eth(market, deployer, receiver_container, force_eth):
    force_eth(market, 12_345)
    rejecting = receiver_container.deploy(1, sender=deployer)
    with ape.reverts(market.TransferFailed, to=rejecting.address, amount=12_345):
        market.skim(rejecting, sender=deployer)
    assert market.surplus() == 12_345 and market.balance == 12_345


# ------------------------------------------------------------------------------------------------ protocol fee
def test_set_protocol_fee_reverts_if_above_hard_cap_or_not_owner(market, deployer, stranger):
    cap = market.MAX_PROTOCOL_FEE_BPS()
    assert cap == 1_000
    with ape.reverts(market.ProtocolFeeTooHigh, feeBps=cap + 1, maxFeeBps=cap):
        market.setProtocolFee(cap + 1, sender=deployer)
    with ape.reverts(market.OwnableUnauthorizedAccount, account=stranger.address):
        market.setProtocolFee(0, sender=stranger)
    assert market.protocolFeeBps() == FEE_BPS
    tx = market.setProtocolFee(cap, sender=deployer)
    assert tx.decode_logs(market.ProtocolFeeUpdated)[0].newFeeBps == cap


def test_renounce_ownership_reverts_and_keeps_the_owner_if_owner_calls(market, deployer, stranger):
    # Renouncing would lock the accrued protocol fees and any surplus in the contract forever.
    with ape.reverts(market.OwnershipCannotBeRenounced):
        market.renounceOwnership(sender=deployer)
    with ape.reverts(market.OwnershipCannotBeRenounced):
        market.renounceOwnership(sender=stranger)
    assert market.owner() == deployer.address


def test_constructor_reverts_if_fee_above_hard_cap(project, market, deployer):
    with ape.reverts(market.ProtocolFeeTooHigh, feeBps=1_001, maxFeeBps=1_000):
        project.ModelMarketplace.deploy(deployer, 1_001, sender=deployer)


def test_fee_is_fixed_at_request_time(market, claimed, micro, vendor, prover, deployer, requested):
    market.setProtocolFee(1_000, sender=deployer)  # raised after the request: the request keeps 2.5%
    s = micro.sample
    market.fulfil(requested, s.prompt, s.aigc, "", s.proof, sender=prover)
    assert market.protocolFees() == fee_of(SPOT) and market.earningsOf(vendor) == SPOT - fee_of(SPOT)
