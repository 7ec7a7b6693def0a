"""What a client checks before trusting a listing: the collection on-chain is the one the manifest describes.

The marketplace stores a listing's `verifier()` and `modelHash()` only; a batch collection also verifies through
`batchVerifier(n)`, one per batch size, which the listing does not show. A collection whose batch verifier accepts
anything mints whatever a prover claims, so `check_listing` compares every one of them with the manifest (sizes
the manifest does not record must have no verifier), along with the vendor, the verifier and the model hash, and
says what the manifest records as the model's SRS kind. The user CLI runs it before paying; the prover at start.
"""

from __future__ import annotations

from ape.utils import ZERO_ADDRESS

from models import registry

from .errors import ZkaigcError
from .manifest import ModelEntry
from .marketplace import Marketplace, batch_verifier, collection_at


class ListingMismatchError(ZkaigcError):
    """The on-chain collection or listing differs from the deployment manifest."""


def _same(a, b) -> bool:
    return str(a).lower() == str(b).lower()


def listing_problems(market, name: str, entry: ModelEntry | dict) -> list[str]:
    """What differs between the chain and the manifest's entry for model `name` (empty: the listing matches)."""
    entry = ModelEntry.model_validate(entry) if isinstance(entry, dict) else entry
    address = entry.collection
    if not market.provider.get_code(address):
        return [f"{name}: no collection code at {address}"]
    problems = []
    vendor = Marketplace(market).vendor_of(address)
    if vendor is None:
        problems.append(f"{name}: {address} is not listed on the marketplace")
    elif entry.vendor and not _same(vendor, entry.vendor):
        problems.append(f"{name}: listed by {vendor}, not the manifest's vendor {entry.vendor}")
    collection = collection_at(address)
    if not _same(collection.verifier(), entry.verifier):
        problems.append(f"{name}: verifier() is {collection.verifier()}, the manifest says {entry.verifier}")
    onchain = "0x" + bytes(collection.modelHash()).hex()
    if onchain != entry.model_hash.lower():
        problems.append(f"{name}: modelHash() is {onchain[:12]}…, the manifest says {entry.model_hash[:12]}…")
    recorded = entry.batch_verifiers
    sizes = set(registry.batch_sizes(name)) | {int(n) for n in recorded}
    for size in sorted(sizes):
        expected = recorded.get(str(size), ZERO_ADDRESS)
        found = batch_verifier(address, size) or ZERO_ADDRESS
        if not _same(found, expected):
            problems.append(f"{name}: batchVerifier({size}) is {found}, the manifest says {expected}")
    return problems


def check_listing(market, name: str, entry: ModelEntry | dict) -> str:
    """Raise `ListingMismatchError` (one line) unless the listing of `name` matches the manifest; returns the
    model's recorded SRS kind (`dev`: its SRS maker can forge proofs; missing from an old manifest: `dev`)."""
    entry = ModelEntry.model_validate(entry) if isinstance(entry, dict) else entry
    problems = listing_problems(market, name, entry)
    if problems:
        raise ListingMismatchError("; ".join(problems))
    return entry.srs_kind
