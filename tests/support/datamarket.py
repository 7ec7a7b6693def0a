"""What the dataset market tests (tests/contracts/datamarket/) share besides fixtures: the stub template's shape,
the test set's hashes and commitment, a request's chunk instances and stub proofs, and what a rejected call must
leave unchanged.

The stub verifier accepts exactly `abi.encode(tag, instances)`, so a "proof" is bound to its template and instances
like a real one."""

from eth_abi import encode
from eth_utils import keccak

LINEAR, EXPONENTIAL = 0, 1
NONE, PENDING, FULFILLED, REFUNDED = 0, 1, 2, 3
CHUNK_ROWS, CHUNKS, FEATURES, DEPTH, CLASSES, SCALE = 24, 2, 4, 3, 3, 12
CAPACITY = CHUNK_ROWS * CHUNKS
SPOT = 10**12  # a new dataset starts "egregiously low"
WAD = 10**18
HASHES = [(0x1234, 0x5678), (0x2345, 0x6789)]  # per chunk: Poseidon hashes of its features and of its labels
BIND_HASH, MODEL = 0xDEF0, 0x9ABC
TAG = 7
N = 46  # the request's real rows: chunk 0 is 24 rows, chunk 1 22 rows and 2 padding rows
LIMBS, LIMB_BITS, INPUT_SCALE = 8, 16, 4


def commitment(hashes=HASHES) -> bytes:
    """The test-set commitment as docs/datamarket.md defines it: keccak256 over the chunk hashes, in order."""
    return keccak(b"".join(h.to_bytes(32, "big") for pair in hashes for h in pair))


COMMIT = commitment()


def stub_proof(instances, tag=TAG) -> bytes:
    return encode(["uint256", "uint256[]"], [tag, instances])


def binding(chain_id: int, market: str, dataset_id: int, request_id: int, chunk: int) -> int:
    """The chunk binding as docs/datamarket.md defines it, computed here independently of the contract."""
    types = ["uint256", "address", "uint256", "uint256", "uint256"]
    packed = encode(types, [chain_id, market, dataset_id, request_id, chunk])
    return int.from_bytes(keccak(packed), "big") & (2 ** (LIMB_BITS * LIMBS) - 1)


def limbs(value: int) -> list[int]:
    return [((value >> (LIMB_BITS * i)) & 0xFFFF) << INPUT_SCALE for i in range(LIMBS)]


def chunk(market, i, correct, rows, model=MODEL, request_id=1, bind=None, scale=SCALE):
    """Chunk `i`'s instances for `request_id`: its hashes, the model, its count and rows, its binding's limbs."""
    bind = market.requestBinding(request_id, i) if bind is None else bind
    x, y = HASHES[i]
    return [x, y, BIND_HASH, model, correct << scale, rows << INPUT_SCALE, *limbs(bind)]


def instances(market, correct=(24, 21), rows=(24, 22), request_id=1):
    """Every chunk's instances for a request of sum(rows) rows, sum(correct) of them right."""
    return [chunk(market, i, c, r, request_id=request_id) for i, (c, r) in enumerate(zip(correct, rows, strict=True))]


def fulfil(market, request_id, inst, sender, tags=None):
    """Fulfil with a stub proof per chunk (chunk i's made with `tags[i]`, by default the template's)."""
    proofs = [stub_proof(x, tag) for x, tag in zip(inst, tags or [TAG] * len(inst), strict=True)]
    return market.fulfil(request_id, proofs, inst, sender=sender)


def snapshot(market, accounts, sender, ids=(1, 2)):
    """Everything a rejected call must leave unchanged: ETH of everyone but the sender (who pays gas), the books."""
    return {
        "eth": [a.balance for a in accounts if a != sender] + [market.balance],
        "totals": (market.totalEscrowed(), market.totalRefundable(), market.totalEarnings()),
        "credits": [(market.refundableOf(a), market.earningsOf(a)) for a in accounts],
        "counts": tuple(market.counts()),
        "templates": [tuple(market.getTemplate(i)) for i in ids],
        "datasets": [tuple(market.getDataset(i)) for i in ids],
        "requests": [tuple(market.getRequest(i)) for i in ids],
        "receipts": [tuple(market.getReceipt(i)) for i in ids],
    }


def assert_books_balance(market):
    assert market.balance == market.totalEscrowed() + market.totalRefundable() + market.totalEarnings()
    assert market.surplus() == 0
