"""The web app's API over a deployment: micro deployed by the `Deployer` on the test anvil; prices from the bonding
curve, addresses and deployment blocks from the manifest, ABIs and error notices from Ape's build, JSON-RPC passed
through to the node."""

import pytest
from ape import project
from fastapi.testclient import TestClient

from zkaigc.app.api import create_app
from zkaigc.app.chainview import ChainView, contract_docs
from zkaigc.app.preview import PreviewService
from zkaigc.manifest import Manifest

MICRO_PROMPT = "0x9c3f07e1"


@pytest.fixture(scope="module")
def deployed(micro_deployment):
    """micro deployed and listed by the Deployer, with its manifest."""
    return micro_deployment.market, micro_deployment.collection, Manifest.load(micro_deployment.manifest)


@pytest.fixture(scope="module")
def chain_client(deployed, chain, vendor, prover, user, tmp_path_factory):
    market, _collection, manifest = deployed
    accounts = [vendor.address, prover.address, user.address]
    view = ChainView(market, manifest, chain.chain_id, True, accounts, {vendor.address: "vendor"})
    preview = PreviewService(["micro"], workdir=tmp_path_factory.mktemp("preview"))
    yield TestClient(create_app(preview, view, contract_docs(project), rpc_url=chain.provider.uri))
    preview.close()


def test_models_give_the_bonding_curve_price_if_model_is_listed(chain_client, deployed):
    market, collection, _ = deployed
    [model] = chain_client.get("/api/models").json()["models"]
    price, fee = market.quote(collection.address)
    assert model["name"] == "micro" and model["collection"] == collection.address
    assert (model["price"], model["fee"]) == (str(price), str(fee))
    preview = chain_client.post("/api/preview", json={"prompt": MICRO_PROMPT}).json()["results"][0]
    assert preview["price"] == str(price)


def test_models_and_previews_show_the_vendors_royalty_if_model_is_listed(chain_client, deployed):
    _market, collection, _ = deployed
    [model] = chain_client.get("/api/models").json()["models"]
    assert model["royaltyBps"] == collection.royaltyBps() == 500  # the deployer's default rate, set by the vendor
    preview = chain_client.post("/api/preview/text", json={"text": "a fox"}).json()["results"][0]
    assert preview["royaltyBps"] == 500 and preview["mapping"] == "hash"


def test_config_gives_the_manifests_addresses_and_blocks_if_chain_is_connected(chain_client, deployed, chain, user):
    market, collection, manifest = deployed
    config = chain_client.get("/api/config").json()
    assert config["chainId"] == chain.chain_id and config["dev"] is True
    assert config["marketplace"] == {"address": market.address, "block": manifest.contract("marketplace")["block"]}
    micro = config["models"]["micro"]
    assert micro["collection"] == collection.address and micro["verifier"] == collection.verifier()
    assert micro["block"] == manifest.contract("micro.collection")["block"] and micro["prompt_len"] == 4
    assert {"address": user.address, "role": None} in config["accounts"]


def test_contracts_serve_abis_and_error_notices_from_apes_build(chain_client):
    contracts = chain_client.get("/api/contracts").json()
    assert set(contracts) == {"ModelMarketplace", "ERC7007Collection"}
    names = {item.get("name") for item in contracts["ModelMarketplace"]["abi"]}
    assert {"requestGeneration", "quote", "refund", "Requested", "PriceAboveMax"} <= names
    notice = contracts["ERC7007Collection"]["errors"]["ERC7007CommitmentTooNew(bytes32,uint256)"]
    assert "younger than `MIN_COMMITMENT_AGE`" in notice


def test_rpc_forwards_json_rpc_to_the_node_if_chain_is_connected(chain_client, chain):
    reply = chain_client.post("/rpc", json={"jsonrpc": "2.0", "id": 7, "method": "eth_chainId", "params": []})
    assert reply.status_code == 200
    assert reply.json() == {"jsonrpc": "2.0", "id": 7, "result": hex(chain.chain_id)}


def test_config_gives_each_models_srs_kind_and_batch_verifiers_if_the_manifest_records_them(chain_client, deployed):
    _, _, manifest = deployed
    micro = chain_client.get("/api/config").json()["models"]["micro"]
    assert micro["srs_kind"] == "dev"  # what the collection page shows, in red
    assert micro["batch_verifiers"] == manifest.data["models"]["micro"]["batch_verifiers"]
