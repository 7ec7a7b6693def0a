"""Progress reporting for long stages: one line per event on stderr, or any sink the caller passes."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[str], None]


def log(message: str) -> None:
    """Default progress sink: one line on stderr."""
    print(f"[zkaigc] {message}", file=sys.stderr, flush=True)


def quiet(_message: str) -> None:
    """A progress sink that drops everything (child processes that report JSON only)."""


@contextmanager
def stage(name: str, progress: Progress = log) -> Iterator[dict]:
    """Announce a stage, time it, and report how long it took."""
    progress(f"{name} ...")
    timing: dict[str, float] = {}
    start = time.perf_counter()
    yield timing
    timing["seconds"] = time.perf_counter() - start
    progress(f"{name} done in {timing['seconds']:.1f}s")


@contextmanager
def heartbeat(name: str, progress: Progress = log, every: float = 30.0) -> Iterator[None]:
    """While the body runs (one blocking ezkl call), report every `every` seconds that `name` is still running:
    a long proof is not a hung one."""
    import threading

    done = threading.Event()
    start = time.perf_counter()

    def beat() -> None:
        while not done.wait(every):
            progress(f"{name}: still running, {time.perf_counter() - start:.0f}s")

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
