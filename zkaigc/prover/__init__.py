"""The prover: watch the marketplace for requests on our models, prove with ezkl, fulfil on-chain.

One front door, `boot(account, ...)`: the start-up checks and a ready `ProverService`. `ape run prover`
(scripts/prover.py) polls it in one process (`ProverService.run`), the web app runs it on a background thread
(`ProverService.start`), and `zkaigc/bot.py` drives it from Silverback's triggers (`process`, `poll`).

| module | what |
|---|---|
| `boot.py` | `boot`: the one start-up (manifest, served models, SRS rule, listing, signer, leases, state) |
| `checks.py` | the start-up checks (`check_manifest_chain`, `check_served`), `served_models`, `state_path` |
| `service.py` | `ProverService`: poll, decide, record outcomes, retry with backoff, run on a thread |
| `fulfil.py` | `Fulfiller`: prove one request or a batch and send `fulfil` / `fulfilBatch` (reverts decoded) |
| `guards.py` | `ended` (has the request ended: lost, refunded, expired?) and `Leases` (the lease guard) |
| `plan.py` | `expected_prove_seconds` (from the model's artifacts), `batch_circuits`, `plan` (which requests batch) |
| `state.py` | `ProverState` (the pydantic state file), `OutcomeStatus`, `Outcome`, `RequestInfo`, `Metrics` |
"""

from ..errors import PreflightError
from .boot import boot
from .checks import check_manifest_chain, check_served, served_models, state_path
from .guards import ended
from .plan import batch_circuits, expected_prove_seconds
from .service import ProverService
from .state import FINAL, Metrics, Outcome, OutcomeStatus, ProverState, RequestInfo, RetryEntry

__all__ = [
    "FINAL",
    "Metrics",
    "Outcome",
    "OutcomeStatus",
    "PreflightError",
    "ProverService",
    "ProverState",
    "RequestInfo",
    "RetryEntry",
    "batch_circuits",
    "boot",
    "check_manifest_chain",
    "check_served",
    "ended",
    "expected_prove_seconds",
    "served_models",
    "state_path",
]
