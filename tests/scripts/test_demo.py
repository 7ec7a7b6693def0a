"""What `make demo` (`ape run demo`, the `nouns` showcase) does after the proof, on the test anvil: the `Deployer`
deploys the marketplace and nouns, the user claims and pays for a Noun's trait prompt, the prover fulfils through
the marketplace, and `check_token_image` finds the minted image equal to the prompt's preview. The committed nouns
sample stands in for the demo's fresh proof (setup and proving take minutes and ~9 GB: `make demo` and the
benchmarks measure them).
"""

import io

import pytest
from ape import project
from PIL import Image

from proofs.model_artifacts import committed_models
from support.models import ProvenModel
from zkaigc.client import claim_prompt, request_generation
from zkaigc.deploy import Deployer
from zkaigc.errors import TokenImageError
from zkaigc.imagecheck import check_token_image

pytestmark = [
    pytest.mark.slow,  # deploys nouns and verifies its proof on the step-traced anvil
    pytest.mark.skipif("nouns" not in committed_models(), reason="nouns is not built"),
]


@pytest.fixture(scope="module")
def minted(chain, vendor, prover, user, tmp_path_factory):
    """nouns deployed by the Deployer and its committed sample minted through the marketplace to the user."""
    manifest = tmp_path_factory.mktemp("demo") / "manifest.json"
    deployer = Deployer(project, chain, vendor, log=lambda m: None, manifest_path=manifest, prover=prover.address)
    deployed = deployer.all(["nouns"])
    market, collection = deployed["marketplace"], deployed["nouns"]
    sample = ProvenModel("nouns").sample
    claim_prompt(chain, collection, sample.prompt, user)
    request = request_generation(chain, market, collection, sample.prompt, user)
    tx = market.fulfil(request.request_id, sample.prompt, sample.aigc, "", sample.proof, sender=prover)
    [log] = tx.decode_logs(market.Fulfilled)
    print(f"\n[gas] nouns through the marketplace: fulfil {tx.gas_used} gas (verify + store + mint + credit)")
    return collection, int(log.tokenId), sample


def test_check_token_image_returns_the_nouns_image_if_it_is_the_prompts_preview(minted, user, tmp_path):
    collection, token_id, sample = minted
    assert collection.ownerOf(token_id) == user.address
    token = check_token_image(collection, token_id, "nouns", sample.prompt, tmp_path)
    with Image.open(io.BytesIO(token.bmp)) as bmp:
        assert (bmp.size, bmp.mode) == ((64, 64), "RGB")  # the 32×32 proven grid drawn ×2, the grant's size


def test_check_token_image_raises_if_the_prompt_is_another_ones(minted, tmp_path):
    collection, token_id, sample = minted
    other = bytes([1 - sample.prompt[0], *sample.prompt[1:]])  # the same Noun on the other background
    with pytest.raises(TokenImageError, match="is not nouns's output"):
        check_token_image(collection, token_id, "nouns", other, tmp_path)


def test_token_uri_names_the_nouns_traits_if_minted_through_its_trait_collection(minted, token_metadata):
    """A marketplace reading the minted Noun's tokenURI finds its five traits by name, as the prompt names them."""
    from zkaigc.traitspace import TraitSpace

    collection, token_id, sample = minted
    traits = token_metadata.attributes(token_metadata.parse_token_uri(collection.tokenURI(token_id)))
    space = TraitSpace.nouns()
    for position, kind in enumerate(space.kinds):
        assert traits[kind] == space.names[position][sample.prompt[position]]
    assert traits["Model"] == "zkaigc nouns"


def test_claim_reverts_naming_the_part_if_a_trait_id_is_out_of_range(minted, chain, user):
    """The head byte past the 254 heads, committed by hand (the client refuses it before the commit): the claim
    reverts naming the part and its range, and no claim is recorded."""
    import ape

    from zkaigc.client import make_commitment, wait_commitment_age

    collection, _, sample = minted
    bad = bytes([*sample.prompt[:3], 254, sample.prompt[4]])
    salt = bytes(32)
    collection.commit(make_commitment(bad, user.address, salt), sender=user)
    wait_commitment_age(chain, int(collection.MIN_COMMITMENT_AGE()) + 1)
    with ape.reverts(collection.ERC7007PromptTraitOutOfRange, position=3, kind="head", value=254, limit=254):
        collection.claim(bad, user.address, salt, sender=user)
    assert collection.claimOf(bad)[0] == "0x0000000000000000000000000000000000000000"
