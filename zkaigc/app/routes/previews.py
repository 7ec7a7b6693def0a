"""The previews: a prompt, a text or a photo on every listed model, side by side with its price; each the circuit's
exact output (`PreviewService`), behind the per-client rate limit."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel

from proofs import textprompt

from ...errors import PreviewBusyError, UploadTooLargeError, ZkaigcError
from ..deps import AppState, State, rate_limit
from ..errors import ApiError, error_of, error_response
from ..preview import MAX_UPLOAD_BYTES, Preview

router = APIRouter(prefix="/api/preview", dependencies=[Depends(rate_limit)])

#: The longest text `/api/preview/text` reads.
MAX_TEXT_CHARS = 500


class PromptPreviewRequest(BaseModel):
    prompt: str
    models: list[str] | None = None


class TextPreviewRequest(BaseModel):
    text: str
    models: list[str] | None = None


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


def busy_check(results: dict[str, Preview | Exception]) -> dict[str, Preview | Exception]:
    """The results, unless every preview slot stayed busy for all of them (503)."""
    if results and all(isinstance(r, PreviewBusyError) for r in results.values()):
        raise ApiError(503, "busy", str(next(iter(results.values()))), {"Retry-After": "1"})
    return results


def entry(state: AppState, name: str, result: Preview | Exception) -> dict[str, Any]:
    """One model's result as the pages read it: the preview and its price, or the error."""
    if isinstance(result, Exception):
        status, code = error_of(result)
        return {"model": name, "ok": False, "error": {"code": code, "message": str(result)}}
    return {"model": name, "ok": True, **result.to_json(), **state.price(name)}


@router.post("")
def preview_prompt(body: PromptPreviewRequest, state: State) -> dict:
    """One hex prompt on every model it fits (a length error for the others)."""
    prompt = parse_prompt(body.prompt)
    names = state.check_models(body.models)
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
            out.append(entry(state, name, results[name]))
        else:
            message = f"{name} takes a {lengths[name]}-byte prompt, not {len(prompt)} bytes"
            out.append({"model": name, "ok": False, "error": {"code": "wrong_prompt_length", "message": message}})
    return {"prompt": "0x" + prompt.hex(), "results": out, "seconds": round(time.perf_counter() - started, 4)}


@router.post("/text")
def preview_text(body: TextPreviewRequest, state: State) -> dict:
    """One text, each model's own prompt (`proofs.textprompt`: hex of its length, Nouns traits, or the
    documented hash), so no model fails on another's prompt format."""
    if len(body.text) > MAX_TEXT_CHARS:
        message = f"the text is {len(body.text)} characters; the limit is {MAX_TEXT_CHARS}"
        raise ApiError(422, "text_too_long", message)
    names = state.check_models(body.models)
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
    out = [{**entry(state, name, results[name]), "mapping": how.get(name)} for name in names]
    return {"text": body.text, "results": out, "seconds": round(time.perf_counter() - started, 4)}


@router.post("/image")
def preview_image(
    state: State, file: Annotated[UploadFile, File()], models: Annotated[str | None, Form()] = None
) -> dict:
    """A photo on every model, through each model's encoder (as `python -m proofs encode`)."""
    names = state.check_models([m for m in models.split(",") if m] if models else None)
    data = file.file.read(MAX_UPLOAD_BYTES)
    if len(data) >= MAX_UPLOAD_BYTES:
        raise UploadTooLargeError(f"the upload is {MAX_UPLOAD_BYTES} bytes or more; the limit is 5 MB")
    started = time.perf_counter()
    prompts = {name: state.preview.prompt_of_image(name, data) for name in names}  # UploadError: 415
    results = busy_check(state.preview.preview_many(prompts))
    return {
        "results": [entry(state, name, results[name]) for name in names],
        "seconds": round(time.perf_counter() - started, 4),
    }


async def upload_size(request: Request, call_next):
    """Middleware: refuse an oversized upload from its header, before the body is spooled to disk."""
    length = request.headers.get("content-length")
    if request.url.path == "/api/preview/image" and length and length.isdigit():
        if int(length) > MAX_UPLOAD_BYTES + 64 * 1024:  # room for the multipart envelope
            return error_response(413, "upload_too_large", f"the upload is {length} bytes; the limit is 5 MB")
    return await call_next(request)
