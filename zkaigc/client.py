"""The user's side of a generation: claim a prompt by commit–reveal, then request (and pay for) it.

Used by `ape run demo`, the fork tests and the web app. The commitment is computed locally, so the prompt stays private
until the reveal. Reading the minted token's image back and checking it against the prompt's preview is
`zkaigc.imagecheck`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from eth_abi import decode, encode
from eth_utils import keccak

from .errors import ZkaigcError


def make_commitment(prompt: bytes, claimant: str, salt: bytes) -> bytes:
    """keccak256(abi.encode(prompt, claimant, salt)), as ERC7007Claimable.makeCommitment computes it."""
    return keccak(encode(["bytes", "address", "bytes32"], [prompt, claimant, salt]))


@dataclass
class PaidRequest:
    """What paying for a generation returned: the request's id, price and deadline, and the payment's gas and block
    (the request as the marketplace holds it later: `zkaigc.marketplace.Marketplace.request`)."""

    request_id: int
    price: int
    deadline: int
    gas_used: int
    block: int


def parse_prompt(text: str, length: int | None = None, what: str = "--prompt") -> bytes:
    """A 0x-prefixed (or bare) hex prompt -> bytes; `ZkaigcError` (one line) if it is not hex or, given `length`,
    not that many bytes: checked before anything is committed or paid."""
    raw = text.strip().removeprefix("0x").removeprefix("0X")
    try:
        prompt = bytes.fromhex(raw)
    except ValueError:
        raise ZkaigcError(f"{what} {text!r} is not hex (expected 0x and two hex digits per byte)") from None
    if not prompt:
        raise ZkaigcError(f"{what} is empty")
    if length is not None and len(prompt) != length:
        raise ZkaigcError(f"{what} is {len(prompt)} bytes; the model takes {length}")
    return prompt


def wait_commitment_age(chain, seconds: int, progress: Callable[[str], None] | None = None) -> None:
    """Let a commitment age: time travel on local/fork chains, else wait until a block is `seconds` younger,
    telling `progress` how long is left."""
    if chain.provider.network.is_dev and chain.provider.name != "node":
        chain.pending_timestamp += seconds
        chain.mine()
    else:
        wait_for_timestamp(chain, chain.blocks.head.timestamp + seconds, progress=progress)


def wait_for_timestamp(
    chain,
    timestamp: int,
    poll: float = 1.0,
    timeout: float = 3600,
    progress: Callable[[str], None] | None = None,
    every: float = 10.0,
) -> None:
    """Wait until the chain's head block is at least `timestamp` (the chain's clock, not ours); every `every`
    seconds (and at once) `progress` gets a line saying how many chain seconds are left."""
    end = time.monotonic() + timeout
    said = -float("inf")
    while (head := chain.blocks.head.timestamp) < timestamp:
        now = time.monotonic()
        if now > end:
            raise ZkaigcError(f"the chain did not reach timestamp {timestamp} within {timeout:.0f} s")
        if progress is not None and now - said >= every:
            progress(f"waiting for the commitment to age: {timestamp - head} s of chain time left")
            said = now
        time.sleep(poll)


def _selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


#: `IERC7007TraitPrompt`'s ERC-165 id (contracts/interfaces/IERC7007TraitPrompt.sol).
TRAIT_PROMPT_INTERFACE_ID = bytes(
    a ^ b ^ c ^ d
    for a, b, c, d in zip(
        _selector("traitPositions()"),
        _selector("traitKind(uint256)"),
        _selector("traitName(uint256,uint256)"),
        _selector("checkPrompt(bytes)"),
        strict=True,
    )
)


def check_trait_prompt(collection, prompt: bytes) -> None:
    """On a trait-prompt collection (`ERC7007TraitCollection`), raises `ZkaigcError` naming the part and its range
    unless `prompt` is in its trait space: the collection's own `checkPrompt`, as an eth_call through the compiled
    ABI, before anything is paid. Any other collection: nothing to check."""
    try:
        if not collection.supportsInterface(TRAIT_PROMPT_INTERFACE_ID):
            return
    except Exception:  # noqa: BLE001 - a collection without ERC-165: no trait space
        return
    from ape import project
    from ape.contracts import ContractInstance
    from ape.utils import ZERO_ADDRESS

    from .reverts import revert_of

    traits = ContractInstance(collection.address, project.ERC7007TraitCollection.contract_type)
    data = revert_of(traits.checkPrompt, prompt, sender=ZERO_ADDRESS)
    if data is None:
        return
    out_of_range = traits.ERC7007PromptTraitOutOfRange.abi
    if data[:4] != keccak(text=out_of_range.selector)[:4]:
        raise ZkaigcError(f"the collection's checkPrompt reverted: 0x{data.hex()}")
    position, kind, value, limit = decode([i.canonical_type for i in out_of_range.inputs], data[4:])
    raise ZkaigcError(f"prompt byte {position} ({kind}) is {value}; {kind} ids are 0 to {limit - 1}")


def claim_prompt(
    chain, collection, prompt: bytes, user, salt: bytes | None = None, progress: Callable[[str], None] | None = None
) -> int:
    """Commit, let the commitment age, reveal: `user` holds the claim on `prompt`. Returns the gas used. A prompt of
    the wrong length, or outside a trait-prompt collection's trait space, is refused (`ZkaigcError`) before the commit
    is sent: it could be committed but never claimed."""
    expected = int(collection.encoding().inputLen)
    if len(prompt) != expected:
        raise ZkaigcError(f"the prompt is {len(prompt)} bytes; the collection's model takes {expected}")
    check_trait_prompt(collection, prompt)
    salt = salt or os.urandom(32)
    commit_tx = collection.commit(make_commitment(prompt, user.address, salt), sender=user)
    wait_commitment_age(chain, int(collection.MIN_COMMITMENT_AGE()) + 1, progress=progress)
    claim_tx = collection.claim(prompt, user.address, salt, sender=user)
    return commit_tx.gas_used + claim_tx.gas_used


def request_generation(
    chain, market, collection, prompt: bytes, user, ttl: int = 3600, max_price: int | None = None
) -> PaidRequest:
    """Pay for a generation of `prompt` into escrow (the user must hold its claim): the current quote, or with
    `max_price` up to that limit — the price may rise between the quote and the block (every request moves the
    curve), and the marketplace charges the price at that block and returns the excess."""
    price, _fee = market.quote(collection.address)
    if max_price is not None and price > max_price:
        raise ZkaigcError(f"the price is {price} wei, above --max-price {max_price} wei")
    limit = int(price) if max_price is None else max_price
    deadline = chain.pending_timestamp + ttl
    tx = market.requestGeneration(collection.address, prompt, limit, deadline, value=limit, sender=user)
    log = next(iter(tx.decode_logs(market.Requested)))
    return PaidRequest(int(log.requestId), int(log.price), deadline, tx.gas_used, tx.block_number)
