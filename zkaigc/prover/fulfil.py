"""Prove and fulfil: one request (`fulfil`) or a batch of them (`fulfilBatch`), the outcome read from the chain.

Each fulfil is first run as an `eth_call`, whose exact revert data name the error by its selector (decoded through
the contracts' ABIs: `ERC7007InvalidProof(…)`, not `0x4049a753…`); one that would revert is not sent. (Sent, its
revert would have Ape walk the transaction's whole step trace to find the contract that declares the error: seconds
for the micro verifier, minutes for a real one.) A request that ended while it was proven is left out: a single
one is reported as it ended, a batch's slot is set to 0 so the rest still mint.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from proofs.encoding import EncodingError
from proofs.model_artifacts import ModelArtifacts
from proofs.proven import prove_batch, prove_latent

from ..marketplace import Marketplace
from ..reverts import RevertDecoder, revert_of
from .guards import ended
from .state import Outcome, OutcomeStatus, RequestInfo, one_line

#: What a request that ended while it was proven is reported as.
_WHILE_PROVING = {
    OutcomeStatus.LOST: "another prover fulfilled it first",
    OutcomeStatus.REFUNDED: "refunded to the requester",
    OutcomeStatus.EXPIRED: "deadline passed while proving",
}


class Fulfiller:
    """Proves with ezkl and sends the fulfilment from `account`; `proved(seconds)` is told of every proof."""

    def __init__(
        self,
        marketplace: Marketplace,
        account,
        decoder: RevertDecoder,
        workdir: Path,
        log: Callable[[str], None],
        proved: Callable[[float], None],
    ):
        self.marketplace, self.account, self.decoder = marketplace, account, decoder
        self.workdir, self.log, self.proved = workdir, log, proved

    def single(self, req: RequestInfo, art: ModelArtifacts) -> Outcome:
        """Prove `req` with `art` and fulfil it; never raises on a bad prompt, a failed proof or a revert."""
        request_id, market = req.request_id, self.marketplace.contract
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
            return Outcome(request_id, OutcomeStatus.FAILED, f"proving failed: {one_line(err)}")
        prove_seconds = time.perf_counter() - started
        self.proved(prove_seconds)
        if status := ended(self.marketplace.request(request_id), self.marketplace.now()):
            return Outcome(request_id, status, _WHILE_PROVING[status], prove_seconds)
        args = (request_id, req.prompt, sample.aigc, "", sample.proof)
        tx, reason = None, self._revert_reason(market.fulfil, *args)
        if reason is None:
            try:
                tx = market.fulfil(*args, sender=self.account)
            except Exception as err:  # noqa: BLE001 - a lost race reverts; the contract decided
                # A timeout is not a revert: the chain may have taken our transaction after all.
                mine = self.fulfilled_by_us(request_id, req.block)
                if mine is not None:
                    detail = f"tx {mine.transaction_hash} (confirmed late)"
                    return Outcome(request_id, OutcomeStatus.FULFILLED, detail, prove_seconds, 0, int(mine.tokenId))
                reason = self.decoder.describe(err)
        if tx is None:
            # No deadline check here: a revert near the deadline is retried, and the retry finds it expired.
            status = ended(self.marketplace.request(request_id)) or OutcomeStatus.FAILED
            return Outcome(request_id, status, f"fulfil reverted: {reason}", prove_seconds)
        token_id = next((int(log.tokenId) for log in tx.decode_logs(market.Fulfilled)), None)
        return Outcome(request_id, OutcomeStatus.FULFILLED, f"tx {tx.txn_hash}", prove_seconds, tx.gas_used, token_id)

    def batch(self, reqs: list[RequestInfo], art: ModelArtifacts) -> list[Outcome]:
        """One batch proof for `reqs` (all on one collection; `art` the batch circuit), then one `fulfilBatch`; one
        outcome per request."""
        market, ids = self.marketplace.contract, [r.request_id for r in reqs]
        encoding = art.encoding()
        try:
            latents = [encoding.dequantize_latent(encoding.decode_prompt(r.prompt)) for r in reqs]
        except EncodingError as err:
            return [Outcome(i, OutcomeStatus.SKIPPED, f"prompt does not decode for {art.name}: {err}") for i in ids]
        self.log(f"requests {ids}: proving a batch of {len(reqs)} with {art.contract_name}...")
        started = time.perf_counter()
        try:
            batch = prove_batch(art, latents, self.workdir / f"batch-{ids[0]}-{len(ids)}")
        except Exception as err:  # noqa: BLE001 - a failed proof must not stop the service
            return [Outcome(i, OutcomeStatus.FAILED, f"batch proving failed: {one_line(err)}") for i in ids]
        prove_seconds = time.perf_counter() - started
        self.proved(prove_seconds)
        # Requests that ended while proving (fulfilled elsewhere, refunded, expired) are left out of the mint.
        now = self.marketplace.now()
        gone: dict[int, Outcome] = {}
        for request in self.marketplace.requests(ids):
            if status := ended(request, now):
                gone[request.request_id] = Outcome(request.request_id, status, _WHILE_PROVING[status], prove_seconds)
        slots = [0 if i in gone else i for i in ids]
        if not any(slots):
            return [gone[i] for i in ids]
        args = (slots, batch.prompts_bytes, batch.aigcs_bytes, batch.proof)
        tx, reason = None, self._revert_reason(market.fulfilBatch, *args)
        if reason is None:
            try:
                tx = market.fulfilBatch(*args, sender=self.account)
            except Exception as err:  # noqa: BLE001 - a lost race reverts: the next pass looks at each request again
                reason = self.decoder.describe(err)
        if tx is None:
            return [gone.get(i) or Outcome(i, OutcomeStatus.FAILED, f"fulfilBatch reverted: {reason}") for i in ids]
        tokens = {int(log.requestId): int(log.tokenId) for log in tx.decode_logs(market.Fulfilled)}
        share = tx.gas_used // max(len(tokens), 1)  # the batch's gas, per NFT
        detail = f"tx {tx.txn_hash} (batch of {len(ids)})"
        return [
            gone.get(i) or Outcome(i, OutcomeStatus.FULFILLED, detail, prove_seconds, share, tokens.get(i)) for i in ids
        ]

    def _revert_reason(self, method, *args) -> str | None:
        """Why `method(*args)` from this prover would revert, decoded from an eth_call's exact revert data; None if it
        would succeed or the call itself failed (then it is sent, and the send's failure is handled as before)."""
        try:
            data = revert_of(method, *args, sender=self.account)
        except Exception:  # noqa: BLE001 - not a revert (a lost connection): the send path reports it as it always has
            return None
        return None if data is None else self.decoder.describe_revert(data, self.marketplace.contract.contract_type)

    def fulfilled_by_us(self, request_id: int, from_block: int):
        """The Fulfilled log of `request_id` if this prover's transaction made it, else None."""
        for log in self.marketplace.fulfilled_logs(request_id, from_block):
            if str(log.prover) == self.account.address:
                return log
        return None
