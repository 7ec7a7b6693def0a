"""Fork tests: the system `ape run deploy` put on the devnet, exercised on a Foundry fork of it.

`make test` (tools/fork-tests.sh) starts the devnet, deploys, and runs this folder with
`--network ethereum:devnet-fork:foundry`. Elsewhere these tests are skipped: they need that deployment.
"""

import pytest
from ape import project

from proofs.model_artifacts import ModelArtifacts
from zkaigc.manifest import DEPLOYMENTS_ROOT, Manifest


@pytest.fixture(scope="session")
def manifest(networks):
    """The devnet's deployment manifest (written by `ape run deploy --network ethereum:devnet:node`)."""
    network = networks.provider.network
    if network.name != "devnet-fork":
        pytest.skip("fork tests run on ethereum:devnet-fork:foundry (make test starts the devnet)")
    found = Manifest.load(DEPLOYMENTS_ROOT / "ethereum-devnet.json")
    assert found.data.get("models"), "the devnet manifest lists no models: did `ape run deploy` run?"
    return found


@pytest.fixture(scope="session")
def model_name(manifest):
    """The smallest deployed model: fork tests prove for real, so they use the cheapest circuit."""
    return "micro" if "micro" in manifest.data["models"] else next(iter(manifest.data["models"]))


@pytest.fixture(scope="session")
def artifacts(model_name):
    return ModelArtifacts(model_name)


@pytest.fixture(scope="session")
def market(manifest):
    return project.ModelMarketplace.at(manifest.contract("marketplace")["address"])


@pytest.fixture(scope="session")
def collection(manifest, model_name):
    return project.ERC7007Collection.at(manifest.data["models"][model_name]["collection"])


@pytest.fixture(scope="session")
def deployed_prover(accounts, market, collection):
    """The account `ape run deploy` allowed to fulfil (the deploying account by default)."""
    allowed = [a for a in accounts if market.isProver(collection.address, a.address)]
    assert allowed, "no test account is an allowed prover on the devnet"
    return allowed[0]
