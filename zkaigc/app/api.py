"""`create_app`: the FastAPI app wired together: JSON under `/api`, a JSON-RPC pass-through under `/rpc`, the pages
under `/`.

The parts, as the full-stack FastAPI template lays them out: `routes/` (one router per concern), `deps.py` (the
app's state and the rate limit, as dependencies), `errors.py` (every error answered as JSON). This module only
wires them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .assets import STATIC_DIR
from .chainview import ChainView
from .deps import AppState
from .errors import install_error_handlers
from .preview import PreviewService
from .ratelimit import RateLimiter
from .routes import ROUTERS
from .routes.previews import upload_size
from .rpcgate import RpcGate


def create_app(
    preview: PreviewService,
    chain: ChainView | None = None,
    contracts: dict[str, dict] | None = None,
    limiter: RateLimiter | None = None,
    rpc_url: str | None = None,
    prover_activity: dict[int, str] | None = None,
    static_dir: Path = STATIC_DIR,
    rpc_gate: RpcGate | None = None,
) -> FastAPI:
    """The web app over a preview service and (optionally) a deployment on a chain. `rpc_gate`: what `/rpc`
    forwards (default: reads and raw transactions only, from the origin the Host header names)."""
    app = FastAPI(title="zkaigc", docs_url="/api/docs", openapi_url="/api/openapi.json", redoc_url=None)
    app.state.zk = AppState(
        preview, chain, contracts or {}, limiter, rpc_url, prover_activity, rpc_gate=rpc_gate or RpcGate()
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.middleware("http")(upload_size)
    app.mount("/", StaticFiles(directory=static_dir, html=True), name="pages")
    return app
