"""The app's errors: every one answered as JSON, `{"error": {"code": ..., "message": ...}}`, with a fitting status.

404 unknown model, 422 a prompt that is not hex or fits no model (or an empty or unreadable text), 413 an upload of
5 MB or more or of more pixels than allowed, 415 an upload that is not an image, 429 past the per-client rate limit
(with `Retry-After`), 503 when every preview slot stays busy. A failing request never changes the app's state: the
cache only ever holds finished previews.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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


class ApiError(Exception):
    """An error answered as JSON with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON answer of an error."""
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
    """The (status, code) a project error is answered with."""
    return next(((status, code) for cls, status, code in ERROR_STATUS if isinstance(err, cls)), (500, "internal"))


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of `app` as JSON: its own, the project's, validation, HTTP, and anything unexpected."""

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
