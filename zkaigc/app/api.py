"""The FastAPI app: JSON under `/api`, a JSON-RPC pass-through to the node under `/rpc`, the pages under `/`.

`/rpc` forwards only what `rpcgate.RpcGate` lets through (JSON from the app's own origin, the methods the pages
use; the dev signer and clock only for a local dev chain served on loopback): 415, 403, 413 or 400 otherwise,
and nothing reaches the node.

Every error is JSON, `{"error": {"code": ..., "message": ...}}`, with a fitting status: 404 unknown model, 422 a
prompt that is not hex or fits no model (or an empty or unreadable text), 413 an upload of 5 MB or more or of
more pixels than allowed, 415 an upload that is not an image, 429 past the per-client rate limit (with
`Retry-After`), 503 when every preview slot stays busy. A failing request never changes the app's state: the
cache only ever holds finished previews.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from proofs import textprompt
from proofs.textprompt import TextPromptError
from proofs.traits import TraitError

from ..errors import (
    EncodingError,
    PreviewBusyError,
    UnknownModelError,
    UploadError,
    UploadTooLargeError,
    ZkaigcError,
)
from .assets import STATIC_DIR
from .chainview import ChainView, model_info
from .preview import MAX_UPLOAD_BYTES, Preview, PreviewService
from .ratelimit import RateLimiter
from .rpcgate import RpcGate, RpcRefused

#: The longest text `/api/preview/text` reads.
MAX_TEXT_CHARS = 500


class ApiError(Exception):
    """An error answered as JSON with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


#: Project errors as (status, code); the most specific class first.
ERROR_STATUS: list[tuple[type[Exception], int, str]] = [
    (UnknownModelError, 404, "unknown_model"),
    (UploadTooLargeError, 413, "upload_too_large"),
    (UploadError, 415, "not_an_image"),
    (EncodingError, 422, "invalid_prompt"),
    (TextPromptError, 422, "invalid_text"),
    (TraitError, 422, "invalid_text"),
    (PreviewBusyError, 503, "busy"),
    (ZkaigcError, 500, "server_error"),
]


def error_of(err: Exception) -> tuple[int, str]:
    return next(((status, code) for cls, status, code in ERROR_STATUS if isinstance(err, cls)), (500, "internal"))


class PromptPreviewRequest(BaseModel):
    prompt: str
    models: list[str] | None = None


class TextPreviewRequest(BaseModel):
    text: str
    models: list[str] | None = None


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
        quote = self.chain.quote(name) if self.chain else None
        royalty = self.chain.royalty_bps(name) if self.chain else None
        return {
            "price": str(quote[0]) if quote else None,
            "fee": str(quote[1]) if quote else None,
            "royaltyBps": royalty,
        }


def parse_prompt(text: str) -> bytes:
    """A 0x-prefixed (or bare) hex string -> bytes; `ApiError` 422 if it is not hex."""
    raw = text.strip().removeprefix("0x").removeprefix("0X")
    try:
        prompt = bytes.fromhex(raw)
    except ValueError:
        raise ApiError(422, "invalid_prompt", "the prompt must be hex bytes, e.g. 0x9c3f07e1") from None
    if not prompt:
        raise ApiError(422, "wrong_prompt_length", "the prompt is empty")
    return prompt


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
    state = AppState(preview, chain, contracts or {}, limiter, rpc_url, prover_activity, rpc_gate=rpc_gate or RpcGate())
    app.state.zk = state

    # --- errors: always JSON ------------------------------------------------------------------------------
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, err: ApiError):
        return error_response(err.status, err.code, err.message, err.headers)

    @app.exception_handler(ZkaigcError)
    async def _project_error(_request: Request, err: ZkaigcError):
        status, code = error_of(err)
        return error_response(status, code, str(err))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, err: RequestValidationError):
        fields = "; ".join(f"{'.'.join(map(str, e.get('loc', [])))}: {e.get('msg')}" for e in err.errors())
        return error_response(422, "invalid_request", fields or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, err: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(err.status_code, "http_error")
        return error_response(err.status_code, code, str(err.detail))

    @app.exception_handler(Exception)
    async def _internal_error(_request: Request, err: Exception):
        return error_response(500, "internal", f"{type(err).__name__}: {err}")

    def limit(request: Request) -> None:
        if state.limiter is None:
            return
        client = request.client.host if request.client else "unknown"
        wait = state.limiter.take(client)
        if wait:
            retry = "3600" if math.isinf(wait) else str(max(1, math.ceil(wait)))
            raise ApiError(429, "rate_limited", f"too many previews; retry in {retry} s", {"Retry-After": retry})

    def check_models(names: list[str] | None) -> list[str]:
        listed = state.listed()
        for name in names or []:
            if name not in listed:
                raise UnknownModelError(name, listed)
        return list(dict.fromkeys(names)) if names else listed

    def busy_check(results: dict[str, Preview | Exception]) -> dict[str, Preview | Exception]:
        if results and all(isinstance(r, PreviewBusyError) for r in results.values()):
            raise ApiError(503, "busy", str(next(iter(results.values()))), {"Retry-After": "1"})
        return results

    def entry(name: str, result: Preview | Exception) -> dict[str, Any]:
        if isinstance(result, Exception):
            status, code = error_of(result)
            return {"model": name, "ok": False, "error": {"code": code, "message": str(result)}}
        return {"model": name, "ok": True, **result.to_json(), **state.price(name)}

    # --- routes -------------------------------------------------------------------------------------------
    @app.get("/api/health")
    def health() -> dict:
        return {"ok": True, "models": state.listed(), "chain": state.chain is not None}

    @app.get("/api/config")
    def config() -> dict:
        if state.chain is None:
            return {"chainId": None, "models": {}}
        return state.chain.config()

    @app.get("/api/models")
    def models() -> dict:
        out = []
        for name in state.listed():
            info = model_info(state.preview.artifacts(name))
            if state.chain:
                info["collection"] = state.chain.collection_of(name)
            out.append({**info, **state.price(name)})
        return {"models": out}

    @app.get("/api/contracts")
    def contracts_route() -> dict:
        if not state.contracts:
            raise ApiError(503, "no_chain", "the app was started without contracts")
        return state.contracts

    @app.post("/api/preview")
    def preview_prompt(body: PromptPreviewRequest, request: Request) -> dict:
        limit(request)
        prompt = parse_prompt(body.prompt)
        names = check_models(body.models)
        lengths = {name: state.preview.artifacts(name).encoding().prompt_len for name in names}
        fitting = {name: prompt for name in names if lengths[name] == len(prompt)}
        if not fitting:
            wanted = ", ".join(f"{n} takes {k}" for n, k in lengths.items())
            raise ApiError(422, "wrong_prompt_length", f"the prompt is {len(prompt)} bytes; {wanted}")
        started = time.perf_counter()
        results = busy_check(state.preview.preview_many(fitting))
        out = []
        for name in names:
            if name in results:
                out.append(entry(name, results[name]))
            else:
                message = f"{name} takes a {lengths[name]}-byte prompt, not {len(prompt)} bytes"
                out.append({"model": name, "ok": False, "error": {"code": "wrong_prompt_length", "message": message}})
        return {"prompt": "0x" + prompt.hex(), "results": out, "seconds": round(time.perf_counter() - started, 4)}

    @app.post("/api/preview/text")
    def preview_text(body: TextPreviewRequest, request: Request) -> dict:
        """One text, each model's own prompt (`proofs.textprompt`: hex of its length, Nouns traits, or the
        documented hash), so no model fails on another's prompt format."""
        limit(request)
        if len(body.text) > MAX_TEXT_CHARS:
            message = f"the text is {len(body.text)} characters; the limit is {MAX_TEXT_CHARS}"
            raise ApiError(422, "text_too_long", message)
        names = check_models(body.models)
        started = time.perf_counter()
        prompts, how, failed = {}, {}, {}
        for name in names:
            try:
                prompts[name], how[name] = textprompt.prompt_for(name, body.text)
            except ZkaigcError as err:  # this model's reading of the text failed (e.g. an unknown Nouns trait)
                failed[name] = err
        if failed and not prompts:
            raise next(iter(failed.values()))
        results = {**busy_check(state.preview.preview_many(prompts)), **failed}
        out = [{**entry(name, results[name]), "mapping": how.get(name)} for name in names]
        return {"text": body.text, "results": out, "seconds": round(time.perf_counter() - started, 4)}

    @app.post("/api/preview/image")
    def preview_image(
        request: Request, file: Annotated[UploadFile, File()], models: Annotated[str | None, Form()] = None
    ) -> dict:
        limit(request)
        names = check_models([m for m in models.split(",") if m] if models else None)
        data = file.file.read(MAX_UPLOAD_BYTES)
        if len(data) >= MAX_UPLOAD_BYTES:
            raise UploadTooLargeError(f"the upload is {MAX_UPLOAD_BYTES} bytes or more; the limit is 5 MB")
        started = time.perf_counter()
        prompts = {name: state.preview.prompt_of_image(name, data) for name in names}  # UploadError: 415
        results = busy_check(state.preview.preview_many(prompts))
        return {
            "results": [entry(name, results[name]) for name in names],
            "seconds": round(time.perf_counter() - started, 4),
        }

    @app.get("/api/requests/{request_id}")
    def request_progress(request_id: int) -> dict:
        activity = state.prover_activity.get(request_id) if state.prover_activity is not None else None
        return {"requestId": request_id, "prover": activity, "embedded": state.prover_activity is not None}

    @app.post("/rpc")
    async def rpc(request: Request) -> Response:
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

    @app.middleware("http")
    async def upload_size(request: Request, call_next):
        # Refuse an oversized upload from its header, before the body is spooled to disk.
        length = request.headers.get("content-length")
        if request.url.path == "/api/preview/image" and length and length.isdigit():
            if int(length) > MAX_UPLOAD_BYTES + 64 * 1024:  # room for the multipart envelope
                return error_response(413, "upload_too_large", f"the upload is {length} bytes; the limit is 5 MB")
        return await call_next(request)

    app.mount("/", StaticFiles(directory=static_dir, html=True), name="pages")
    return app


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
