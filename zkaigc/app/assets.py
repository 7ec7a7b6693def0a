"""The pages' static files, and ethers 6 vendored into them from npm (no CDN, nothing fetched at run time)."""

from __future__ import annotations

import shutil
from pathlib import Path

from proofs.files import REPO_ROOT

from ..errors import AssetsError

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: Gitignored: filled from node_modules by `vendor_assets` (`make setup`; the app vendors ethers at start-up too).
VENDOR_DIR = STATIC_DIR / "vendor"
ETHERS_NPM = REPO_ROOT / "node_modules" / "ethers" / "dist" / "ethers.min.js"
#: npm's `mipd` (EIP-6963 wallet discovery, MIT): its ES modules, vendored as they are into `vendor/mipd/`.
MIPD_NPM = REPO_ROOT / "node_modules" / "mipd" / "dist" / "esm"
MIPD_FILES = ("index.js", "store.js", "utils.js")


def vendor_ethers(source: Path = ETHERS_NPM, vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy npm's minified ethers ES module to `static/vendor/ethers.min.js` unless an identical copy is there."""
    if not source.exists():
        raise AssetsError(f"{source} is missing: run `make setup` (ethers is an npm devDependency)")
    target = vendor_dir / "ethers.min.js"
    if not target.exists() or target.read_bytes() != source.read_bytes():
        vendor_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return target


def vendor_mipd(source: Path = MIPD_NPM, vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy npm's `mipd` ES modules (EIP-6963 discovery) to `static/vendor/mipd/` unless identical copies are there."""
    target = vendor_dir / "mipd"
    for name in MIPD_FILES:
        src, dst = source / name, target / name
        if not src.exists():
            raise AssetsError(f"{src} is missing: run `make setup` (mipd is an npm devDependency)")
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    return target / "index.js"


def vendor_assets() -> list[Path]:
    """Everything the pages import from npm: ethers and mipd."""
    return [vendor_ethers(), vendor_mipd()]


if __name__ == "__main__":  # `python -m zkaigc.app.assets` (make setup)
    for path in vendor_assets():
        print(path)
