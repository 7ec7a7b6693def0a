"""Where the pipeline's files live, and how they are fingerprinted.

Committed: ``proofs/artifacts/<model>/``, ``proofs/srs/`` and ``contracts/verifiers/``; only explicit CLI actions
(`python -m proofs build`) write there. Regenerated: the gitignored cache (``.cache/zkaigc/``, or ``$ZKAIGC_CACHE``),
which several processes on one machine share (a fleet's workers, a test run's suites): whatever regenerates a
cached file holds its `cache_lock`.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from filelock import FileLock

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_ROOT = REPO_ROOT / "proofs" / "artifacts"
SRS_ROOT = REPO_ROOT / "proofs" / "srs"
VERIFIERS_ROOT = REPO_ROOT / "contracts" / "verifiers"
CACHE_ROOT = Path(os.environ.get("ZKAIGC_CACHE", REPO_ROOT / ".cache" / "zkaigc"))


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_lock(path: Path) -> FileLock:
    """An inter-process lock for regenerating the cached file `path` (held in ``<path>.lock`` beside it): a second
    process waits, then finds the file fresh instead of reading it half written or writing it again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(f"{path}.lock")
