"""Unattended signing: a keyfile account that signs without a terminal.

A service has no one to answer "Sign: [y/N]" and a passphrase prompt. `enable_autosign` unlocks a keyfile
account once, from ``APE_ACCOUNTS_<alias>_PASSPHRASE`` (the variable ape itself reads), and turns autosign on:

    export APE_ACCOUNTS_prover_PASSPHRASE='…'     # e.g. from a secrets manager, never in a file under git
    ape run prover --network ethereum:devnet:node --account prover
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .errors import SigningError


def passphrase_variable(alias: str) -> str:
    """The environment variable that holds a keyfile account's passphrase."""
    return f"APE_ACCOUNTS_{alias}_PASSPHRASE"


def enable_autosign(account, env: Mapping[str, str] = os.environ) -> bool:
    """Unlock a keyfile account for unattended signing; True if it was one. Test accounts need nothing."""
    if not hasattr(account, "set_autosign") or not hasattr(account, "keyfile_path"):
        return False  # test/dev accounts sign without prompts
    var = passphrase_variable(account.alias)
    passphrase = env.get(var)
    if passphrase is None:
        raise SigningError(f"account {account.alias!r} is a keyfile account: set {var} to sign unattended")
    try:
        account.set_autosign(True, passphrase=passphrase)
    except Exception as err:  # noqa: BLE001 - ape raises several types for a wrong passphrase
        raise SigningError(f"cannot unlock account {account.alias!r} with {var}: {type(err).__name__}") from None
    return True
