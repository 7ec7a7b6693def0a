"""The zkaigc chain SDK: deploy models on-chain, claim and pay as a user, prove and fulfil as a prover.

Everything chain-facing in Python lives here (Ape and web3); `scripts/` are thin `ape run` CLIs over it, and the
web app and prover bot build on it. It reads models from `models.registry` and artifacts from `proofs`; nothing
below it imports it.
"""
