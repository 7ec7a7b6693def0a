"""What the routes depend on (FastAPI dependencies): the app's state and the per-client rate limit."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from ..errors import UnknownModelError
from .chainview import ChainView
from .errors import ApiError
from .preview import PreviewService
from .ratelimit import RateLimiter
from .rpcgate import RpcGate


@dataclass
class AppState:
    """Everything the routes use."""

    preview: PreviewService
    chain: ChainView | None = None
    contracts: dict[str, dict] = field(default_factory=dict)
    limiter: RateLimiter | None = None
    rpc_url: str | None = None
    prover_activity: dict[int, str] | None = None  # request id -> what the embedded prover is doing with it
    rpc_session: Any = None
    rpc_gate: RpcGate = field(default_factory=RpcGate)

    def listed(self) -> list[str]:
        """The models the pages show: the deployed ones the preview serves (all served ones without a chain)."""
        if self.chain is None:
            return self.preview.names
        return [name for name in self.preview.names if name in self.chain.deployed]

    def price(self, name: str) -> dict[str, str | None]:
        """A model's next price, fee and royalty as the pages show them (None: not listed)."""
        quote = self.chain.quote(name) if self.chain else None
        royalty = self.chain.royalty_bps(name) if self.chain else None
        return {
            "price": str(quote[0]) if quote else None,
            "fee": str(quote[1]) if quote else None,
            "royaltyBps": royalty,
        }

    def check_models(self, names: list[str] | None) -> list[str]:
        """The asked-for models (default: every listed one), each listed; `UnknownModelError` (404) otherwise."""
        listed = self.listed()
        for name in names or []:
            if name not in listed:
                raise UnknownModelError(name, listed)
        return list(dict.fromkeys(names)) if names else listed


def app_state(request: Request) -> AppState:
    """The state `create_app` wired into the app."""
    return request.app.state.zk


State = Annotated[AppState, Depends(app_state)]


def rate_limit(request: Request, state: State) -> None:
    """Spend one of the client's tokens; 429 with `Retry-After` once its bucket is empty."""
    if state.limiter is None:
        return
    client = request.client.host if request.client else "unknown"
    wait = state.limiter.take(client)
    if wait:
        retry = "3600" if math.isinf(wait) else str(max(1, math.ceil(wait)))
        raise ApiError(429, "rate_limited", f"too many previews; retry in {retry} s", {"Retry-After": retry})
