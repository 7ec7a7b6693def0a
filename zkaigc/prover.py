"""The prover service: watch the marketplace for requests on our models, prove, fulfil on-chain.

`scripts/prover.py` (`ape run prover`) runs `ProverService.run` in one process; the web app (`make app`) runs it on a
background thread (`ProverService.start`); `zkaigc/bot.py` is the same engine as a Silverback bot
(`silverback run zkaigc.bot:bot`). Design:

- **The chain is the coordination layer.** Before proving, the service reads the request's status; the
  contract accepts exactly one fulfilment, so when several provers race, the loser's status check or `fulfil`
  fails cleanly and the request ends as `lost`.
- **Only terminal outcomes are final**: fulfilled (by us), lost (fulfilled by another prover), refunded,
  expired (deadline passed) and too-late (it cannot be proven before its deadline). Everything else — not a
  prover of the collection (yet), a collection this run does not serve, a failed proof or fulfil — is kept
  in the state's retry list and retried with capped exponential backoff until its deadline.
- **Restart-safe.** The state file (validated with pydantic, bound to the chain's genesis) records the last
  scanned block, the requests finished with, and the retry list; it is written atomically after every request.
- **Revert reasons are decoded** through the contracts' ABIs (`ERC7007InvalidProof(…)`, not `0x4049a753…`):
  each fulfil is first run as an `eth_call`, whose exact revert data name the error by its selector; one that would
  revert is not sent. (Sent, its revert would have Ape walk the transaction's whole step trace to find the
  contract that declares the error: seconds for the micro verifier, minutes for a real one.)
- **Batches when the queue is deep.** A collection that takes the model's batch proofs (`batchVerifier(N)` set, the
  batch-N circuit committed) gets one batch proof and one `fulfilBatch` for N of its pending requests whenever a
  poll finds at least N of them whose deadlines leave time for the longer proof (N × the single proof, doubled,
  plus the margin), under the leases of all N; otherwise requests are proven one by one. A request that expires
  or is fulfilled by another prover while the batch is proven is left out of the mint (its slot id is 0).
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ape import Contract
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from proofs.encoding import EncodingError
from proofs.files import REPO_ROOT
from proofs.pipeline import ModelArtifacts, artifacts_of, prove_batch, prove_latent

from .enums import RequestStatus
from .errors import ManifestError, PreflightError, ProverStateError
from .manifest import Manifest
from .reverts import RevertDecoder, revert_of

BENCHMARKS = REPO_ROOT / "docs" / "benchmarks.json"


class OutcomeStatus(StrEnum):
    """What became of a request this prover saw."""

    FULFILLED = "fulfilled"  # our proof minted the token                                  (final)
    LOST = "lost"  # another prover fulfilled it                                             (final)
    REFUNDED = "refunded"  # the requester took the money back                               (final)
    EXPIRED = "expired"  # its deadline passed                                               (final)
    TOO_LATE = "too-late"  # it cannot be proven and fulfilled before its deadline           (final)
    SKIPPED = "skipped"  # not ours right now (not a prover, not served, bad prompt): retried later
    FAILED = "failed"  # proving or fulfilling failed: retried with backoff
    CLAIMED = "claimed"  # another worker of the fleet holds its lease: looked at again shortly, no backoff

    @property
    def final(self) -> bool:
        return self in FINAL


FINAL = {
    OutcomeStatus.FULFILLED,
    OutcomeStatus.LOST,
    OutcomeStatus.REFUNDED,
    OutcomeStatus.EXPIRED,
    OutcomeStatus.TOO_LATE,
}


class RetryEntry(BaseModel):
    """A request seen but not finished with: what is needed to handle it again, and when."""

    model_config = ConfigDict(extra="forbid")
    collection: str
    prompt: str  # hex
    block: int = Field(ge=0)
    deadline: int = Field(ge=0)
    attempts: int = Field(default=0, ge=0)
    next_at: float = 0.0  # wall-clock time of the next attempt
    reason: str = ""


class StateFile(BaseModel):
    """The prover state file's schema."""

    model_config = ConfigDict(extra="forbid")
    genesis: str | None = None
    last_block: int = Field(ge=-1)
    handled: dict[str, OutcomeStatus] = {}
    retry: dict[str, RetryEntry] = {}


@dataclass
class ProverState:
    """What survives a restart: the last scanned block, the requests finished with, and those to retry."""

    path: Path
    last_block: int = -1
    handled: dict[str, str] = field(default_factory=dict)  # request id -> final outcome
    genesis: str | None = None  # the chain this state belongs to
    retry: dict[str, RetryEntry] = field(default_factory=dict)
    moved_aside: Path | None = None  # where a state for another chain was moved (nothing is overwritten)

    @classmethod
    def load(cls, path: Path, start_block: int = 0, genesis: str | None = None) -> ProverState:
        """The saved state, or a fresh one from `start_block`; an unreadable file is a `ProverStateError`.

        A state saved for another chain (a restarted devnet) is moved aside, never overwritten.
        """
        if not path.exists():
            return cls(path, start_block - 1, genesis=genesis)
        try:
            data = json.loads(path.read_text())
            if isinstance(data, dict) and isinstance(data.get("handled"), dict):  # pre-retry files: drop non-final
                data["handled"] = {k: v for k, v in data["handled"].items() if v in {s.value for s in FINAL}}
            saved = StateFile.model_validate(data)
        except (OSError, ValueError) as err:
            raise ProverStateError(f"cannot read the prover state {path}: {_one_line(err)}") from None
        if genesis is not None and saved.genesis not in (None, genesis):
            aside = path.with_suffix(f".other-chain-{int(time.time())}.json")
            path.rename(aside)
            state = cls(path, start_block - 1, genesis=genesis)
            state.moved_aside = aside
            return state
        return cls(path, saved.last_block, dict(saved.handled), genesis or saved.genesis, dict(saved.retry))

    def save(self) -> None:
        """Write the state atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        data = StateFile(genesis=self.genesis, last_block=self.last_block, handled=self.handled, retry=self.retry)
        tmp.write_text(data.model_dump_json(indent=2) + "\n")
        tmp.replace(self.path)


@dataclass
class Outcome:
    """What happened to one request."""

    request_id: int
    status: OutcomeStatus
    detail: str = ""
    prove_seconds: float = 0.0
    gas_used: int = 0
    token_id: int | None = None


@dataclass
class RequestInfo:
    """What the `Requested` event tells about a request."""

    request_id: int
    collection: str
    prompt: bytes
    block: int
    deadline: int

    @classmethod
    def of(cls, event) -> RequestInfo:
        return cls(
            int(event.requestId),
            str(event.collection),
            bytes(event.prompt),
            int(event.block_number),
            int(event.deadline),
        )


@dataclass
class Metrics:
    """Counters a vendor reads on exit: requests seen, proofs made, time spent proving, failures."""

    started: float = field(default_factory=time.monotonic)
    requests_seen: int = 0
    proofs: int = 0
    prove_seconds: float = 0.0
    fulfilled: int = 0
    failures: int = 0

    def summary(self) -> str:
        hours = max(time.monotonic() - self.started, 1e-9) / 3600
        mean = self.prove_seconds / self.proofs if self.proofs else 0.0
        return (
            f"metrics: {self.requests_seen} requests seen, {self.proofs} proofs ({self.proofs / hours:.0f}/hour), "
            f"{self.prove_seconds:.1f} s proving ({mean:.2f} s each), {self.fulfilled} fulfilled, "
            f"{self.failures} failures"
        )


def expected_prove_seconds(art: ModelArtifacts, benchmarks: Path = BENCHMARKS) -> float | None:
    """The model's measured proving time (docs/benchmarks.json, `make bench`), or None if never measured."""
    try:
        rows = json.loads(benchmarks.read_text()).get("models", [])
    except (OSError, ValueError, AttributeError):
        return None
    return next((float(r["prove_s"]) for r in rows if r.get("model") == art.name and "prove_s" in r), None)


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
        # models: collection address (checksummed) -> its artifacts
        self.market, self.models, self.account, self.state, self.log = market, models, account, state, log
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
        self._busy: set[str] = set()
        self._expected = {addr: expected_prove_seconds(art) for addr, art in models.items()}
        # collection -> {N: batch-N artifacts}, for collections that take the model's batch proofs.
        self.batches = {addr: batch_circuits(addr, art) for addr, art in models.items()}

    # ------------------------------------------------------------------------------------------------------
    def pending_events(self, to_block: int) -> list[Any]:
        """Requested events after the last scanned block, up to `to_block` inclusive."""
        start = self.state.last_block + 1
        if start > to_block:
            return []
        return list(self.market.Requested.range(start, to_block + 1))

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
        """Split requests into batches (N requests of one batch-capable collection whose deadlines allow the
        batch's proof, earliest deadline first, largest N first) and the rest, to be proven one by one."""
        batches: list[list[RequestInfo]] = []
        rest: list[RequestInfo] = []
        now = self.market.chain_manager.pending_timestamp
        by_collection: dict[str, list[RequestInfo]] = {}
        for req in reqs:
            by_collection.setdefault(req.collection, []).append(req)
        for collection, group in by_collection.items():
            for size in sorted(self.batches.get(collection, {}), reverse=True):
                fits = sorted(
                    (r for r in group if now + self.expected_batch_seconds(collection, size) <= r.deadline),
                    key=lambda r: r.deadline,
                )
                while len(fits) >= size:
                    batch, fits = fits[:size], fits[size:]
                    batches.append(batch)
                    group = [r for r in group if r not in batch]
            rest.extend(group)
        return batches, rest

    def process_batch(self, reqs: list[RequestInfo]) -> list[Outcome] | None:
        """Prove and fulfil a planned batch under the leases of all its requests and record every outcome.

        Returns None (nothing done) when another thread or worker holds one of them, or one is no longer pending:
        the caller proves the requests one by one instead, which records that one as `claimed` (or `lost`).
        """
        keys = [str(r.request_id) for r in reqs]
        with self._lock:
            if any(k in self.state.handled or k in self._busy for k in keys):
                return None
            self._busy.update(keys)
        leases = []
        try:
            for req in reqs:
                lease = self.claims.acquire(req.request_id) if self.claims is not None else None
                if isinstance(lease, str):
                    return None
                leases.append(lease)
            # Under the leases, re-read each request: another worker may have proven and fulfilled it (and released
            # its leases) since it was queued. Then the single path reports it without proving it again.
            if any(int(self.market.getRequest(r.request_id).status) != RequestStatus.PENDING for r in reqs):
                return None
            with self._lock:
                self.metrics.requests_seen += sum(1 for k in keys if k not in self.state.retry)
                self.activity.update((r.request_id, "proving") for r in reqs)
            outcomes = self.handle_batch(reqs)
        finally:
            for lease in leases:
                if lease is not None:
                    lease.release()
            with self._lock:
                self._busy.difference_update(keys)
        for req, outcome in zip(reqs, outcomes, strict=True):
            self._record(req, outcome)
        return outcomes

    def handle_batch(self, reqs: list[RequestInfo]) -> list[Outcome]:
        """One batch proof for `reqs` (all on one collection), then one `fulfilBatch`; one outcome per request."""
        collection = reqs[0].collection
        art = self.batches[collection][len(reqs)]
        encoding = art.encoding()
        ids = [r.request_id for r in reqs]
        try:
            latents = [encoding.dequantize_latent(encoding.decode_prompt(r.prompt)) for r in reqs]
        except EncodingError as err:
            return [Outcome(i, OutcomeStatus.SKIPPED, f"prompt does not decode for {art.name}: {err}") for i in ids]
        self.log(f"requests {ids}: proving a batch of {len(reqs)} with {art.contract_name}...")
        started = time.perf_counter()
        try:
            batch = prove_batch(art, latents, self.workdir / f"batch-{ids[0]}-{len(ids)}")
        except Exception as err:  # noqa: BLE001 - a failed proof must not stop the service
            return [Outcome(i, OutcomeStatus.FAILED, f"batch proving failed: {_one_line(err)}") for i in ids]
        prove_seconds = time.perf_counter() - started
        with self._lock:
            self.metrics.proofs += 1
            self.metrics.prove_seconds += prove_seconds
        # Requests that ended while proving (fulfilled elsewhere, refunded, expired) are left out of the mint.
        now = self.market.chain_manager.pending_timestamp
        ended: dict[int, Outcome] = {}
        for i in ids:
            request = self.market.getRequest(i)
            if int(request.status) == RequestStatus.FULFILLED:
                ended[i] = Outcome(i, OutcomeStatus.LOST, "another prover fulfilled it first", prove_seconds)
            elif int(request.status) == RequestStatus.REFUNDED:
                ended[i] = Outcome(i, OutcomeStatus.REFUNDED, "refunded to the requester", prove_seconds)
            elif int(request.deadline) < now:
                ended[i] = Outcome(i, OutcomeStatus.EXPIRED, "deadline passed while proving", prove_seconds)
        slots = [0 if i in ended else i for i in ids]
        if not any(slots):
            return [ended[i] for i in ids]
        args = (slots, batch.prompts_bytes, batch.aigcs_bytes, batch.proof)
        tx, reason = None, self._revert_reason(self.market.fulfilBatch, *args)
        if reason is None:
            try:
                tx = self.market.fulfilBatch(*args, sender=self.account)
            except Exception as err:  # noqa: BLE001 - a lost race reverts: the next pass looks at each request again
                reason = self.decoder.describe(err)
        if tx is None:
            return [ended.get(i) or Outcome(i, OutcomeStatus.FAILED, f"fulfilBatch reverted: {reason}") for i in ids]
        tokens = {int(log.requestId): int(log.tokenId) for log in tx.decode_logs(self.market.Fulfilled)}
        share = tx.gas_used // max(len(tokens), 1)  # the batch's gas, per NFT
        return [
            ended.get(i)
            or Outcome(
                i,
                OutcomeStatus.FULFILLED,
                f"tx {tx.txn_hash} (batch of {len(ids)})",
                prove_seconds,
                share,
                tokens.get(i),
            )
            for i in ids
        ]

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

    def handle(self, event) -> Outcome:
        """Decide, prove and fulfil one request (a `Requested` log or a `RequestInfo`); never raises on bad input."""
        req = event if isinstance(event, RequestInfo) else RequestInfo.of(event)
        request_id, collection = req.request_id, req.collection
        request = self.market.getRequest(request_id)
        status = int(request.status)
        if status == RequestStatus.FULFILLED:
            return Outcome(request_id, OutcomeStatus.LOST, "already fulfilled by another prover")
        if status == RequestStatus.REFUNDED:
            return Outcome(request_id, OutcomeStatus.REFUNDED, "refunded to the requester")
        now = self.market.chain_manager.pending_timestamp
        if int(request.deadline) < now:
            return Outcome(request_id, OutcomeStatus.EXPIRED, f"deadline {int(request.deadline)} passed")
        art = self.models.get(collection)
        if art is None:
            return Outcome(request_id, OutcomeStatus.SKIPPED, f"collection {collection} is not served by this run")
        if not self.market.isProver(collection, self.account.address):
            return Outcome(
                request_id, OutcomeStatus.SKIPPED, f"{self.account.address} is not a prover for {collection} (yet)"
            )
        needed = self.expected_seconds(collection)
        if now + needed > int(request.deadline):
            return Outcome(
                request_id,
                OutcomeStatus.TOO_LATE,
                f"{int(request.deadline) - now} s left before the deadline, proving needs ~{needed:.0f} s",
            )
        encoding = art.encoding()
        try:
            latent = encoding.dequantize_latent(encoding.decode_prompt(req.prompt))
        except EncodingError as err:
            return Outcome(request_id, OutcomeStatus.SKIPPED, f"prompt does not decode for {art.name}: {err}")

        self.log(f"request {request_id}: proving {art.name} for {req.prompt.hex()[:16]}...")
        started = time.perf_counter()
        try:
            sample = prove_latent(art, latent, self.workdir / f"request-{request_id}")
        except Exception as err:  # noqa: BLE001 - a failed proof must not stop the service
            return Outcome(request_id, OutcomeStatus.FAILED, f"proving failed: {_one_line(err)}")
        prove_seconds = time.perf_counter() - started
        with self._lock:
            self.metrics.proofs += 1
            self.metrics.prove_seconds += prove_seconds
        request = self.market.getRequest(request_id)
        if int(request.status) != RequestStatus.PENDING:
            return Outcome(request_id, OutcomeStatus.LOST, "another prover fulfilled it first", prove_seconds)
        if int(request.deadline) < self.market.chain_manager.pending_timestamp:
            return Outcome(request_id, OutcomeStatus.EXPIRED, "deadline passed while proving", prove_seconds)
        args = (request_id, req.prompt, sample.aigc, "", sample.proof)
        tx, reason = None, self._revert_reason(self.market.fulfil, *args)
        if reason is None:
            try:
                tx = self.market.fulfil(*args, sender=self.account)
            except Exception as err:  # noqa: BLE001 - a lost race reverts; the contract decided
                # A timeout is not a revert: the chain may have taken our transaction after all.
                mine = self._fulfilled_by_us(request_id, req.block)
                if mine is not None:
                    tx_hash = mine.transaction_hash
                    return Outcome(
                        request_id,
                        OutcomeStatus.FULFILLED,
                        f"tx {tx_hash} (confirmed late)",
                        prove_seconds,
                        0,
                        int(mine.tokenId),
                    )
                reason = self.decoder.describe(err)
        if tx is None:
            status = int(self.market.getRequest(request_id).status)
            if status == RequestStatus.FULFILLED:
                return Outcome(request_id, OutcomeStatus.LOST, f"fulfil reverted: {reason}", prove_seconds)
            if status == RequestStatus.REFUNDED:
                return Outcome(request_id, OutcomeStatus.REFUNDED, f"fulfil reverted: {reason}", prove_seconds)
            return Outcome(request_id, OutcomeStatus.FAILED, f"fulfil reverted: {reason}", prove_seconds)
        token_id = next((int(log.tokenId) for log in tx.decode_logs(self.market.Fulfilled)), None)
        return Outcome(request_id, OutcomeStatus.FULFILLED, f"tx {tx.txn_hash}", prove_seconds, tx.gas_used, token_id)

    def _revert_reason(self, method, *args) -> str | None:
        """Why `method(*args)` from this prover would revert, decoded from an eth_call's exact revert data; None if it
        would succeed or the call itself failed (then it is sent, and the send's failure is handled as before)."""
        try:
            data = revert_of(method, *args, sender=self.account)
        except Exception:  # noqa: BLE001 - not a revert (a lost connection): the send path reports it as it always has
            return None
        return None if data is None else self.decoder.describe_revert(data, self.market.contract_type)

    def _fulfilled_by_us(self, request_id: int, from_block: int):
        """The Fulfilled log of `request_id` if this prover's transaction made it, else None."""
        head = self.market.chain_manager.blocks.head.number
        for log in self.market.Fulfilled.range(from_block, head + 1, search_topics={"requestId": request_id}):
            if str(log.prover) == self.account.address:
                return log
        return None

    # ------------------------------------------------------------------------------------------------------
    def process(self, event) -> Outcome | None:
        """Handle a request once and record the outcome: final ones are kept, others scheduled for a retry.

        Returns None when the request is already finished with, or being handled by another thread.
        """
        req = event if isinstance(event, RequestInfo) else RequestInfo.of(event)
        key = str(req.request_id)
        with self._lock:
            if key in self.state.handled or key in self._busy:
                return None
            self._busy.add(key)
            if key not in self.state.retry:
                self.metrics.requests_seen += 1
        lease = None
        try:
            lease = self.claims.acquire(req.request_id) if self.claims is not None else None
            if isinstance(lease, str):
                outcome = Outcome(req.request_id, OutcomeStatus.CLAIMED, f"being proven by {lease}")
                lease = None
            else:
                self.activity[req.request_id] = "proving"
                outcome = self.handle(req)
        finally:
            if lease is not None:
                lease.release()  # after handle: the outcome is on chain before another worker may look
            with self._lock:
                self._busy.discard(key)
        self._record(req, outcome)
        return outcome

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

    def due(self) -> list[RequestInfo]:
        """Requests in the retry list whose backoff has elapsed."""
        now = self.clock()
        with self._lock:
            entries = [(k, e) for k, e in self.state.retry.items() if e.next_at <= now]
        return [RequestInfo(int(k), e.collection, bytes.fromhex(e.prompt), e.block, e.deadline) for k, e in entries]

    def poll(self, to_block: int | None = None) -> list[Outcome]:
        """Handle every new request up to `to_block` (default: the head), then the retries that are due."""
        head = self.market.chain_manager.blocks.head.number if to_block is None else to_block
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
                self.log(f"RPC error ({_one_line(err)[:160]}); reconnecting in {delay:.0f} s")
                if self._stopping.wait(delay):
                    break
                if reconnect is not None:
                    try:
                        reconnect()
                    except Exception as again:  # noqa: BLE001 - still down: the next pass retries
                        self.log(f"reconnect failed: {_one_line(again)[:160]}")
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


# ----------------------------------------------------------------------------------------------------------
# Startup checks: one line each, before serving anything.
# ----------------------------------------------------------------------------------------------------------
def check_manifest_chain(manifest: Manifest, chain) -> None:
    """The manifest describes the connected chain: same genesis, and code at the marketplace address."""
    genesis = chain.blocks[0].hash.hex()
    if manifest.data.get("genesis") != genesis:
        raise ManifestError(
            f"{manifest.path} is for another chain (genesis {str(manifest.data.get('genesis'))[:12]}…, "
            f"connected chain {genesis[:12]}…): deploy to this chain or pick its manifest with --manifest"
        )
    market = manifest.contract("marketplace")
    if not market or not chain.provider.get_code(market["address"]):
        where = market["address"] if market else "(none recorded)"
        raise ManifestError(f"no marketplace code at {where} on the connected chain: {manifest.path} is stale")


def check_served(market, models: dict[str, ModelArtifacts], account, manifest: Manifest | None = None) -> None:
    """Every served collection is live, commits to the artifacts' model hash, and lets `account` fulfil; with
    the `manifest`, its listing also matches it: vendor, `verifier()`, `modelHash()` and every `batchVerifier(n)`
    (`zkaigc.listing`)."""
    from .listing import listing_problems

    problems = []
    recorded = (manifest.data.get("models") or {}) if manifest is not None else {}
    for address, art in models.items():
        if not market.provider.get_code(address):
            problems.append(f"{art.name}: no collection code at {address}")
            continue
        if art.name in recorded:
            problems += listing_problems(market, art.name, recorded[art.name])
        onchain = onchain_model_hash(address)
        if onchain is not None and onchain != art.model_hash().lower():
            problems.append(f"{art.name}: artifacts' model hash {art.model_hash()[:12]}… ≠ on-chain {onchain[:12]}…")
        if not market.isProver(address, account.address):
            problems.append(
                f"{art.name}: {account.address} is not an allowed prover (vendor: setProver({address}, <prover>, true))"
            )
    if problems:
        raise PreflightError("; ".join(problems))


def batch_circuits(collection: str, art: ModelArtifacts) -> dict[int, ModelArtifacts]:
    """The batch circuits a collection takes: sizes the model has committed circuits for and the collection has a
    verifier for (`batchVerifier(N)`); empty for a collection without batch mints."""
    from models import registry

    found = {}
    for size in registry.get(art.name).batch_sizes:
        batch = art.batch_circuit(size)
        if not batch.vk.exists():
            continue
        try:
            verifier = Contract(collection, abi=[_BATCH_VERIFIER_ABI]).batchVerifier(size)
        except Exception:  # noqa: BLE001 - a collection without batch mints
            return {}
        if int(str(verifier), 16) != 0:
            found[size] = batch
    return found


_BATCH_VERIFIER_ABI = {
    "type": "function",
    "name": "batchVerifier",
    "stateMutability": "view",
    "inputs": [{"name": "size", "type": "uint256"}],
    "outputs": [{"name": "", "type": "address"}],
}


def onchain_model_hash(collection: str) -> str | None:
    """A collection's on-chain `modelHash()` as 0x-hex, or None if it has none."""
    try:
        value = Contract(collection, abi=[_MODEL_HASH_ABI]).modelHash()
    except Exception:  # noqa: BLE001 - a collection without modelHash cannot be checked
        return None
    return "0x" + bytes(value).hex()


_MODEL_HASH_ABI = {
    "type": "function",
    "name": "modelHash",
    "stateMutability": "view",
    "inputs": [],
    "outputs": [{"name": "", "type": "bytes32"}],
}


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


def served_models(manifest: Manifest, wanted: list[str] | None = None) -> dict[str, ModelArtifacts]:
    """Collection address -> artifacts for the manifest's models (all, or `wanted`); errors name what is missing."""
    deployed = manifest.data.get("models") or {}
    if not deployed:
        raise ManifestError(f"{manifest.path} lists no deployed models: run `ape run deploy` first")
    missing = [m for m in wanted or [] if m not in deployed]
    if missing:
        raise ManifestError(f"not deployed on {manifest.data.get('network', manifest.path.stem)}: {', '.join(missing)}")
    return {deployed[m]["collection"]: artifacts_of(m) for m in wanted or deployed}


def state_path(manifest: Manifest, address: str) -> Path:
    """The default state file of a prover account next to the network's manifest."""
    return manifest.path.with_name(f"{manifest.path.stem}.prover-{address[:10].lower()}.json")


def _one_line(err: BaseException) -> str:
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return " ".join(str(err).split()) or type(err).__name__
