"""`PlainChain`: a second local anvil without `--steps-tracing`, for end-to-end tests with large verifiers.

ape-foundry's anvil records every EVM step of every mined transaction; a large model's verifier (pixel64:
12,304 public instances) makes that run out of memory and takes the shared node down. Heavy end-to-end tests
deploy the same compiled contracts here instead: the same anvil binary, just without step tracing.
"""

from __future__ import annotations

from zkaigc import reverts
from zkaigc.abi import web3_contract
from zkaigc.localchain import Anvil


class PlainChain:
    """The untraced anvil, driven through web3, with the tests' role accounts."""

    def __init__(self, project, *anvil_args: str):
        self.anvil = Anvil(*anvil_args).start()
        self.w3 = self.anvil.w3
        self.project = project
        self.accounts = self.anvil.accounts
        self.deployer, self.vendor, self.user, self.prover, self.stranger = self.accounts[:5]

    def close(self):
        self.anvil.close()

    def at(self, contract_name: str, address: str):
        """A web3 contract for a contract compiled by ape, deployed at `address`."""
        return web3_contract(self.w3, getattr(self.project, contract_name), address)

    def deploy(self, contract_name: str, *args, sender=None):
        """Deploy a contract compiled by ape; returns a web3 contract."""
        factory = web3_contract(self.w3, getattr(self.project, contract_name))
        receipt = self.wait(factory.constructor(*args).transact({"from": sender or self.deployer}))
        return self.at(contract_name, receipt.contractAddress)

    def wait(self, txn_hash):
        """The receipt of a transaction that must succeed."""
        receipt = self.w3.eth.wait_for_transaction_receipt(txn_hash, timeout=600)
        assert receipt.status == 1, receipt
        return receipt

    def transact(self, call, sender):
        """Send a contract call as a transaction from `sender` and wait for its receipt."""
        return self.wait(call.transact({"from": sender}))

    def advance(self, seconds: int):
        """Move the chain's clock forward and mine a block."""
        self.w3.provider.make_request("evm_increaseTime", [seconds])
        self.w3.provider.make_request("evm_mine", [])

    def claim(self, collection, prompt: bytes, claimant, salt: bytes = b"\x5a" * 32):
        """Commit, let the commitment age, and claim `prompt` for `claimant`."""
        fns = collection.functions
        self.transact(fns.commit(fns.makeCommitment(prompt, claimant, salt).call()), claimant)
        self.advance(fns.MIN_COMMITMENT_AGE().call())
        return self.transact(fns.claim(prompt, claimant, salt), claimant)

    def revert_data(self, call, sender) -> bytes:
        """The revert data of `call` (eth_call); fails if it does not revert."""
        return revert_data(lambda: call.call({"from": sender}))


def revert_data(call) -> bytes:
    """The revert data of a web3 eth_call made by `call()`; fails if it does not revert."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - web3 raises ContractCustomError/ContractLogicError
        data = reverts.revert_data(error)
        assert data is not None, error
        return data
    raise AssertionError("the call did not revert")
