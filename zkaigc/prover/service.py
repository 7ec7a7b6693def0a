"""`ProverService`: watch the marketplace for requests on our models, prove, fulfil on-chain.

- **The chain is the coordination layer.** Before proving, the service reads the request's status; the
  contract accepts exactly one fulfilment, so when several provers race, the loser's status check or `fulfil`
  fails cleanly and the request ends as `lost`.
- **Only terminal outcomes are final**: fulfilled (by us), lost (fulfilled by another prover), refunded,
  expired (deadline passed) and too-late (it cannot be proven before its deadline). Everything else — not a
  prover of the collection (yet), a collection this run does not serve, a failed proof or fulfil — is kept
  in the state's retry list and retried with capped exponential backoff until its deadline.
- **Restart-safe.** The state (`ProverState`, bound to the chain's genesis) records the last scanned block, the
  requests finished with, and the retry list; it is written atomically after every request.
- **Batches when the queue is deep.** A collection that takes the model's batch proofs (`batchVerifier(N)` set, the
  batch-N circuit committed) gets one batch proof and one `fulfilBatch` for N of its pending requests whenever a
  poll finds at least N of them whose deadlines leave time for the longer proof (N × the single proof, doubled,
  plus the margin), under the leases of all N; otherwise requests are proven one by one.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from proofs.model_artifacts import ModelArtifacts

from ..errors import ProverStateError
from ..marketplace import Marketplace
from ..reverts import RevertDecoder
from .fulfil import Fulfiller
from .guards import Leases, ended
from .plan import batch_circuits, expected_prove_seconds, plan
from .state import Metrics, Outcome, OutcomeStatus, ProverState, RequestInfo, RetryEntry, one_line

#: How a request found ended before proving is reported.
_BEFORE_PROVING = {
    OutcomeStatus.LOST: "already fulfilled by another prover",
    OutcomeStatus.REFUNDED: "refunded to the requester",
}


class ProverService:
    """Proves and fulfils marketplace requests for the collections it serves."""

    def __init__(
        self,
        market,
        models: dict[str, ModelArtifacts],
        account,
        state: ProverState,
        log: Callable[[str], None] = print,
        workdir: Path | None = None,
        decoder: RevertDecoder | None = None,
        retry_base: float = 5.0,
        retry_cap: float = 300.0,
        margin: float = 30.0,
        clock: Callable[[], float] = time.time,
        claims=None,
    ):
        # market: the Ape `ModelMarketplace` contract; models: collection address (checksummed) -> its artifacts
        self.market, self.models, self.account, self.state, self.log = market, models, account, state, log
        self.marketplace = Marketplace(market)
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="zkaigc-prover-"))
        self.decoder = decoder or _default_decoder(market, models)
        self.retry_base, self.retry_cap, self.margin, self.clock = retry_base, retry_cap, margin, clock
        # A fleet's per-request leases (zkaigc.fleet.RedisClaims); None: one process, nothing to share.
        self.claims = claims
        self.metrics = Metrics()
        # request id -> "proving" while this service proves it, then its latest outcome (the app's mint page shows it)
        self.activity: dict[int, str] = {}
        self._stopping = threading.Event()  # set by `stop`: `run` returns after the current poll
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.leases = Leases(claims, self._lock, lambda key: key in self.state.handled)
        self.fulfiller = Fulfiller(self.marketplace, account, self.decoder, self.workdir, log, self._proved)
        self._expected = {addr: expected_prove_seconds(art) for addr, art in models.items()}
        # collection -> {N: batch-N artifacts}, for collections that take the model's batch proofs.
        self.batches = {addr: batch_circuits(addr, art) for addr, art in models.items()}

    # ------------------------------------------------------------------------------------------------------
    def pending_events(self, to_block: int) -> list[Any]:
        """Requested events after the last scanned block, up to `to_block` inclusive."""
        start = self.state.last_block + 1
        return [] if start > to_block else self.marketplace.requested(start, to_block + 1)

    def expected_seconds(self, collection: str) -> float:
        """How long proving and fulfilling a request on `collection` should take, with the safety margin."""
        measured = self._expected.get(collection)
        if self.metrics.proofs:
            mean = self.metrics.prove_seconds / self.metrics.proofs
            measured = max(measured or 0.0, mean)
        return 2 * (measured or 0.0) + self.margin

    def expected_batch_seconds(self, collection: str, size: int) -> float:
        """How long proving and fulfilling a batch of `size` should take: `size` single proofs (proving time per
        prompt stays about flat with N), doubled, plus the margin."""
        return size * (self.expected_seconds(collection) - self.margin) + self.margin

    def plan(self, reqs: list[RequestInfo]) -> tuple[list[list[RequestInfo]], list[RequestInfo]]:
        """Split requests into batches and the rest, to be proven one by one (`zkaigc.prover.plan.plan`)."""
        sizes = lambda collection: list(self.batches.get(collection, {}))  # noqa: E731 - one use
        return plan(reqs, sizes, self.expected_batch_seconds, self.marketplace.now())

    def _proved(self, seconds: float) -> None:
        with self._lock:
            self.metrics.proofs += 1
            self.metrics.prove_seconds += seconds

    # ------------------------------------------------------------------------------------------------------
    def handle(self, event) -> Outcome:
        """Decide, prove and fulfil one request (a `Requested` log or a `RequestInfo`); never raises on bad input."""
        req = RequestInfo.of(event)
        request_id, collection = req.request_id, req.collection
        request = self.marketplace.request(request_id)
        now = self.marketplace.now()
        if status := ended(request, now):
            detail = _BEFORE_PROVING.get(status, f"deadline {request.deadline} passed")
            return Outcome(request_id, status, detail)
        art = self.models.get(collection)
        if art is None:
            return Outcome(request_id, OutcomeStatus.SKIPPED, f"collection {collection} is not served by this run")
        if not self.marketplace.is_prover(collection, self.account.address):
            return Outcome(
                request_id, OutcomeStatus.SKIPPED, f"{self.account.address} is not a prover for {collection} (yet)"
            )
        needed = self.expected_seconds(collection)
        if now + needed > request.deadline:
            return Outcome(
                request_id,
                OutcomeStatus.TOO_LATE,
                f"{request.deadline - now} s left before the deadline, proving needs ~{needed:.0f} s",
            )
        return self.fulfiller.single(req, art)

    def handle_batch(self, reqs: list[RequestInfo]) -> list[Outcome]:
        """One batch proof for `reqs` (all on one collection), then one `fulfilBatch`; one outcome per request."""
        return self.fulfiller.batch(reqs, self.batches[reqs[0].collection][len(reqs)])

    def _fulfilled_by_us(self, request_id: int, from_block: int):
        """The Fulfilled log of `request_id` if this prover's transaction made it, else None."""
        return self.fulfiller.fulfilled_by_us(request_id, from_block)

    def process(self, event) -> Outcome | None:
        """Handle a request once and record the outcome: final ones are kept, others scheduled for a retry.

        Returns None when the request is already finished with, or being handled by another thread.
        """
        req = RequestInfo.of(event)
        with self.leases.hold([req.request_id]) as hold:
            if hold.busy:
                return None
            with self._lock:
                if str(req.request_id) not in self.state.retry:
                    self.metrics.requests_seen += 1
            if hold.holder is not None:
                outcome = Outcome(req.request_id, OutcomeStatus.CLAIMED, f"being proven by {hold.holder}")
            else:
                self.activity[req.request_id] = "proving"
                outcome = self.handle(req)
        self._record(req, outcome)  # after the lease: the outcome is on chain before another worker may look
        return outcome

    def process_batch(self, reqs: list[RequestInfo]) -> list[Outcome] | None:
        """Prove and fulfil a planned batch under the leases of all its requests and record every outcome.

        Returns None (nothing done) when another thread or worker holds one of them, or one is no longer pending:
        the caller proves the requests one by one instead, which records that one as `claimed` (or `lost`).
        """
        with self.leases.hold([r.request_id for r in reqs]) as hold:
            if not hold.ours:
                return None
            # Under the leases, re-read each request: another worker may have proven and fulfilled it (and released
            # its leases) since it was queued. Then the single path reports it without proving it again.
            if not all(r.pending for r in self.marketplace.requests([r.request_id for r in reqs])):
                return None
            with self._lock:
                self.metrics.requests_seen += sum(1 for r in reqs if str(r.request_id) not in self.state.retry)
                self.activity.update((r.request_id, "proving") for r in reqs)
            outcomes = self.handle_batch(reqs)
        for req, outcome in zip(reqs, outcomes, strict=True):
            self._record(req, outcome)
        return outcomes

    def _process_all(self, reqs: list[RequestInfo]) -> list[Outcome]:
        """Batches first (see `plan`), then every request not proven in a batch, one by one."""
        outcomes: list[Outcome] = []
        batches, rest = self.plan(reqs)
        for batch in batches:
            done = self.process_batch(batch)
            if done is None:
                rest.extend(batch)
            else:
                outcomes.extend(done)
        for req in rest:
            if (outcome := self.process(req)) is not None:
                outcomes.append(outcome)
        return outcomes

    def _record(self, req: RequestInfo, outcome: Outcome) -> None:
        key = str(req.request_id)
        with self._lock:
            self.activity[req.request_id] = str(outcome.status)
            if outcome.status.final:
                self.state.handled[key] = outcome.status
                self.state.retry.pop(key, None)
                if outcome.status == OutcomeStatus.FULFILLED:
                    self.metrics.fulfilled += 1
                when = ""
            else:
                if outcome.status == OutcomeStatus.FAILED:
                    self.metrics.failures += 1
                entry = self.state.retry.get(key) or RetryEntry(
                    collection=req.collection, prompt=req.prompt.hex(), block=req.block, deadline=req.deadline
                )
                if outcome.status == OutcomeStatus.CLAIMED:  # the holder finishes, or its lease lapses
                    delay = min(self.retry_cap, self.retry_base)
                    when = f"; looking again in {delay:.0f} s"
                else:
                    delay = min(self.retry_cap, self.retry_base * 2**entry.attempts)
                    entry.attempts += 1
                    when = f"; retry #{entry.attempts} in {delay:.0f} s"
                entry.next_at, entry.reason = self.clock() + delay, outcome.detail
                self.state.retry[key] = entry
            self.state.save()
        self.log(
            f"request {outcome.request_id}: {outcome.status}"
            + (f" ({outcome.detail})" if outcome.detail else "")
            + (f", proved in {outcome.prove_seconds:.1f}s" if outcome.prove_seconds else "")
            + (f", gas {outcome.gas_used}" if outcome.gas_used else "")
            + when
        )

    # ------------------------------------------------------------------------------------------------------
    def due(self) -> list[RequestInfo]:
        """Requests in the retry list whose backoff has elapsed."""
        now = self.clock()
        with self._lock:
            entries = [(k, e) for k, e in self.state.retry.items() if e.next_at <= now]
        return [RequestInfo(int(k), e.collection, bytes.fromhex(e.prompt), e.block, e.deadline) for k, e in entries]

    def poll(self, to_block: int | None = None) -> list[Outcome]:
        """Handle every new request up to `to_block` (default: the head), then the retries that are due."""
        head = self.marketplace.head() if to_block is None else to_block
        if self.state.last_block > head:  # a chain restarted under the same genesis (local anvil)
            self.log(f"state is ahead of the chain (block {self.state.last_block} > head {head}): starting over")
            self.state.last_block, self.state.handled, self.state.retry = -1, {}, {}
        fresh = [RequestInfo.of(e) for e in self.pending_events(head)]
        # Already scheduled requests are left to their backoff.
        outcomes = self._process_all([r for r in fresh if str(r.request_id) not in self.state.retry])
        self.state.last_block = max(self.state.last_block, head)
        self.state.save()
        done = {o.request_id for o in outcomes}
        outcomes += self._process_all([r for r in self.due() if r.request_id not in done])
        return outcomes

    def run(
        self,
        interval: float = 2.0,
        max_polls: int | None = None,
        reconnect: Callable[[], None] | None = None,
        max_backoff: float = 60.0,
    ) -> None:
        """Poll until `stop` (or `max_polls` times); a lost RPC connection is retried with backoff, never fatal."""
        polls, failures = 0, 0
        while not self._stopping.is_set() and (max_polls is None or polls < max_polls):
            try:
                self.poll()
                failures = 0
            except ProverStateError:
                raise
            except Exception as err:  # noqa: BLE001 - the node went away: wait and reconnect, never exit
                failures += 1
                delay = min(max_backoff, interval * 2 ** min(failures, 10))
                self.log(f"RPC error ({one_line(err)[:160]}); reconnecting in {delay:.0f} s")
                if self._stopping.wait(delay):
                    break
                if reconnect is not None:
                    try:
                        reconnect()
                    except Exception as again:  # noqa: BLE001 - still down: the next pass retries
                        self.log(f"reconnect failed: {one_line(again)[:160]}")
                continue
            polls += 1
            if max_polls is None or polls < max_polls:
                self._stopping.wait(interval)

    def start(self, interval: float = 2.0, **run_args) -> ProverService:
        """`run` on a daemon thread, for a process that serves something else too (the web app); `stop` ends it."""
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self.run, kwargs={"interval": interval, **run_args}, name="prover", daemon=True
        )
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        """Whether a thread from `start` is still running."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 30.0) -> None:
        """End `run` after its current poll (a proof in progress finishes first), waiting up to `timeout` s for a
        thread from `start`."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)


def _default_decoder(market, collections) -> RevertDecoder:
    """The errors of the marketplace and of the served collections whose types Ape knows (those it deployed or
    fetched): what Ape's own decoding would have found."""
    types = [market.contract_type]
    for address in collections:
        try:
            known = market.chain_manager.contracts.get(address, fetch_from_explorer=False, detect_proxy=False)
        except Exception:  # noqa: BLE001 - an unknown type only leaves its errors in hex
            known = None
        if known is not None:
            types.append(known)
    return RevertDecoder(types)
