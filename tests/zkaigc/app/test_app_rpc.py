"""The app's `/rpc` as a public site: only JSON from the app's own origin, only the methods the pages use, a bounded
body, and the dev signer only for a local dev chain served on loopback. Each refusal is checked against a real
anvil: the status code, and that the chain did not change (nothing was forwarded)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from zkaigc.app.api import create_app
from zkaigc.app.preview import PreviewService
from zkaigc.app.rpcgate import RpcGate
from zkaigc.app.server import rpc_gate
from zkaigc.localchain import Anvil

ORIGIN = "http://testserver"  # TestClient's own origin


@pytest.fixture(scope="module")
def anvil():
    with Anvil() as node:
        yield node


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    service = PreviewService(["micro"], workdir=tmp_path_factory.mktemp("preview"))
    yield service
    service.close()


def client(preview, anvil, **gate) -> TestClient:
    return TestClient(create_app(preview, rpc_url=anvil.url, rpc_gate=RpcGate(**gate)))


def call(method: str, params: list) -> dict:
    return {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}


def send_eth(anvil) -> dict:
    """eth_sendTransaction from the node's unlocked account 0: what a hostile page would love to send."""
    return call("eth_sendTransaction", [{"from": anvil.accounts[0], "to": anvil.accounts[9], "value": hex(10**18)}])


def post(client: TestClient, body, content_type="application/json", origin: str | None = ORIGIN):
    headers = {"Content-Type": content_type}
    if origin is not None:
        headers["Origin"] = origin
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/rpc", content=data, headers=headers)


def chain_state(anvil) -> tuple:
    w3 = anvil.w3
    return (
        w3.eth.block_number,
        w3.eth.get_block("latest").timestamp,
        w3.eth.get_transaction_count(anvil.accounts[0]),
        w3.eth.get_balance(anvil.accounts[9]),
    )


def test_rpc_forwards_a_read_if_it_is_json_from_the_apps_own_origin(preview, anvil):
    reply = post(client(preview, anvil), call("eth_blockNumber", []))
    assert reply.status_code == 200
    assert int(reply.json()["result"], 16) == anvil.w3.eth.block_number


def test_rpc_forwards_a_read_if_a_non_browser_client_sends_no_origin(preview, anvil):
    reply = post(client(preview, anvil), call("eth_chainId", []), origin=None)
    assert reply.status_code == 200
    assert int(reply.json()["result"], 16) == anvil.w3.eth.chain_id


def test_rpc_refuses_415_and_forwards_nothing_if_content_type_is_text_plain(preview, anvil):
    before = chain_state(anvil)
    reply = post(client(preview, anvil, dev_methods=True), send_eth(anvil), content_type="text/plain")
    assert reply.status_code == 415
    assert chain_state(anvil) == before


def test_rpc_refuses_403_and_forwards_nothing_if_origin_is_another_site(preview, anvil):
    before = chain_state(anvil)
    reply = post(client(preview, anvil, dev_methods=True), send_eth(anvil), origin="https://evil.example")
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == "forbidden_origin"
    assert chain_state(anvil) == before


def test_rpc_refuses_403_if_origin_is_not_among_the_configured_origins(preview, anvil):
    gate = {"origins": frozenset({"http://127.0.0.1:8000"})}
    assert post(client(preview, anvil, **gate), call("eth_blockNumber", []), origin=ORIGIN).status_code == 403
    reply = post(client(preview, anvil, **gate), call("eth_blockNumber", []), origin="http://127.0.0.1:8000")
    assert reply.status_code == 200


def test_rpc_refuses_413_and_forwards_nothing_if_the_body_is_over_the_limit(preview, anvil):
    before = chain_state(anvil)
    body = send_eth(anvil) | {"padding": "x" * 2048}
    reply = post(client(preview, anvil, dev_methods=True, max_body=1024), body)
    assert reply.status_code == 413
    assert chain_state(anvil) == before


def test_rpc_refuses_400_and_forwards_nothing_if_the_body_is_a_batch(preview, anvil):
    before = chain_state(anvil)
    reply = post(client(preview, anvil, dev_methods=True), [send_eth(anvil)])
    assert reply.status_code == 400
    assert chain_state(anvil) == before


def test_rpc_refuses_400_if_the_body_is_not_json(preview, anvil):
    assert post(client(preview, anvil), b"{not json").status_code == 400


@pytest.mark.parametrize(
    "method,params",
    [
        ("eth_sendTransaction", None),
        ("evm_increaseTime", [3600]),
        ("evm_mine", []),
        ("anvil_setBalance", ["0x" + "11" * 20, hex(10**21)]),
    ],
)
def test_rpc_refuses_403_and_leaves_the_chain_unchanged_if_a_dev_method_is_sent_without_dev_methods(
    preview, anvil, method, params
):
    before = chain_state(anvil)
    body = send_eth(anvil) if params is None else call(method, params)
    reply = post(client(preview, anvil), body)
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == -32601
    assert method in reply.json()["error"]["message"]
    assert chain_state(anvil) == before
    assert anvil.w3.eth.get_balance("0x" + "11" * 20) == 0


@pytest.mark.parametrize("method", ["debug_traceCall", "admin_nodeInfo", "personal_sign", "txpool_content"])
def test_rpc_refuses_403_even_with_dev_methods_if_the_method_is_not_one_the_pages_use(preview, anvil, method):
    reply = post(client(preview, anvil, dev_methods=True), call(method, []))
    assert reply.status_code == 403


def test_rpc_forwards_the_dev_signer_if_dev_methods_are_on(preview, anvil):
    nonce = anvil.w3.eth.get_transaction_count(anvil.accounts[0])
    reply = post(client(preview, anvil, dev_methods=True), send_eth(anvil))
    assert reply.status_code == 200, reply.text
    anvil.w3.eth.wait_for_transaction_receipt(reply.json()["result"])
    assert anvil.w3.eth.get_transaction_count(anvil.accounts[0]) == nonce + 1


def test_rpc_gate_has_no_dev_methods_if_the_app_listens_on_all_interfaces():
    assert not rpc_gate("0.0.0.0", 8000, dev_chain=True).dev_methods
    assert not rpc_gate("192.0.2.2", 8000, dev_chain=True).dev_methods
    assert rpc_gate("0.0.0.0", 8000, dev_chain=True, origin="https://app.example/").origins == {"https://app.example"}


def test_rpc_gate_has_dev_methods_only_if_the_chain_is_a_local_dev_chain_and_the_app_is_on_loopback():
    assert rpc_gate("127.0.0.1", 8000, dev_chain=True).dev_methods
    assert not rpc_gate("127.0.0.1", 8000, dev_chain=False).dev_methods
    assert "http://127.0.0.1:8000" in rpc_gate("127.0.0.1", 8000, dev_chain=True).origins
    assert "http://localhost:8000" in rpc_gate("127.0.0.1", 8000, dev_chain=True).origins
