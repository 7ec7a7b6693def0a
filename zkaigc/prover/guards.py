"""The two questions the prover asks before (and after) proving, each answered in one place.

- **Has this request ended?** (`ended`): fulfilled (by another prover: `lost`), refunded, or past its deadline.
  Asked before proving, after proving (the chain moved while ezkl ran), and after a reverted fulfil.
- **Is it ours to work on?** (`Leases.hold`): one thread of this process at a time (a busy set), one worker of a
  fleet at a time (a lease per request in Redis, `zkaigc.fleet.RedisClaims`), and never once it is finished with.
  A batch holds the leases of all its requests, or none.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..marketplace import Request
from .state import OutcomeStatus


def ended(request: Request, now: int | None = None) -> OutcomeStatus | None:
    """How the request ended (`LOST`: fulfilled, `REFUNDED`, `EXPIRED`: its deadline is before `now`; no deadline check
    without `now`), or None while it can still be fulfilled."""
    if request.fulfilled:
        return OutcomeStatus.LOST
    if request.refunded:
        return OutcomeStatus.REFUNDED
    if now is not None and request.expired(now):
        return OutcomeStatus.EXPIRED
    return None


@dataclass
class Hold:
    """What `Leases.hold` got: `busy` (another thread has one of the requests, or it is finished with), or the name of
    the fleet worker holding one (`holder`), or all of them (`ours`)."""

    busy: bool = False
    holder: str | None = None

    @property
    def ours(self) -> bool:
        return not self.busy and self.holder is None


class Leases:
    """The lease guard, for one request or a batch: see the module's docstring."""

    def __init__(self, claims, lock: threading.Lock, finished: Callable[[str], bool]):
        # claims: a fleet's `RedisClaims`, or None (one process: nothing to share).
        self.claims, self.lock, self.finished = claims, lock, finished
        self.busy: set[str] = set()

    @contextmanager
    def hold(self, request_ids: list[int]) -> Iterator[Hold]:
        """Hold every request of `request_ids` for the block's duration; released after it (after the outcome is on
        chain, so another worker that looks next sees it)."""
        keys = [str(i) for i in request_ids]
        with self.lock:
            busy = any(self.finished(k) or k in self.busy for k in keys)
            if not busy:
                self.busy.update(keys)
        if busy:
            yield Hold(busy=True)
            return
        leases = []
        try:
            holder = None
            for request_id in request_ids:
                lease = self.claims.acquire(request_id) if self.claims is not None else None
                if isinstance(lease, str):  # another worker's: the name of its holder
                    holder = lease
                    break
                leases.append(lease)
            yield Hold(holder=holder)
        finally:
            for lease in leases:
                if lease is not None:
                    lease.release()
            with self.lock:
                self.busy.difference_update(keys)
