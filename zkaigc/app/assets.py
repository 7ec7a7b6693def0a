"""The pages' static files, and ethers 6 vendored into them from npm (no CDN, nothing fetched at run time)."""

from __future__ import annotations

import shutil
from pathlib import Path

from proofs.files import REPO_ROOT

from ..errors import AssetsError

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: Gitignored: filled from node_modules by `vendor_ethers` (`make setup`, and the app at start-up).
VENDOR_DIR = STATIC_DIR / "vendor"
ETHERS_NPM = REPO_ROOT / "node_modules" / "ethers" / "dist" / "ethers.min.js"


def vendor_ethers(source: Path = ETHERS_NPM, vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy npm's minified ethers ES module to `static/vendor/ethers.min.js` unless an identical copy is there."""
    if not source.exists():
        raise AssetsError(f"{source} is missing: run `make setup` (ethers is an npm devDependency)")
    target = vendor_dir / "ethers.min.js"
    if not target.exists() or target.read_bytes() != source.read_bytes():
        vendor_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return target


if __name__ == "__main__":  # `python -m zkaigc.app.assets` (make setup)
    print(vendor_ethers())
