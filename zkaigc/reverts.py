"""Revert reasons in words, from exact revert data: a custom error's name and arguments, through the contracts' ABIs.

A `fulfil` that reverts inside the collection (`ERC7007InvalidProof`) or the verifier surfaces through the
marketplace as raw revert data, which ape cannot decode with the marketplace's ABI alone: it then finds the
declaring contract by walking the transaction's whole step trace (seconds for the micro verifier, minutes for a real
one on ape-foundry's step-traced anvil). Instead the call is run as an `eth_call` (`revert_of`), which returns the
exact revert bytes, and `RevertDecoder` — which knows every error of the contracts it was given — turns
`0x4049a753…` into `ERC7007InvalidProof(tokenId=…)` by its selector. `encode_error` is the inverse: the exact bytes
a custom error with given arguments reverts with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address
from web3.exceptions import ContractLogicError

_HEX = re.compile(r"0x[0-9a-fA-F]{8,}")
#: Solidity's built-in `Error(string)` and `Panic(uint256)` (no argument names: shown positionally).
_BUILTIN = {
    keccak(text="Error(string)")[:4]: ("Error", ["string"], None),
    keccak(text="Panic(uint256)")[:4]: ("Panic", ["uint256"], None),
}


def _signature(abi) -> tuple[str, list[str]]:
    """`Name(type,...)` of an Ape error ABI, and its canonical argument types."""
    types = [item.canonical_type for item in abi.inputs]
    return f"{abi.name}({','.join(types)})", types


def error_selector(abi) -> bytes:
    """The 4-byte selector of a custom error (Ape's `ErrorABI`): the first bytes of keccak256 of its signature."""
    return keccak(text=_signature(abi)[0])[:4]


def encode_error(abi, *args) -> bytes:
    """The exact revert data of the custom error `abi` (Ape's `ErrorABI`, e.g. `collection.ERC7007InvalidProof.abi`)
    with `args`: its 4-byte selector, then the ABI-encoded arguments."""
    return error_selector(abi) + encode(_signature(abi)[1], list(args))


def revert_data(err: BaseException) -> bytes | None:
    """The revert data a failed web3 call carries (b"" for a revert without any), or None if `err` is not a revert."""
    if not isinstance(err, ContractLogicError):
        return None
    data = err.data
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str):
        data = data.removeprefix("Reverted ")
        if data.startswith("0x"):
            try:
                return bytes.fromhex(data[2:])
            except ValueError:
                pass
    return b""


def call_params(method, *args, sender, value: int = 0) -> dict:
    """web3 call parameters of the Ape contract method call `method(*args)` from `sender`: the calldata encoded from
    the method's ABI, without Ape's transaction preparation (whose gas estimate would itself revert)."""
    return {
        "from": str(getattr(sender, "address", sender)),
        "to": str(method.contract.address),
        "data": "0x" + bytes(method.encode_input(*args)).hex(),
        "value": value,
    }


def revert_of(method, *args, sender, value: int = 0) -> bytes | None:
    """Run `method(*args)` from `sender` as an eth_call on the connected node: its exact revert data, or None if it
    would succeed. Errors other than a revert (a lost connection) propagate."""
    try:
        method.provider.web3.eth.call(call_params(method, *args, sender=sender, value=value))
    except ContractLogicError as err:
        return revert_data(err)
    return None


class RevertDecoder:
    """Maps 4-byte error selectors to names and argument types, from contract types' ABIs."""

    def __init__(self, contract_types: Iterable = ()):
        # selector -> (name, argument types, argument names; None for the built-ins)
        self.errors: dict[bytes, tuple[str, list[str], list[str] | None]] = dict(_BUILTIN)
        for contract_type in contract_types:
            for abi in getattr(contract_type, "abi", []):
                if getattr(abi, "type", None) == "error":
                    types = _signature(abi)[1]
                    self.errors[error_selector(abi)] = (abi.name, types, [i.name or "" for i in abi.inputs])

    @classmethod
    def from_project(cls, project) -> RevertDecoder:
        """Every error of every contract the project compiles."""
        return cls(project.contracts.values())

    def decode(self, data: bytes, named: bool = False) -> str:
        """`Name(arg, ...)` for revert data (`Name(name=arg, ...)` with `named`, built-ins stay positional), or its
        hex when the selector is unknown."""
        known = self.errors.get(bytes(data[:4]))
        if known is None:
            return _unknown(data)
        name, types, names = known
        try:
            args = decode(types, bytes(data[4:]))
        except Exception:  # noqa: BLE001 - malformed arguments: the name alone still says what happened
            return f"{name}(?)"
        if not named or names is None:
            return f"{name}({', '.join(_show(a) for a in args)})"
        shown = (_show(to_checksum_address(a) if t == "address" else a) for t, a in zip(types, args, strict=True))
        return f"{name}({', '.join(f'{k}={v}' for k, v in zip(names, shown, strict=True))})"

    def describe_revert(self, data: bytes, called=None) -> str:
        """A one-line reason for the revert data of a call to a contract of type `called`, worded as `describe` words
        the error Ape raises for it: arguments named for an error `called` declares (Ape decodes those with its ABI),
        positional for any other (a collection's error bubbling up through the marketplace, `Error`/`Panic`)."""
        declared = {error_selector(abi) for abi in getattr(called, "abi", []) if abi.type == "error"}
        return self.decode(data, named=bytes(data[:4]) in declared)

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


def _unknown(data: bytes) -> str:
    return f"unknown revert 0x{bytes(data).hex()}" if data else "reverted without a reason"


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
