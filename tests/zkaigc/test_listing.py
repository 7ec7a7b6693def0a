"""The SDK's listing check (`zkaigc.listing`): the chain's collection and listing against the deployment manifest,
every `batchVerifier(n)` included, on the session's micro deployment."""

from __future__ import annotations

import json

import pytest

from zkaigc.listing import ListingMismatchError, check_listing
from zkaigc.manifest import Manifest
from zkaigc.prover import PreflightError, check_served


def test_check_listing_returns_the_srs_kind_if_the_listing_matches_the_manifest(micro_deployment):
    entry = Manifest.load(micro_deployment.manifest).data["models"]["micro"]
    assert check_listing(micro_deployment.market, "micro", entry) == "dev"


@pytest.mark.parametrize("field", ["batch4", "verifier", "model_hash", "vendor"])
def test_check_listing_raises_if_the_chain_differs_from_the_manifest(micro_deployment, stranger, field):
    entry = json.loads(json.dumps(Manifest.load(micro_deployment.manifest).data["models"]["micro"]))
    if field == "batch4":
        entry["batch_verifiers"]["4"] = stranger.address
        expected = "batchVerifier(4)"
    elif field == "verifier":
        entry["verifier"] = stranger.address
        expected = "verifier()"
    elif field == "model_hash":
        entry["model_hash"] = "0x" + "00" * 32
        expected = "modelHash()"
    else:
        entry["vendor"] = stranger.address
        expected = "not the manifest's vendor"
    with pytest.raises(ListingMismatchError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        check_listing(micro_deployment.market, "micro", entry)


def test_check_served_raises_if_a_batch_verifier_differs_from_the_manifest(
    micro_deployment, micro_art, prover, stranger
):
    manifest = Manifest.load(micro_deployment.manifest)
    manifest.data["models"]["micro"]["batch_verifiers"]["4"] = stranger.address
    served = {micro_deployment.collection.address: micro_art}
    with pytest.raises(PreflightError, match=r"batchVerifier\(4\)"):
        check_served(micro_deployment.market, served, prover, manifest)
    check_served(micro_deployment.market, served, prover, Manifest.load(micro_deployment.manifest))  # as deployed
