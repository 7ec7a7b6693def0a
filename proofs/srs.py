"""KZG structured reference strings: the committed development SRS, and the public ceremony SRS.

The ceremony SRS comes either from ezkl's download (`ceremony_srs`, needs internet) or from a file the vendor
obtained elsewhere (`install_srs_file`); both are checked against the circuit's logrows (`check_kzg_params`)
and kept in the cache under their sha256, which meta.json records.

A development SRS is made here by `ezkl.gen_srs`: whoever made it knows its toxic waste and can forge proofs.
It is for tests and local demos only, and every command that uses one says so, once (`warn_dev_srs`).
The library only reads committed SRS files and generates missing ones into the cache; committing a new one
(in parts under git's size limit) is the explicit CLI action `python -m proofs build` (`commit_dev_srs`).
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import ezkl

from .errors import SrsError
from .files import CACHE_ROOT, SRS_ROOT, cache_lock, sha256_file
from .progress import Progress, log, stage

#: Git rejects files over 32 MB here; larger SRS files are committed in parts of this size.
SRS_PART_BYTES = 30 * 1024 * 1024

DEV_SRS_WARNING = (
    "WARNING: DEVELOPMENT SRS. This KZG setup was generated locally by `ezkl.gen_srs`; whoever generated it "
    "knows its toxic waste and can FORGE PROOFS for any statement. Fine for tests and local demos, never "
    "for value on a public network: use the ceremony SRS (`--srs ceremony` or `--srs-file PATH`)."
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
        with cache_lock(cached):
            if not cached.exists() or cached.stat().st_size != sum(p.stat().st_size for p in parts):
                with open(cached.with_suffix(".tmp"), "wb") as out:
                    for part in parts:
                        out.write(part.read_bytes())
                cached.with_suffix(".tmp").replace(cached)
        return cached
    if cached.exists():
        return cached
    if not create:
        raise SrsError(f"no development SRS for logrows {logrows} under {root}")
    with cache_lock(cached):
        if not cached.exists():  # another process may have made it while this one waited
            warn_dev_srs(progress)
            with stage(f"gen_srs (development, logrows {logrows})", progress):
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


#: Bytes of one G1 point (x, y uncompressed) and of one G2 point in halo2's raw KZG params format.
_G1_BYTES, _G2_BYTES = 64, 128


def kzg_params_size(k: int) -> int:
    """The byte size of halo2's raw KZG params file for 2^k rows: a 4-byte little-endian k, 2^k G1 points
    (the powers of tau), 2^k G1 points (the same in the Lagrange basis), then g2 and s·g2."""
    return 4 + 2 * (2**k) * _G1_BYTES + 2 * _G2_BYTES


def check_kzg_params(path: Path, logrows: int) -> int:
    """The k of a KZG params file that can set up a circuit of `logrows`; one-line `SrsError` otherwise.

    Checks what can be checked without trusting the file's maker: the header's k (at least the circuit's logrows;
    ezkl cuts a bigger SRS down to the circuit's size) and the exact size that k implies. It cannot tell a ceremony
    SRS from one whose maker kept the toxic waste: that is what the sha256 recorded in meta.json is for (compare
    it with the published one).
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            header = f.read(4)
    except OSError as err:
        raise SrsError(f"cannot read the SRS file {path}: {err.strerror or err}") from None
    if len(header) < 4:
        raise SrsError(f"{path} is not a KZG params file: {size} bytes")
    k = int.from_bytes(header, "little")
    if not 1 <= k <= 28 or size != kzg_params_size(k):
        raise SrsError(
            f"{path} is not a KZG params file: header says k={k}, size {size} bytes "
            f"(a k={logrows} file has {kzg_params_size(logrows)} bytes)"
        )
    if k < logrows:
        raise SrsError(f"{path} is an SRS for logrows {k}, too small for this circuit's logrows {logrows}")
    return k


def _ceremony_cache(sha256: str) -> Path:
    """Where a checked ceremony SRS lives in the cache: named by its sha256, so a recorded hash finds its file."""
    return CACHE_ROOT / "srs" / f"ceremony-{sha256}.srs"


def install_srs_file(path: Path, logrows: int) -> tuple[Path, str, int]:
    """Check a ceremony SRS file obtained elsewhere and copy it into the cache; (cached path, sha256, its k)."""
    k = check_kzg_params(path, logrows)
    sha256 = sha256_file(path)
    dest = _ceremony_cache(sha256)
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(".tmp")
        shutil.copyfile(path, tmp)
        tmp.replace(dest)
    return dest, sha256, k


def ceremony_srs(logrows: int, progress: Progress = log, sha256: str | None = None) -> tuple[Path, str]:
    """The public ceremony SRS for `logrows` (the production path); (path, sha256).

    With `sha256` (what a model's meta.json recorded) only that exact file is accepted: the cached copy, or a
    download whose hash matches. Without it, ezkl's published file for `logrows` is downloaded (needs internet;
    offline: one-line `SrsError`) and checked for size and header.
    """
    if sha256 and _ceremony_cache(sha256).exists():
        return _ceremony_cache(sha256), sha256
    tmp = CACHE_ROOT / "srs" / f"download-k{logrows}.srs.tmp"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.unlink(missing_ok=True)

    async def download() -> bool:  # ezkl 23's get_srs is a coroutine that needs a running event loop
        return await ezkl.get_srs(logrows=logrows, srs_path=str(tmp))

    with stage(f"get_srs (public ceremony, logrows {logrows})", progress):
        try:
            ok = asyncio.run(download())
        except Exception as err:  # noqa: BLE001 - ezkl raises RuntimeError for any network failure
            tmp.unlink(missing_ok=True)
            reason = " ".join(str(err).split())[:200]
            raise SrsError(
                f"could not download the ceremony SRS for logrows {logrows} ({reason}); offline, get ezkl's "
                f"published kzg{logrows}.srs elsewhere, check its sha256, and pass it with --srs-file PATH"
            ) from None
    if not ok or not tmp.exists():
        raise SrsError(f"ezkl.get_srs returned no SRS for logrows {logrows}")
    check_kzg_params(tmp, logrows)
    got = sha256_file(tmp)
    if sha256 and got != sha256:
        tmp.unlink(missing_ok=True)
        raise SrsError(f"the downloaded ceremony SRS has sha256 {got}, not the recorded {sha256}")
    tmp.replace(_ceremony_cache(got))
    return _ceremony_cache(got), got
