"""The prover service: watch the marketplace for requests on our models, prove, fulfil on-chain.

`scripts/prover.py` (`ape run prover`) is a thin CLI over `ProverService`. Design:

- **The chain is the coordination layer.** Before proving, the service reads the request's status; the
  contract accepts exactly one fulfilment, so when several provers race, the loser's transaction fails
  cleanly (its status check or its `fulfil` reverts with `RequestNotPending`) and it logs and moves on.
- **Restart-safe.** A small JSON state file records the last fully processed block and the requests this
  prover has finished with; it is written atomically after every request, and a restart rescans from the
  block after the last processed one. Re-seeing a request is harmless: its on-chain status decides.
- **Bad requests never crash the service**: a prompt that does not decode, an unknown collection or a
  failed proof are logged and skipped.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from proofs.encoding import EncodingError
from proofs.pipeline import ModelArtifacts, artifacts_of, prove_latent

from .enums import RequestStatus
from .errors import ManifestError, ProverStateError
from .manifest import Manifest


@dataclass
class ProverState:
    """What survives a restart: the last processed block and the requests already handled."""

    path: Path
    last_block: int = -1
    handled: dict[str, str] = field(default_factory=dict)  # request id -> outcome
    genesis: str | None = None  # the chain this state belongs to

    @classmethod
    def load(cls, path: Path, start_block: int = 0, genesis: str | None = None) -> ProverState:
        """The saved state, or a fresh one from `start_block` if none was saved for this chain."""
        if path.exists():
            try:
                data = json.loads(path.read_text())
            except (OSError, ValueError) as err:
                raise ProverStateError(f"cannot read the prover state {path}: {err}") from None
            if genesis is None or data.get("genesis") in (None, genesis):
                return cls(path, data["last_block"], data.get("handled", {}), genesis or data.get("genesis"))
        return cls(path, start_block - 1, genesis=genesis)  # new, or saved for another chain (restarted devnet)

    def save(self) -> None:
        """Write the state atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        data = {"genesis": self.genesis, "last_block": self.last_block, "handled": self.handled}
        tmp.write_text(json.dumps(data, indent=2))
        tmp.replace(self.path)


class OutcomeStatus(StrEnum):
    """What became of a request this prover saw."""

    FULFILLED = "fulfilled"  # our proof minted the token
    SKIPPED = "skipped"  # not ours, not pending, or malformed: nothing to do
    LOST = "lost"  # another prover fulfilled it first
    FAILED = "failed"  # proving or fulfilling failed: retried on the next pass


@dataclass
class Outcome:
    """What happened to one request."""

    request_id: int
    status: OutcomeStatus
    detail: str = ""
    prove_seconds: float = 0.0
    gas_used: int = 0
    token_id: int | None = None


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
    ):
        # models: collection address (checksummed) -> its artifacts
        self.market, self.models, self.account, self.state, self.log = market, models, account, state, log
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="zkaigc-prover-"))

    def pending_events(self, to_block: int) -> list[Any]:
        """Requested events after the last processed block, up to `to_block` inclusive."""
        start = self.state.last_block + 1
        if start > to_block:
            return []
        return list(self.market.Requested.range(start, to_block + 1))

    def handle(self, event) -> Outcome:
        """Prove and fulfil one Requested event, unless it is not ours, not pending or malformed."""
        request_id = int(event.requestId)
        collection = str(event.collection)
        art = self.models.get(collection)
        if art is None:
            return Outcome(request_id, OutcomeStatus.SKIPPED, f"collection {collection} is not served by this prover")
        request = self.market.getRequest(request_id)
        if int(request.status) != RequestStatus.PENDING:
            return Outcome(request_id, OutcomeStatus.SKIPPED, f"not pending (status {int(request.status)})")
        if not self.market.isProver(collection, self.account.address):
            return Outcome(
                request_id, OutcomeStatus.SKIPPED, f"{self.account.address} is not a prover for {collection}"
            )
        prompt = bytes(event.prompt)
        encoding = art.encoding()
        try:
            latent = encoding.dequantize_latent(encoding.decode_prompt(prompt))
        except EncodingError as err:
            return Outcome(request_id, OutcomeStatus.SKIPPED, f"prompt does not decode for {art.name}: {err}")

        self.log(f"request {request_id}: proving {art.name} for {prompt.hex()[:16]}... ")
        started = time.perf_counter()
        try:
            sample = prove_latent(art, latent, self.workdir / f"request-{request_id}")
        except Exception as err:  # noqa: BLE001 - a failed proof must not stop the service
            return Outcome(request_id, OutcomeStatus.FAILED, f"proving failed: {err}")
        prove_seconds = time.perf_counter() - started
        if int(request.deadline) < self.market.chain_manager.pending_timestamp:
            return Outcome(request_id, OutcomeStatus.SKIPPED, "deadline passed while proving", prove_seconds)
        if int(self.market.getRequest(request_id).status) != RequestStatus.PENDING:
            return Outcome(request_id, OutcomeStatus.LOST, "another prover fulfilled it first", prove_seconds)
        try:
            tx = self.market.fulfil(request_id, prompt, sample.aigc, "", sample.proof, sender=self.account)
        except Exception as err:  # noqa: BLE001 - a lost race reverts; the contract decided
            # A timeout is not a revert: the chain may have taken our transaction after all.
            mine = self._fulfilled_by_us(request_id, int(event.block_number))
            if mine is not None:
                return Outcome(
                    request_id,
                    OutcomeStatus.FULFILLED,
                    f"tx {mine.transaction_hash} (confirmed late)",
                    prove_seconds,
                    0,
                    int(mine.tokenId),
                )
            status = int(self.market.getRequest(request_id).status)
            kind = OutcomeStatus.LOST if status != RequestStatus.PENDING else OutcomeStatus.FAILED
            return Outcome(request_id, kind, f"fulfil failed: {err}", prove_seconds)
        token_id = next((int(log.tokenId) for log in tx.decode_logs(self.market.Fulfilled)), None)
        return Outcome(request_id, OutcomeStatus.FULFILLED, f"tx {tx.txn_hash}", prove_seconds, tx.gas_used, token_id)

    def _fulfilled_by_us(self, request_id: int, from_block: int):
        """The Fulfilled log of `request_id` if this prover's transaction made it, else None."""
        head = self.market.chain_manager.blocks.head.number
        for log in self.market.Fulfilled.range(from_block, head + 1, search_topics={"requestId": request_id}):
            if str(log.prover) == self.account.address:
                return log
        return None

    def poll(self, to_block: int | None = None) -> list[Outcome]:
        """Process every new request up to `to_block` (default: the head); persists progress as it goes."""
        head = self.market.chain_manager.blocks.head.number if to_block is None else to_block
        if self.state.last_block > head:  # a chain restarted under the same genesis (local anvil)
            self.log(f"state is ahead of the chain (block {self.state.last_block} > head {head}): starting over")
            self.state.last_block, self.state.handled = -1, {}
        outcomes = []
        for event in self.pending_events(head):
            key = str(int(event.requestId))
            if key in self.state.handled:
                continue
            outcome = self.handle(event)
            self.log(
                f"request {outcome.request_id}: {outcome.status}"
                + (f" ({outcome.detail})" if outcome.detail else "")
                + (f", proved in {outcome.prove_seconds:.1f}s" if outcome.prove_seconds else "")
                + (f", gas {outcome.gas_used}" if outcome.gas_used else "")
            )
            if outcome.status != OutcomeStatus.FAILED:  # a failed proof is retried on the next pass
                self.state.handled[key] = outcome.status
            self.state.save()
            outcomes.append(outcome)
        if not any(o.status == OutcomeStatus.FAILED for o in outcomes):
            self.state.last_block = head
        self.state.save()
        return outcomes

    def run(self, interval: float = 2.0, max_polls: int | None = None) -> None:
        """Poll forever (or `max_polls` times), sleeping `interval` seconds between passes."""
        polls = 0
        while max_polls is None or polls < max_polls:
            self.poll()
            polls += 1
            if max_polls is None or polls < max_polls:
                time.sleep(interval)


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
