"""What the app's `/rpc` forwards to the node: the JSON-RPC methods the pages need, from the app's own pages.

The pass-through used to forward any body, so a visitor (or, on 127.0.0.1, any web page the user opened, with a
no-preflight `text/plain` POST) could call `eth_sendTransaction` from the node's unlocked accounts, `anvil_*`,
`evm_*`, `debug_*`. `RpcGate.check` now lets a request through only if:

- it is `POST` with `Content-Type: application/json` (415 otherwise): a cross-site page cannot send that without a
  CORS preflight, which the app never answers;
- its `Origin`, when a browser sends one, is one of the app's own origins (403 otherwise; a client that is not a
  browser sends none and gains nothing from one);
- the body is at most `max_body` bytes (413) and one JSON-RPC call object (400; the pages never batch);
- its method is a read the pages make, or `eth_sendRawTransaction` (signed by the user's own wallet); the dev
  methods (`eth_sendTransaction` from the node's unlocked accounts, `evm_*`, `anvil_*`, `eth_sign*`) only when
  `dev_methods` — the app serves a local dev chain AND listens on loopback only (403 with a JSON-RPC error
  otherwise). Everything else (`debug_*`, `trace_*`, `admin_*`, `personal_*`, `txpool_*`, …) is never forwarded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

#: The reads the pages (ethers 6's JsonRpcProvider) and a browser wallet make, and the one write a wallet needs.
PUBLIC_METHODS = frozenset(
    {
        "eth_chainId",
        "net_version",
        "web3_clientVersion",
        "eth_blockNumber",
        "eth_getBlockByNumber",
        "eth_getBlockByHash",
        "eth_call",
        "eth_estimateGas",
        "eth_gasPrice",
        "eth_maxPriorityFeePerGas",
        "eth_feeHistory",
        "eth_getBalance",
        "eth_getCode",
        "eth_getStorageAt",
        "eth_getTransactionCount",
        "eth_getTransactionByHash",
        "eth_getTransactionReceipt",
        "eth_getLogs",
        "eth_newFilter",
        "eth_newBlockFilter",
        "eth_getFilterChanges",
        "eth_getFilterLogs",
        "eth_uninstallFilter",
        "eth_accounts",
        "eth_sendRawTransaction",
    }
)
#: Signing with the node's keys and moving the dev chain's clock: only for a local dev chain served on loopback.
DEV_METHODS = frozenset({"eth_sendTransaction", "eth_sign", "eth_signTypedData_v4", "eth_signTransaction"})
DEV_PREFIXES = ("evm_", "anvil_")

#: The largest body forwarded: a `verify(prompt, aigcData, proof)` call of the biggest model is tens of KB.
MAX_BODY = 512 * 1024


class RpcRefused(Exception):
    """A request the gate does not forward: HTTP status, error code, message, and the JSON-RPC id if known."""

    def __init__(self, status: int, code: str, message: str, rpc_id: Any = None, rpc_error: bool = False):
        super().__init__(message)
        self.status, self.code, self.message, self.rpc_id, self.rpc_error = status, code, message, rpc_id, rpc_error


@dataclass(frozen=True)
class RpcGate:
    """The `/rpc` policy of one app."""

    #: Forward the dev methods (the node's unlocked accounts sign; the chain's clock moves).
    dev_methods: bool = False
    #: The app's own origins (`http://127.0.0.1:8000`); None: the origin the request's Host header names.
    origins: frozenset[str] | None = None
    max_body: int = MAX_BODY

    def allows(self, method: str) -> bool:
        if method in PUBLIC_METHODS:
            return True
        return self.dev_methods and (method in DEV_METHODS or method.startswith(DEV_PREFIXES))

    def check_headers(self, headers, scheme: str) -> None:
        """Content type, origin and declared length; raises `RpcRefused` before the body is read."""
        ctype = (headers.get("content-type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise RpcRefused(415, "unsupported_media_type", "/rpc takes Content-Type: application/json")
        origin = headers.get("origin")
        if origin is not None:
            allowed = self.origins if self.origins is not None else {f"{scheme}://{headers.get('host', '')}"}
            if origin not in allowed:
                raise RpcRefused(403, "forbidden_origin", f"/rpc answers the app's own pages only, not {origin}")
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > self.max_body:
            raise RpcRefused(413, "body_too_large", f"the body is {length} bytes; /rpc takes at most {self.max_body}")

    def check_body(self, body: bytes) -> dict:
        """The one JSON-RPC call in `body`, if its method may be forwarded; raises `RpcRefused` otherwise."""
        if len(body) > self.max_body:
            raise RpcRefused(413, "body_too_large", f"the body is over {self.max_body} bytes")
        try:
            call = json.loads(body)
        except ValueError:
            raise RpcRefused(400, "invalid_json", "the body is not JSON") from None
        if not isinstance(call, dict) or not isinstance(call.get("method"), str):
            raise RpcRefused(400, "invalid_request", "/rpc takes one JSON-RPC call object (no batches)")
        method = call["method"]
        if not self.allows(method):
            why = (
                "a development method, forwarded only for a local dev chain served on loopback"
                if method in DEV_METHODS or method.startswith(DEV_PREFIXES)
                else "not a method the pages use"
            )
            raise RpcRefused(403, "method_not_allowed", f"{method}: {why}", call.get("id"), rpc_error=True)
        return call
