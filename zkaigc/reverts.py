"""Revert reasons in words: a custom error's name and arguments, decoded through the contracts' ABIs.

A `fulfil` that reverts inside the collection (`ERC7007InvalidProof`) or the verifier surfaces through the
marketplace as raw revert data, which ape cannot decode with the marketplace's ABI alone. `RevertDecoder`
knows every error of the contracts it was given and turns `0x4049a753…` into `ERC7007InvalidProof()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from eth_abi import decode
from eth_utils import keccak

_HEX = re.compile(r"0x[0-9a-fA-F]{8,}")
#: Solidity's built-in `Error(string)` and `Panic(uint256)`.
_BUILTIN = {
    keccak(text="Error(string)")[:4]: ("Error", ["string"]),
    keccak(text="Panic(uint256)")[:4]: ("Panic", ["uint256"]),
}


class RevertDecoder:
    """Maps 4-byte error selectors to names and argument types, from contract types' ABIs."""

    def __init__(self, contract_types: Iterable = ()):
        self.errors: dict[bytes, tuple[str, list[str]]] = dict(_BUILTIN)
        for contract_type in contract_types:
            for abi in getattr(contract_type, "abi", []):
                if getattr(abi, "type", None) == "error":
                    types = [item.canonical_type for item in abi.inputs]
                    self.errors[keccak(text=f"{abi.name}({','.join(types)})")[:4]] = (abi.name, types)

    @classmethod
    def from_project(cls, project) -> RevertDecoder:
        """Every error of every contract the project compiles."""
        return cls(project.contracts.values())

    def decode(self, data: bytes) -> str:
        """`Name(arg, ...)` for revert data, or its hex when the selector is unknown."""
        known = self.errors.get(bytes(data[:4]))
        if known is None:
            return f"unknown revert 0x{bytes(data).hex()}" if data else "reverted without a reason"
        name, types = known
        try:
            args = decode(types, bytes(data[4:]))
        except Exception:  # noqa: BLE001 - malformed arguments: the name alone still says what happened
            return f"{name}(?)"
        return f"{name}({', '.join(_show(a) for a in args)})"

    def describe(self, err: BaseException) -> str:
        """A one-line reason for a failed call or transaction."""
        abi = getattr(err, "abi", None)
        if abi is not None and getattr(err, "inputs", None) is not None and getattr(abi, "type", "") == "error":
            return f"{abi.name}({', '.join(f'{k}={_show(v)}' for k, v in err.inputs.items())})"
        for text in _texts(err):
            match = _HEX.search(text)
            if match and len(match.group(0)) % 2 == 0 and bytes.fromhex(match.group(0)[2:10]) in self.errors:
                return self.decode(bytes.fromhex(match.group(0)[2:]))
        message = " ".join(str(err).split())
        return f"{type(err).__name__}: {message}" if message else type(err).__name__


def _texts(err: BaseException) -> list[str]:
    """Every string an exception chain carries that may hold revert data."""
    out, seen, todo = [], set(), [err]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        for value in (getattr(e, "message", None), getattr(e, "data", None), *getattr(e, "args", ()), str(e)):
            if isinstance(value, bytes):
                out.append("0x" + value.hex())
            elif isinstance(value, dict):
                out.extend(str(v) for v in value.values())
            elif value is not None:
                out.append(str(value))
        todo += [getattr(e, "base_err", None), e.__cause__, e.__context__]
    return out


def _show(value) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)
