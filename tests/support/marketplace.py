"""What the marketplace tests (tests/contracts/marketplace/) share besides fixtures: the listing's numbers, the fee,
and what a rejected call must leave unchanged."""

from support.helpers import token_of

LINEAR, EXPONENTIAL = 0, 1
NONE, PENDING, FULFILLED, REFUNDED = 0, 1, 2, 3
FEE_BPS = 250
SPOT = 10**15  # 0.001 ETH
DELTA = 10**14  # +0.0001 ETH per request
ZERO = "0x" + "00" * 20


def fee_of(price: int, bps: int = FEE_BPS) -> int:
    return price * bps // 10_000


def snapshot(market, collection, prompt: bytes, accounts, request_ids=()):
    """Everything a rejected call must leave unchanged (ETH balances of non-senders included)."""
    try:
        owner = collection.ownerOf(token_of(prompt))
    except Exception:  # noqa: BLE001 - ERC721NonexistentToken
        owner = None
    return {
        "market_eth": market.balance,
        "eth": [a.balance for a in accounts],
        "totals": (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings(), market.protocolFees()),
        "credits": [(market.refundableOf(a), market.earningsOf(a)) for a in accounts],
        "listing": tuple(market.getListing(collection)),
        "requests": [tuple(market.getRequest(i)) for i in request_ids],
        "request_count": market.requestCount(),
        "pending": market.pendingRequestOf(collection, prompt),
        "token_owner": owner,
        "claim": tuple(collection.claimOf(prompt)),
    }


def assert_books_balance(market):
    """The accounting invariant: balance == escrowed + refundable + earnings + fees (no forced ETH here)."""
    owed = market.totalEscrowed() + market.totalRefundable() + market.totalEarnings() + market.protocolFees()
    assert market.balance == owed
    assert market.surplus() == 0
