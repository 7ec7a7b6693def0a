"""DatasetMarket from its owner's side, on anvil: skimming forced-in ETH (never what is escrowed or owed) and an
ownership that cannot be renounced; every rejection leaves the market's state unchanged."""

import ape

from support.datamarket import SPOT, assert_books_balance, snapshot


# ------------------------------------------------------------------------------------------------ surplus
def test_skim_sends_only_the_forced_eth_to_the_recipient_if_the_owner_calls(
    market, requested, deployer, stranger, force_eth
):
    force_eth(market, 12_345)
    assert market.surplus() == 12_345
    totals = (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings())
    before = stranger.balance
    tx = market.skim(stranger, sender=deployer)
    [log] = tx.decode_logs(market.SurplusSkimmed)
    assert (log.to, log.amount) == (stranger.address, 12_345)
    assert stranger.balance == before + 12_345
    assert (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings()) == totals == (SPOT, 0, 0)
    assert_books_balance(market)


def test_skim_reverts_if_caller_is_not_the_owner(market, requested, stranger, accounts, force_eth):
    force_eth(market, 12_345)
    before = snapshot(market, accounts[:5], stranger)
    with ape.reverts(market.OwnableUnauthorizedAccount, account=stranger.address):
        market.skim(stranger, sender=stranger)
    assert snapshot(market, accounts[:5], stranger) == before
    assert market.surplus() == 12_345


def test_skim_reverts_if_recipient_is_zero(market, requested, deployer, accounts, force_eth):
    force_eth(market, 12_345)
    before = snapshot(market, accounts[:5], deployer)
    with ape.reverts(market.InvalidRecipient):
        market.skim("0x" + "00" * 20, sender=deployer)
    assert snapshot(market, accounts[:5], deployer) == before
    assert market.surplus() == 12_345


def test_skim_reverts_if_no_eth_was_forced_in(market, requested, deployer, accounts):
    # The escrowed price is owed to the customer: it is never surplus.
    before = snapshot(market, accounts[:5], deployer)
    with ape.reverts(market.NothingToWithdraw, account=deployer.address):
        market.skim(deployer, sender=deployer)
    assert snapshot(market, accounts[:5], deployer) == before
    assert_books_balance(market)


# ------------------------------------------------------------------------------------------------ ownership
def test_renounce_ownership_reverts_and_keeps_the_owner_if_owner_calls(market, requested, deployer, accounts):
    before = snapshot(market, accounts[:5], deployer)
    with ape.reverts(market.OwnershipCannotBeRenounced):
        market.renounceOwnership(sender=deployer)
    assert market.owner() == deployer.address
    assert snapshot(market, accounts[:5], deployer) == before
