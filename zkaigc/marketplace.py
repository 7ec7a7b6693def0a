"""The model marketplace from Python: a thin wrapper over the Ape contract that reads typed records.

`Marketplace(contract)` wraps a `ModelMarketplace` Ape contract instance; its reads return `Request` records (the
status a `RequestStatus`, the amounts ints), so callers ask `request.pending` or `request.ended(now)` instead of
comparing `int(…status)` with enum values. Transactions and events stay on `marketplace.contract` (Ape decodes
their logs and reverts). A listed collection is read through the compiled `ERC7007BatchCollection` type
(`collection_at`): the batch collection's ABI is a superset of the single one's, so no ABI is written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ape.utils import ZERO_ADDRESS

from .enums import RequestStatus


@dataclass(frozen=True)
class Request:
    """`IModelMarketplace.Request`, typed: who asked, for which collection, until when, at what price, where it is."""

    request_id: int
    requester: str
    deadline: int
    status: RequestStatus
    collection: str
    price: int
    fee: int
    prompt_hash: bytes

    @classmethod
    def of(cls, request_id: int, raw: Any) -> Request:
        """The record of `getRequest(request_id)`'s struct as Ape returns it."""
        return cls(
            int(request_id),
            str(raw.requester),
            int(raw.deadline),
            RequestStatus(int(raw.status)),
            str(raw.collection),
            int(raw.price),
            int(raw.fee),
            bytes(raw.promptHash),
        )

    @property
    def pending(self) -> bool:
        """Still waiting for a fulfilment (or, after its deadline, a refund)."""
        return self.status == RequestStatus.PENDING

    @property
    def fulfilled(self) -> bool:
        """A prover's proof minted its token (by whichever prover)."""
        return self.status == RequestStatus.FULFILLED

    @property
    def refunded(self) -> bool:
        """The requester took the escrowed price back."""
        return self.status == RequestStatus.REFUNDED

    def expired(self, now: int) -> bool:
        """Its deadline (inclusive) is before `now`: it can no longer be fulfilled."""
        return self.deadline < now


class Marketplace:
    """A deployed `ModelMarketplace`: typed reads; the Ape contract (`contract`) for transactions and events."""

    def __init__(self, contract):
        self.contract = contract

    @classmethod
    def at(cls, address: str) -> Marketplace:
        """The marketplace at `address`, typed by the project's compiled `ModelMarketplace`."""
        from ape import project

        return cls(project.ModelMarketplace.at(address))

    @property
    def address(self) -> str:
        return self.contract.address

    def now(self) -> int:
        """The timestamp the next block will carry: what a deadline is compared with."""
        return int(self.contract.chain_manager.pending_timestamp)

    def head(self) -> int:
        """The number of the chain's latest block."""
        return int(self.contract.chain_manager.blocks.head.number)

    def request(self, request_id: int) -> Request:
        """The request's record as the marketplace holds it now."""
        return Request.of(request_id, self.contract.getRequest(request_id))

    def requests(self, request_ids: list[int]) -> list[Request]:
        """The records of several requests, in order."""
        return [self.request(i) for i in request_ids]

    def is_prover(self, collection: str, account: str) -> bool:
        """Whether `account` may fulfil requests on `collection`."""
        return bool(self.contract.isProver(collection, account))

    def quote(self, collection: str) -> tuple[int, int]:
        """(price, fee) in wei of the next request on `collection`."""
        price, fee = self.contract.quote(collection)
        return int(price), int(fee)

    def vendor_of(self, collection: str) -> str | None:
        """The account that listed `collection`, or None if it is not listed."""
        vendor = str(self.contract.getListing(collection).vendor)
        return None if vendor.lower() == ZERO_ADDRESS.lower() else vendor

    def requested(self, start: int, stop: int) -> list[Any]:
        """The `Requested` logs of blocks `start` to `stop - 1`."""
        return list(self.contract.Requested.range(start, stop))

    def fulfilled_logs(self, request_id: int, from_block: int) -> list[Any]:
        """The `Fulfilled` logs of `request_id` (at most one) from block `from_block` to the head."""
        return list(self.contract.Fulfilled.range(from_block, self.head() + 1, search_topics={"requestId": request_id}))


def collection_at(address: str):
    """A listed collection at `address` through the compiled `ERC7007BatchCollection` type (a superset of the single
    collection's ABI: a single collection simply reverts on `batchVerifier`). Not cached as the address's type, so
    Ape keeps whatever it knows of the address for decoding its errors."""
    from ape import project
    from ape.contracts import ContractInstance

    return ContractInstance(address, project.ERC7007BatchCollection.contract_type)


def model_hash(collection: str) -> str | None:
    """A collection's on-chain `modelHash()` as 0x-hex, or None if it has none."""
    try:
        return "0x" + bytes(collection_at(collection).modelHash()).hex()
    except Exception:  # noqa: BLE001 - a collection without modelHash cannot be checked
        return None


def batch_verifier(collection: str, size: int) -> str | None:
    """The collection's `batchVerifier(size)` (the zero address when it has none for that size), or None for a
    collection without batch mints."""
    try:
        return str(collection_at(collection).batchVerifier(size))
    except Exception:  # noqa: BLE001 - a single-proof collection has no batchVerifier at all
        return None
