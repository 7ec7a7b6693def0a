"""What the prover knows: the outcome of each request it saw, and the state that survives a restart.

`ProverState` is one pydantic model: its fields are exactly the state file's (`genesis`, `last_block`, `handled`,
`retry`), validated on load and written atomically; the file's path is not part of the file.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ..errors import ProverStateError


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
        """Whether the request is finished with (never looked at again)."""
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


class ProverState(BaseModel):
    """What survives a restart: the last scanned block, the requests finished with, and those to retry; bound to
    the chain of its genesis hash. `ProverState(path, last_block=…)` starts one; `load` reads one back."""

    model_config = ConfigDict(extra="forbid")
    genesis: str | None = None  # the chain this state belongs to
    last_block: int = Field(ge=-1)  # -1: nothing scanned yet
    handled: dict[str, OutcomeStatus] = {}  # request id -> final outcome
    retry: dict[str, RetryEntry] = {}
    _path: Path | None = PrivateAttr(default=None)
    # Where a state for another chain was moved (nothing is overwritten).
    _moved_aside: Path | None = PrivateAttr(default=None)

    def __init__(self, path: Path | None = None, /, **fields):
        super().__init__(**fields)
        self._path = None if path is None else Path(path)

    @property
    def path(self) -> Path:
        """The state file."""
        return self._path

    @property
    def moved_aside(self) -> Path | None:
        """Where `load` moved a state saved for another chain, if it did."""
        return self._moved_aside

    @classmethod
    def load(cls, path: Path, start_block: int = 0, genesis: str | None = None) -> ProverState:
        """The saved state, or a fresh one from `start_block`; an unreadable file is a `ProverStateError`.

        A state saved for another chain (a restarted devnet) is moved aside, never overwritten.
        """
        if not path.exists():
            return cls(path, last_block=start_block - 1, genesis=genesis)
        try:
            data = json.loads(path.read_text())
            if isinstance(data, dict) and isinstance(data.get("handled"), dict):  # pre-retry files: drop non-final
                data["handled"] = {k: v for k, v in data["handled"].items() if v in {s.value for s in FINAL}}
            saved = cls.model_validate(data)
        except (OSError, ValueError) as err:
            raise ProverStateError(f"cannot read the prover state {path}: {one_line(err)}") from None
        if genesis is not None and saved.genesis not in (None, genesis):
            aside = path.with_suffix(f".other-chain-{int(time.time())}.json")
            path.rename(aside)
            state = cls(path, last_block=start_block - 1, genesis=genesis)
            state._moved_aside = aside
            return state
        saved._path, saved.genesis = path, genesis or saved.genesis
        return saved

    def save(self) -> None:
        """Write the state atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(self.model_dump_json(indent=2) + "\n")
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
        """The request a `Requested` log announces (a `RequestInfo` is returned as is)."""
        if isinstance(event, RequestInfo):
            return event
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
        """The one metrics line printed on exit."""
        hours = max(time.monotonic() - self.started, 1e-9) / 3600
        mean = self.prove_seconds / self.proofs if self.proofs else 0.0
        return (
            f"metrics: {self.requests_seen} requests seen, {self.proofs} proofs ({self.proofs / hours:.0f}/hour), "
            f"{self.prove_seconds:.1f} s proving ({mean:.2f} s each), {self.fulfilled} fulfilled, "
            f"{self.failures} failures"
        )

    def as_dict(self) -> dict[str, float]:
        """The counters as a task result (the bot's handlers return them to Silverback)."""
        return {
            "requests_seen": self.requests_seen,
            "proofs": self.proofs,
            "prove_seconds": round(self.prove_seconds, 3),
            "fulfilled": self.fulfilled,
            "failures": self.failures,
        }


def one_line(err: BaseException) -> str:
    """An error in one line: a validation error's first problem with its place, else the message's words."""
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return " ".join(str(err).split()) or type(err).__name__
