"""Transactions that revert inside a real verifier, checked byte for byte without Ape's error decoding.

When a contract reverts with a custom error it does not declare itself (the marketplace bubbling a collection's
`ERC7007InvalidProof`), Ape finds the declaring contract by walking the transaction's whole step trace. Under
ape-foundry's `--steps-tracing` a real verifier's trace has tens of thousands of steps, and that walk takes 20-60 s
per revert. Here the revert data of the same call (`zkaigc.reverts.revert_of`, an eth_call) is compared with the
expected error's exact bytes (`zkaigc.reverts.encode_error`: selector and arguments, from the declaring contract's
ABI), and the transaction is then sent and mined as it is: it must fail. The prover decodes its reverts the same way.
"""

from __future__ import annotations

from zkaigc.reverts import call_params, encode_error, revert_of


def custom_error(error, *args) -> bytes:
    """The revert data of Ape's custom-error class `error` (e.g. `collection.ERC7007InvalidProof`) with `args`."""
    return encode_error(error.abi, *args)


def assert_reverts_with(chain, method, *args, sender, error: bytes, value: int = 0):
    """`method(*args)` from `sender` reverts with exactly `error` (eth_call), and sent as a transaction it is mined
    and fails. Returns the failed receipt (web3)."""
    assert revert_of(method, *args, sender=sender, value=value) == error
    w3 = chain.provider.web3
    gas = w3.eth.get_block("latest").gasLimit  # a reverting call has no gas estimate: the block's limit
    txn_hash = w3.eth.send_transaction({**call_params(method, *args, sender=sender, value=value), "gas": gas})
    receipt = w3.eth.wait_for_transaction_receipt(txn_hash, timeout=600)
    assert receipt.status == 0, receipt
    return receipt
