"""What a client checks before trusting a listing: the collection on-chain is the one the manifest describes.

The marketplace stores a listing's `verifier()` and `modelHash()` only; a batch collection also verifies through
`batchVerifier(n)`, one per batch size, which the listing does not show. A collection whose batch verifier accepts
anything mints whatever a prover claims, so `check_listing` compares every one of them with the manifest (sizes
the manifest does not record must have no verifier), along with the vendor, the verifier and the model hash, and
says what the manifest records as the model's SRS kind. The user CLI runs it before paying; the prover at start.
"""

from __future__ import annotations

from ape import Contract
from ape.utils import ZERO_ADDRESS

from models import registry

from .errors import ZkaigcError


class ListingMismatchError(ZkaigcError):
    """The on-chain collection or listing differs from the deployment manifest."""


_ABI = [
    {"type": "function", "name": "verifier", "stateMutability": "view", "inputs": [], "outputs": [{"type": "address"}]},
    {
        "type": "function",
        "name": "modelHash",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [{"type": "bytes32"}],
    },
    {
        "type": "function",
        "name": "batchVerifier",
        "stateMutability": "view",
        "inputs": [{"name": "size", "type": "uint256"}],
        "outputs": [{"type": "address"}],
    },
]


def _same(a, b) -> bool:
    return str(a).lower() == str(b).lower()


def listing_problems(market, name: str, entry: dict) -> list[str]:
    """What differs between the chain and the manifest's entry for model `name` (empty: the listing matches)."""
    address = entry["collection"]
    if not market.provider.get_code(address):
        return [f"{name}: no collection code at {address}"]
    problems = []
    listing = market.getListing(address)
    if _same(listing.vendor, ZERO_ADDRESS):
        problems.append(f"{name}: {address} is not listed on the marketplace")
    elif entry.get("vendor") and not _same(listing.vendor, entry["vendor"]):
        problems.append(f"{name}: listed by {listing.vendor}, not the manifest's vendor {entry['vendor']}")
    collection = Contract(address, abi=_ABI)
    if not _same(collection.verifier(), entry["verifier"]):
        problems.append(f"{name}: verifier() is {collection.verifier()}, the manifest says {entry['verifier']}")
    onchain = "0x" + bytes(collection.modelHash()).hex()
    if onchain != entry["model_hash"].lower():
        problems.append(f"{name}: modelHash() is {onchain[:12]}…, the manifest says {entry['model_hash'][:12]}…")
    recorded = entry.get("batch_verifiers") or {}
    sizes = set(registry.get(name).batch_sizes if name in registry.names() else ()) | {int(n) for n in recorded}
    for size in sorted(sizes):
        expected = recorded.get(str(size), ZERO_ADDRESS)
        try:
            found = collection.batchVerifier(size)
        except Exception:  # noqa: BLE001 - a single-proof collection has no batchVerifier at all
            found = ZERO_ADDRESS
        if not _same(found, expected):
            problems.append(f"{name}: batchVerifier({size}) is {found}, the manifest says {expected}")
    return problems


def check_listing(market, name: str, entry: dict) -> str:
    """Raise `ListingMismatchError` (one line) unless the listing of `name` matches the manifest; returns the
    model's recorded SRS kind (`dev`: its SRS maker can forge proofs; missing from an old manifest: `dev`)."""
    problems = listing_problems(market, name, entry)
    if problems:
        raise ListingMismatchError("; ".join(problems))
    return entry.get("srs_kind", "dev")
