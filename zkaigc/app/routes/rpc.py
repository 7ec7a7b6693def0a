"""`/rpc`: the pages' way to the node. It forwards only what `rpcgate.RpcGate` lets through (JSON from the app's own
origin, the methods the pages use; the dev signer and clock only for a local dev chain served on loopback): 415,
403, 413 or 400 otherwise, and nothing reaches the node."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..deps import AppState, State
from ..errors import ApiError, error_response
from ..rpcgate import RpcRefused

router = APIRouter()


@router.post("/rpc")
async def rpc(request: Request, state: State) -> Response:
    """Forward one JSON-RPC call the gate allows to the node, and its answer back."""
    if not state.rpc_url:
        raise ApiError(503, "no_chain", "the app was started without a chain")
    import anyio

    gate = state.rpc_gate
    try:
        gate.check_headers(request.headers, request.url.scheme)
        body = b""
        async for chunk in request.stream():  # bounded: stop reading past the limit
            body += chunk
            if len(body) > gate.max_body:
                break
        gate.check_body(body)
    except RpcRefused as err:
        if err.rpc_error:  # a JSON-RPC client (ethers) shows the error's message
            error = {"code": -32601, "message": err.message}
            return JSONResponse({"jsonrpc": "2.0", "id": err.rpc_id, "error": error}, status_code=err.status)
        return error_response(err.status, err.code, err.message)
    status, content = await anyio.to_thread.run_sync(forward_rpc, state, body)
    return Response(content, status_code=status, media_type="application/json")


def forward_rpc(state: AppState, body: bytes) -> tuple[int, bytes]:
    """POST a JSON-RPC body to the node and return its status and bytes."""
    import requests

    if state.rpc_session is None:
        state.rpc_session = requests.Session()
    try:
        reply = state.rpc_session.post(
            state.rpc_url, data=body, headers={"Content-Type": "application/json"}, timeout=120
        )
    except requests.RequestException as err:
        message = f"the node at {state.rpc_url} did not answer: {type(err).__name__}"
        return 502, b'{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"' + message.encode() + b'"}}'
    return reply.status_code, reply.content
