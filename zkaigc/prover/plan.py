"""How long a proof takes, and which pending requests go into one batch proof.

The expected proving time comes from the model's own artifacts: `meta.json`'s `prove_s` when the build recorded a
measured time, else an estimate from the circuit's size (`2^logrows / 4096` seconds, at least one second: about what
`make bench` measured on the 2-core box, micro 1 s at logrows 10, pixel32 16 s at logrows 16, nouns 64 s of a
measured 110 s at logrows 18). The service doubles it and adds a margin before judging a deadline, and raises it to
the mean of its own proofs once it has proven some.
"""

from __future__ import annotations

from collections.abc import Callable

from proofs.model_artifacts import ModelArtifacts

from ..marketplace import batch_verifier
from .state import RequestInfo

#: Rows of the circuit proven per second by the estimate when the artifacts record no measured time.
ROWS_PER_SECOND = 4096


def expected_prove_seconds(art: ModelArtifacts) -> float:
    """The model's proving time in seconds: its artifacts' recorded `prove_s`, else the estimate from logrows."""
    recorded = art.read_meta().get("prove_s")
    if isinstance(recorded, int | float) and recorded > 0:
        return float(recorded)
    try:
        logrows = art.logrows
    except (OSError, KeyError, ValueError):  # no settings.json: the smallest estimate
        return 1.0
    return max(1.0, 2**logrows / ROWS_PER_SECOND)


def batch_circuits(collection: str, art: ModelArtifacts) -> dict[int, ModelArtifacts]:
    """The batch circuits a collection takes: sizes the model has committed circuits for and the collection has a
    verifier for (`batchVerifier(N)`); empty for a collection without batch mints."""
    from models import registry

    found = {}
    for size in registry.get(art.name).batch_sizes:
        batch = art.batch_circuit(size)
        if not batch.vk.exists():
            continue
        verifier = batch_verifier(collection, size)
        if verifier is None:  # a collection without batch mints
            return {}
        if int(verifier, 16) != 0:
            found[size] = batch
    return found


def plan(
    reqs: list[RequestInfo],
    sizes: Callable[[str], list[int]],
    batch_seconds: Callable[[str, int], float],
    now: int,
) -> tuple[list[list[RequestInfo]], list[RequestInfo]]:
    """Split requests into batches (N requests of one batch-capable collection whose deadlines allow the batch's
    proof, earliest deadline first, largest N first) and the rest, to be proven one by one.

    `sizes(collection)`: the batch sizes it takes; `batch_seconds(collection, N)`: how long a batch of N needs."""
    batches: list[list[RequestInfo]] = []
    rest: list[RequestInfo] = []
    by_collection: dict[str, list[RequestInfo]] = {}
    for req in reqs:
        by_collection.setdefault(req.collection, []).append(req)
    for collection, group in by_collection.items():
        for size in sorted(sizes(collection), reverse=True):
            fits = sorted(
                (r for r in group if now + batch_seconds(collection, size) <= r.deadline),
                key=lambda r: r.deadline,
            )
            while len(fits) >= size:
                batch, fits = fits[:size], fits[size:]
                batches.append(batch)
                group = [r for r in group if r not in batch]
        rest.extend(group)
    return batches, rest
