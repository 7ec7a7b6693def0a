"""The model-serving preview: what a paid proof of a prompt will contain, without proving it.

A preview runs the committed circuit on the prompt's latent with ezkl's witness generation (no proof, ~0.1 s per
model once the circuit is compiled), so its aigcData is exactly the public output a proof will carry and the
collection will store. The bytes come from the library (`Encoding.split_instances`, `proofs.render.render_png`),
never from a copy of the byte format here.

Photos are style transfer exactly as `python -m proofs encode` does it (`proofs.style`): centred square crop, the
model's (unproven) encoder, the latent rounded to the prompt grid; only the decoder is proven, so the encoder is
free to be anything. The witness and its decoding are `proofs.style.circuit_output` too, so a photo's prompt and
preview here are the ones `proofs.style.encode` gives. This module adds only what a server needs: upload limits,
a cache and bounded concurrency.

Results are cached by (model, prompt) in a bounded LRU; at most `max_jobs` witness jobs run at once, and a request
that cannot get a slot within `wait_seconds` fails with `PreviewBusyError` instead of queueing forever.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from proofs import style
from proofs.model_artifacts import ModelArtifacts, artifacts_of
from proofs.progress import quiet
from proofs.prompts import latent_of
from proofs.render import render_png

from ..errors import PreviewBusyError, UnknownModelError, UploadError, UploadTooLargeError

#: Uploads of this many bytes or more are refused (5 MB: a photo fits; the decoder needs only a thumbnail).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Decoded images with more pixels than this are refused before they are decoded (decompression bombs).
MAX_UPLOAD_PIXELS = 40_000_000


@dataclass(frozen=True)
class Preview:
    """One model's output on one prompt: the aigcData a proof will carry and its picture."""

    model: str
    prompt: bytes
    aigc: bytes
    png: bytes
    width: int
    height: int
    channels: int
    seconds: float
    cached: bool = False

    def to_json(self) -> dict:
        import base64

        return {
            "model": self.model,
            "prompt": "0x" + self.prompt.hex(),
            "aigcData": "0x" + self.aigc.hex(),
            "image": "data:image/png;base64," + base64.b64encode(self.png).decode(),
            "width": self.width,
            "height": self.height,
            "channels": self.channels,
            "seconds": round(self.seconds, 4),
            "cached": self.cached,
        }


class PreviewService:
    """Previews of prompts and photos on a fixed set of committed models."""

    def __init__(
        self,
        models: Iterable[str] | dict[str, ModelArtifacts],
        workdir: Path | None = None,
        max_jobs: int = 2,
        cache_size: int = 512,
        wait_seconds: float = 20.0,
    ):
        if isinstance(models, dict):
            self.models = dict(models)
        else:
            self.models = {name: artifacts_of(name) for name in models}
        for art in self.models.values():
            art.progress = quiet
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="zkaigc-preview-"))
        self.max_jobs, self.wait_seconds, self.cache_size = max_jobs, wait_seconds, cache_size
        self._slots = threading.BoundedSemaphore(max_jobs)
        self._cache: OrderedDict[tuple[str, bytes], Preview] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=max_jobs, thread_name_prefix="preview")
        self.jobs_run = 0  # witness jobs actually run (cache misses), for tests and metrics

    @property
    def names(self) -> list[str]:
        return list(self.models)

    def artifacts(self, name: str) -> ModelArtifacts:
        """The artifacts of a served model; `UnknownModelError` for any other name."""
        if name not in self.models:
            raise UnknownModelError(name, self.names)
        return self.models[name]

    def warm(self) -> None:
        """Compile every served circuit (into the cache) so that the first preview is as fast as the rest."""
        for art in self.models.values():
            art.compile()

    # --- prompts ---------------------------------------------------------------------------------------
    def preview(self, name: str, prompt: bytes) -> Preview:
        """The model's output on `prompt` (EncodingError if the prompt does not fit the model)."""
        art = self.artifacts(name)
        latent_of(art.encoding(), prompt)  # EncodingError: wrong length, before any witness job
        key = (name, bytes(prompt))
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return replace(hit, cached=True)
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise PreviewBusyError(f"all {self.max_jobs} preview slots stayed busy for {self.wait_seconds:.0f} s")
        try:
            started = time.perf_counter()
            job = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self._jobdir()))
            try:
                aigc = style.circuit_output(art, prompt, job)
                png = render_png(art, aigc, job / "preview.png").read_bytes()
            finally:
                shutil.rmtree(job, ignore_errors=True)
            self.jobs_run += 1
        finally:
            self._slots.release()
        channels, height, width = art.output_shape()
        result = Preview(name, bytes(prompt), aigc, png, width, height, channels, time.perf_counter() - started)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return result

    def preview_many(self, prompts: dict[str, bytes]) -> dict[str, Preview | Exception]:
        """Previews of several (model -> prompt) at once, in parallel up to `max_jobs`; errors are returned, not
        raised, so one model's bad prompt does not hide the others' images."""
        futures = {name: self._pool.submit(self.preview, name, prompt) for name, prompt in prompts.items()}
        out: dict[str, Preview | Exception] = {}
        for name, future in futures.items():
            try:
                out[name] = future.result()
            except Exception as err:  # noqa: BLE001 - reported per model by the caller
                out[name] = err
        return out

    def _jobdir(self) -> Path:
        self.workdir.mkdir(parents=True, exist_ok=True)
        return self.workdir

    # --- photos ----------------------------------------------------------------------------------------
    def prompt_of_image(self, name: str, data: bytes) -> bytes:
        """The prompt a photo stands for on a model: `proofs.style`'s (centred crop, encoder, rounding)."""
        self.artifacts(name)  # UnknownModelError before the upload is decoded
        channels, side = style.encoder_input(name)
        return style.prompt_for(style.load_image(open_upload(data), side, channels), name)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def open_upload(data: bytes):
    """Uploaded bytes -> a decoded PIL image; `UploadError` if they are too large or not a usable image.

    Decoded at full size (no JPEG draft mode, which decodes other pixels), so the prompt is the one
    `python -m proofs encode` gives the same file."""
    from PIL import Image, UnidentifiedImageError

    if len(data) >= MAX_UPLOAD_BYTES:
        raise UploadTooLargeError(f"the upload is {len(data)} bytes; the limit is {MAX_UPLOAD_BYTES} bytes (5 MB)")
    try:
        with warnings.catch_warnings():
            # PIL itself warns over MAX_IMAGE_PIXELS and raises over twice that, in `open`: both are a 413 here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_UPLOAD_PIXELS:  # decompression bombs: refused before decoding
                raise UploadTooLargeError(
                    f"the image is {image.width}×{image.height} pixels; the limit is {MAX_UPLOAD_PIXELS}"
                )
            image.load()
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadTooLargeError(f"the image has more pixels than the limit, {MAX_UPLOAD_PIXELS}") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as err:
        raise UploadError(f"the upload is not an image this server can read ({type(err).__name__})") from None
    return image
