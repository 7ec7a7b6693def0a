"""KZG structured reference strings: the committed development SRS, and the public ceremony SRS.

A development SRS is made here by `ezkl.gen_srs`: whoever made it knows its toxic waste and can forge proofs.
It is for tests and local demos only, and every command that uses one says so, once (`warn_dev_srs`).
The library only reads committed SRS files and generates missing ones into the cache; committing a new one
(in parts under git's size limit) is the explicit CLI action `python -m proofs build` (`commit_dev_srs`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import ezkl

from .errors import SrsError
from .files import CACHE_ROOT, SRS_ROOT
from .progress import Progress, log, stage

#: Git rejects files over 32 MB here; larger SRS files are committed in parts of this size.
SRS_PART_BYTES = 30 * 1024 * 1024

DEV_SRS_WARNING = (
    "WARNING: DEVELOPMENT SRS. This KZG setup was generated locally by `ezkl.gen_srs`; whoever generated it "
    "knows its toxic waste and can FORGE PROOFS for any statement. Fine for tests and local demos, never "
    "for value on a public network: use the ceremony SRS (`--srs ceremony`, needs internet)."
)

_warned = False


def warn_dev_srs(progress: Progress = log) -> None:
    """Print the development-SRS warning, once per process (one command says it once)."""
    global _warned
    if not _warned:
        _warned = True
        progress(DEV_SRS_WARNING)


def dev_srs_parts(logrows: int, root: Path = SRS_ROOT) -> list[Path]:
    """The committed parts of the development SRS for `logrows`, in order (empty if none)."""
    whole = root / f"dev-k{logrows}.srs"
    if whole.exists():
        return [whole]
    return sorted(root.glob(f"dev-k{logrows}.srs.part*"), key=lambda p: int(p.suffix.removeprefix(".part")))


def _cache_path(logrows: int, root: Path) -> Path:
    """Where an assembled or freshly generated SRS for `root` lives (never inside the committed folder)."""
    if root == SRS_ROOT:
        return CACHE_ROOT / "srs" / f"dev-k{logrows}.srs"
    return root / ".assembled" / f"dev-k{logrows}.srs"  # a scratch root (tests): keep it self-contained


def dev_srs(logrows: int, progress: Progress = log, root: Path = SRS_ROOT, create: bool = True) -> Path:
    """A development SRS of exactly `logrows`: the committed one (assembled from parts), else one generated
    into the cache when `create` (commit it with `commit_dev_srs`)."""
    cached = _cache_path(logrows, root)
    parts = dev_srs_parts(logrows, root)
    if len(parts) == 1:
        return parts[0]
    if parts:
        if not cached.exists() or cached.stat().st_size != sum(p.stat().st_size for p in parts):
            cached.parent.mkdir(parents=True, exist_ok=True)
            with open(cached.with_suffix(".tmp"), "wb") as out:
                for part in parts:
                    out.write(part.read_bytes())
            cached.with_suffix(".tmp").replace(cached)
        return cached
    if cached.exists():
        return cached
    if not create:
        raise SrsError(f"no development SRS for logrows {logrows} under {root}")
    warn_dev_srs(progress)
    with stage(f"gen_srs (development, logrows {logrows})", progress):
        cached.parent.mkdir(parents=True, exist_ok=True)
        ezkl.gen_srs(str(cached.with_suffix(".tmp")), logrows)
        cached.with_suffix(".tmp").replace(cached)
    return cached


def commit_dev_srs(logrows: int, root: Path = SRS_ROOT) -> list[Path]:
    """Copy a generated development SRS into the committed folder, in parts under git's size limit."""
    existing = dev_srs_parts(logrows, root)
    if existing:
        return existing
    data = dev_srs(logrows, root=root, create=False).read_bytes()
    root.mkdir(parents=True, exist_ok=True)
    if len(data) <= SRS_PART_BYTES:
        (root / f"dev-k{logrows}.srs").write_bytes(data)
    else:
        for i in range(0, len(data), SRS_PART_BYTES):
            (root / f"dev-k{logrows}.srs.part{i // SRS_PART_BYTES}").write_bytes(data[i : i + SRS_PART_BYTES])
    return dev_srs_parts(logrows, root)


def ceremony_srs(settings_path: Path, logrows: int, progress: Progress = log) -> Path:
    """The public ceremony SRS (needs internet): the production path."""
    dest = CACHE_ROOT / "srs" / f"ceremony-k{logrows}.srs"
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        with stage(f"get_srs (public ceremony, logrows {logrows})", progress):
            result = ezkl.get_srs(settings_path=str(settings_path), logrows=logrows, srs_path=str(dest))
            if asyncio.iscoroutine(result):
                result = asyncio.run(result)
            if not result or not dest.exists():
                raise SrsError("could not download the ceremony SRS (offline?); use --srs dev for local work")
    return dest
