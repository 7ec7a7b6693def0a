"""`ape.reverts(SomeError)` that fails unless the call reverted with that custom error.

Ape's `RevertsContextManager` checks an expected custom error only when the revert decoded as *some* custom error:
a call that reverted with no data, a panic or a reason string passed `ape.reverts(market.InvalidProof)` unchecked.
Ape also leaves undecoded the errors it cannot attribute to a known contract (a constructor's, for one). Here, when
the revert did not decode, its raw data must carry the expected error's selector and, when the test names
arguments, those arguments; a decoded custom error is checked by Ape as before.
"""

from __future__ import annotations

import re

import pytest
from eth_abi import decode

from zkaigc.reverts import error_selector

_patch = pytest.MonkeyPatch()


def revert_data(error: BaseException) -> bytes | None:
    """The raw revert data of a call Ape did not decode: web3's error behind it, Ape's hex message, or anvil's
    message for a call (``custom error 0x<selector>: <arguments>``, the arguments in hex or, when they are valid
    UTF-8, as text)."""
    for cause in (error, error.__cause__, error.__context__):
        data = getattr(cause, "data", None)
        if isinstance(data, str) and re.fullmatch(r"0x([0-9a-fA-F]{2})*", data):
            return bytes.fromhex(data[2:])
    message = getattr(error, "revert_message", None) or ""
    if re.fullmatch(r"0x([0-9a-fA-F]{2})+", message):
        return bytes.fromhex(message[2:])
    if anvil := re.fullmatch(r"custom error 0x([0-9a-fA-F]{8})(?:: (.*))?", message, re.DOTALL):
        selector, arguments = bytes.fromhex(anvil[1]), anvil[2] or ""
        if re.fullmatch(r"([0-9a-fA-F]{2})*", arguments):
            return selector + bytes.fromhex(arguments)
        return selector + arguments.encode()
    return None


def _same(actual, expected) -> bool:
    expected = getattr(expected, "address", expected)  # an account or a contract stands for its address
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.lower() == expected.lower()
    return actual == expected


def check_undecoded(abi, error: BaseException, inputs: dict) -> None:
    """Raise AssertionError unless `error`'s revert data is the custom error `abi` with `inputs`."""
    data = revert_data(error)
    if data is None or data[:4] != error_selector(abi):
        raise AssertionError(f"expected custom error {abi.name}, but the call reverted with: {error!r}")
    values = decode([i.canonical_type for i in abi.inputs], data[4:])
    actual = dict(zip([i.name for i in abi.inputs], values, strict=True))
    for name, expected in inputs.items():
        if name not in actual or not _same(actual[name], expected):
            raise AssertionError(f"{abi.name}: expected {name}={expected!r}, got {actual.get(name)!r}")


def pytest_configure(config):
    from ape.exceptions import ContractLogicError, CustomError
    from ape.pytest.contextmanagers import RevertsContextManager
    from ethpm_types.abi import ErrorABI

    check = RevertsContextManager.__exit__

    def __exit__(self, exc_type, exc_value, traceback):
        expected = self.expected_message
        abi = expected if isinstance(expected, ErrorABI) else None
        if isinstance(expected, type) and issubclass(expected, CustomError):
            abi = expected.abi
        if abi is not None and isinstance(exc_value, ContractLogicError) and not isinstance(exc_value, CustomError):
            check_undecoded(abi, exc_value, self.error_inputs)
            if self.revert_info is not None:
                self.revert_info.value = exc_value
            return True
        return check(self, exc_type, exc_value, traceback)

    _patch.setattr(RevertsContextManager, "__exit__", __exit__)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    _patch.undo()
