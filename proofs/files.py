"""Where the pipeline's files live, and how they are fingerprinted.

Committed: ``proofs/artifacts/<model>/``, ``proofs/srs/`` and ``contracts/verifiers/``; only explicit CLI actions
(`python -m proofs build`) write there. Regenerated: the gitignored cache (``.cache/zkaigc/``, or ``$ZKAIGC_CACHE``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

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
