"""`ape.reverts(SomeError)` in this suite holds only if the call reverted with that very custom error
(tests/support/strict_reverts.py); Ape alone let a call that reverted without data pass any expected error."""

import ape
import pytest

REVERT_MODE = 1  # FaultyVerifier.Mode.Revert: a reason string


@pytest.fixture(scope="module")
def market(project, deployer):
    return project.DatasetMarket.deploy(deployer, sender=deployer)


@pytest.fixture(scope="module")
def reverts_with_reason(project, deployer):
    return project.FaultyVerifier.deploy(REVERT_MODE, sender=deployer)


def test_reverts_passes_if_the_call_reverts_with_the_expected_custom_error(market, stranger):
    with ape.reverts(market.OwnableUnauthorizedAccount, account=stranger.address):
        market.transferOwnership(stranger, sender=stranger)


def test_reverts_fails_if_the_call_reverts_with_another_custom_error(market, stranger):
    with pytest.raises(AssertionError), ape.reverts(market.NotVendor):
        market.transferOwnership(stranger, sender=stranger)


def test_reverts_fails_if_the_call_reverts_without_data(market, stranger):
    with pytest.raises(AssertionError, match="NotVendor"), ape.reverts(market.NotVendor):
        stranger.transfer(market, 1)  # no receive(): a bare revert


def test_reverts_fails_if_the_call_reverts_with_a_reason_string(market, reverts_with_reason, stranger):
    with pytest.raises(AssertionError, match="NotVendor"), ape.reverts(market.NotVendor):
        stranger.transfer(reverts_with_reason, 0)


def test_reverts_checks_the_selector_and_named_arguments_if_ape_leaves_the_error_undecoded(project, market, deployer):
    zero = "0x" + "00" * 20
    with ape.reverts(market.OwnableInvalidOwner, owner=zero):  # a constructor's revert: no contract to decode it by
        project.DatasetMarket.deploy(zero, sender=deployer)
    with pytest.raises(AssertionError, match="owner"), ape.reverts(market.OwnableInvalidOwner, owner=deployer):
        project.DatasetMarket.deploy(zero, sender=deployer)
    with pytest.raises(AssertionError, match="NotVendor"), ape.reverts(market.NotVendor):
        project.DatasetMarket.deploy(zero, sender=deployer)
