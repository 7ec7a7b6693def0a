"""DatasetMarket's catalogue on anvil with a stub verifier: the owner registers templates (a verifier and the
shape it proves), vendors list datasets on them with a bonding curve and a payout; every rejection leaves the
market's state unchanged (tests/support/datamarket.py snapshots it)."""

import ape
import pytest

from support.datamarket import (
    CHUNK_ROWS,
    CHUNKS,
    CLASSES,
    DEPTH,
    EXPONENTIAL,
    FEATURES,
    LINEAR,
    SCALE,
    SPOT,
    TAG,
    WAD,
    snapshot,
)


# ------------------------------------------------------------------------------------------------ templates
def test_register_template_records_the_shape_if_called_by_the_owner(project, market, deployer):
    verifier = project.StubVerifier.deploy(TAG, sender=deployer)
    tx = market.registerTemplate(verifier, CHUNK_ROWS, CHUNKS, FEATURES, DEPTH, CLASSES, SCALE, sender=deployer)
    [log] = tx.decode_logs(market.TemplateRegistered)
    assert (log.templateId, log.verifier, log.chunkRows, log.chunks) == (1, verifier.address, CHUNK_ROWS, CHUNKS)
    assert tuple(market.getTemplate(1)) == (verifier.address, CHUNK_ROWS, CHUNKS, FEATURES, DEPTH, CLASSES, SCALE)


def test_register_template_reverts_if_caller_is_not_the_owner(project, market, deployer, stranger, accounts):
    verifier = project.StubVerifier.deploy(TAG, sender=deployer)
    before = snapshot(market, accounts[:5], stranger)
    with ape.reverts(market.OwnableUnauthorizedAccount, account=stranger.address):
        market.registerTemplate(verifier, CHUNK_ROWS, CHUNKS, FEATURES, DEPTH, CLASSES, SCALE, sender=stranger)
    assert snapshot(market, accounts[:5], stranger) == before


def test_register_template_reverts_if_verifier_has_no_code(market, deployer, stranger, accounts):
    before = snapshot(market, accounts[:5], deployer)
    with ape.reverts(market.InvalidVerifier, verifier=stranger.address):
        market.registerTemplate(stranger, CHUNK_ROWS, CHUNKS, FEATURES, DEPTH, CLASSES, SCALE, sender=deployer)
    assert snapshot(market, accounts[:5], deployer) == before


EMPTY_SHAPES = [(0, 2, 4, 3, 3), (24, 0, 4, 3, 3), (24, 17, 4, 3, 3)]
EMPTY_SHAPES += [(24, 2, 0, 3, 3), (24, 2, 4, 0, 3), (24, 2, 4, 3, 1)]


@pytest.mark.parametrize("shape", EMPTY_SHAPES)
def test_register_template_reverts_if_the_shape_is_empty_or_has_too_many_chunks(
    project, market, deployer, accounts, shape
):
    verifier = project.StubVerifier.deploy(TAG, sender=deployer)
    before = snapshot(market, accounts[:5], deployer)
    names = ("chunkRows", "chunks", "features", "depth", "classes")
    with ape.reverts(market.InvalidShape, **dict(zip(names, shape, strict=True))):
        market.registerTemplate(verifier, *shape, SCALE, sender=deployer)
    assert snapshot(market, accounts[:5], deployer) == before


# ------------------------------------------------------------------------------------------------ listing
def test_list_dataset_records_the_vendor_and_its_curve(market, template_id, vendor):
    tx = market.listDataset(template_id, b"\x22" * 32, vendor, LINEAR, SPOT, 10**11, sender=vendor)
    [log] = tx.decode_logs(market.DatasetListed)
    assert (log.datasetId, log.vendor, log.templateId, log.spotPrice) == (1, vendor.address, template_id, SPOT)
    dataset = market.getDataset(1)
    assert (dataset.vendor, dataset.templateId, dataset.payout, dataset.sales) == (vendor, 1, vendor, 0)
    assert dataset.dataCommitment == b"\x22" * 32


def test_list_dataset_reverts_if_the_template_does_not_exist(market, template_id, vendor, accounts):
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.TemplateNotFound, templateId=2):
        market.listDataset(2, b"\x22" * 32, vendor, LINEAR, SPOT, 0, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_list_dataset_reverts_if_payout_is_zero(market, template_id, vendor, accounts):
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.InvalidPayout):
        market.listDataset(template_id, b"\x22" * 32, "0x" + "00" * 20, LINEAR, SPOT, 0, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_list_dataset_reverts_if_the_curve_is_invalid(market, template_id, vendor, accounts):
    before = snapshot(market, accounts[:5], vendor)
    with ape.reverts(market.InvalidCurve, curveType=EXPONENTIAL, spotPrice=SPOT, delta=WAD - 1):
        market.listDataset(template_id, b"\x22" * 32, vendor, EXPONENTIAL, SPOT, WAD - 1, sender=vendor)
    assert snapshot(market, accounts[:5], vendor) == before


def test_set_curve_reverts_if_caller_is_not_the_vendor(market, dataset_id, stranger, accounts):
    before = snapshot(market, accounts[:5], stranger)
    with ape.reverts(market.NotVendor, datasetId=dataset_id, account=stranger.address):
        market.setCurve(dataset_id, LINEAR, 1, 1, sender=stranger)
    assert snapshot(market, accounts[:5], stranger) == before


def test_set_curve_and_payout_change_the_listing_if_called_by_the_vendor(market, dataset_id, vendor, stranger):
    market.setCurve(dataset_id, LINEAR, 5, 6, sender=vendor)
    market.setPayout(dataset_id, stranger, sender=vendor)
    dataset = market.getDataset(dataset_id)
    assert (dataset.curveType, dataset.spotPrice, dataset.delta, dataset.payout) == (LINEAR, 5, 6, stranger)
