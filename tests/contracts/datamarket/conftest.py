"""The dataset market tests' fixtures: a fresh DatasetMarket, the stub template registered on it, a dataset listed
on the template, and a customer's request for it (the numbers: tests/support/datamarket.py)."""

import pytest

from support.datamarket import (
    CHUNK_ROWS,
    CHUNKS,
    CLASSES,
    COMMIT,
    DEPTH,
    EXPONENTIAL,
    FEATURES,
    SCALE,
    SPOT,
    TAG,
    WAD,
    N,
)


@pytest.fixture
def market(project, deployer):
    return project.DatasetMarket.deploy(deployer, sender=deployer)


@pytest.fixture
def template_id(project, market, deployer):
    verifier = project.StubVerifier.deploy(TAG, sender=deployer)
    market.registerTemplate(verifier, CHUNK_ROWS, CHUNKS, FEATURES, DEPTH, CLASSES, SCALE, sender=deployer)
    return 1


@pytest.fixture
def dataset_id(market, template_id, vendor):
    market.listDataset(template_id, b"\x11" * 32, vendor, EXPONENTIAL, SPOT, 2 * WAD, sender=vendor)
    return 1


@pytest.fixture
def deadline(chain):
    return chain.pending_timestamp + 3600


@pytest.fixture
def requested(market, dataset_id, user, deadline):
    market.request(dataset_id, COMMIT, N, 40, deadline, SPOT, value=SPOT, sender=user)
    return 1
