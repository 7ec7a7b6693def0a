"""The contracts' Solidity enums, mirrored as `IntEnum`s (tests/test_layout.py checks they match the sources)."""

from enum import IntEnum


class RequestStatus(IntEnum):
    """`IRequestEscrow.RequestStatus`, both markets' request lifecycle: `Pending` ends in `Fulfilled` or `Refunded`."""

    NONE = 0
    PENDING = 1
    FULFILLED = 2
    REFUNDED = 3


class CurveType(IntEnum):
    """`CurveType` (contracts/pricing/CurveType.sol): how a listing's price moves per generation."""

    LINEAR = 0
    EXPONENTIAL = 1
