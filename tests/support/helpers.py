"""Small pure helpers shared by the test modules (fixtures live in tests/conftest.py)."""

from eth_utils import keccak

#: `FaultyVerifier.Mode` (contracts/test/FaultyVerifier.sol), in declaration order.
MODES = ["ReturnFalse", "Revert", "ReturnNothing", "ReturnShort", "ReturnTwo", "WriteState", "BurnGas"]
FAULT_MODES = MODES[:5]  # rejections the verifier reports: verify() returns false
EXHAUSTING_MODES = MODES[5:]  # calls that burn all their gas: no verdict, verify() reverts


#: A collection's `ModelCard` in tests: (description, license, srsKind, royaltyBps).
TEST_CARD = ("A test model.", "CC0-1.0", "development", 500)


def token_of(prompt: bytes) -> int:
    """An ERC-7007 token id: uint256(keccak256(prompt))."""
    return int.from_bytes(keccak(prompt), "big")


def flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    """`data` with the bits of `mask` flipped in byte `index`: the smallest tampering."""
    out = bytearray(data)
    out[index] ^= mask
    return bytes(out)
