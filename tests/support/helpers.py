"""Small pure helpers shared by the test modules (fixtures live in tests/conftest.py)."""

from eth_utils import keccak


def token_of(prompt: bytes) -> int:
    """An ERC-7007 token id: uint256(keccak256(prompt))."""
    return int.from_bytes(keccak(prompt), "big")


def flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    """`data` with the bits of `mask` flipped in byte `index`: the smallest tampering."""
    out = bytearray(data)
    out[index] ^= mask
    return bytes(out)
