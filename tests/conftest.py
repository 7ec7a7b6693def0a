"""Shared fixtures: role-named accounts on the local anvil chain and contract factories."""

import pytest


@pytest.fixture(scope="session")
def deployer(accounts):
    """Deploys contracts and owns the foundation's smoke NFT."""
    return accounts[0]


@pytest.fixture(scope="session")
def vendor(accounts):
    """A model vendor: publishes a model as an ERC-7007 collection."""
    return accounts[1]


@pytest.fixture(scope="session")
def user(accounts):
    """A user who pays for generations and receives the NFTs."""
    return accounts[2]


@pytest.fixture(scope="session")
def prover(accounts):
    """Runs the model and submits proofs."""
    return accounts[3]


@pytest.fixture(scope="session")
def stranger(accounts):
    """An account with no role anywhere."""
    return accounts[4]


@pytest.fixture
def first_nft(project, deployer):
    """A fresh FirstNFT owned by the deployer."""
    return project.FirstNFT.deploy(deployer, sender=deployer)


@pytest.fixture(scope="session")
def compile_solidity():
    """Factory: compile a Solidity source string (optimized, as the project is) into a deployable container.

    Goes through py-solc-x's registered compiler (the solc-js adapter offline), like `ape compile` does.
    """
    import solcx
    from ape.contracts import ContractContainer
    from ethpm_types import ContractType

    def compile_(source: str, name: str) -> ContractContainer:
        output = solcx.compile_standard(
            {
                "language": "Solidity",
                "sources": {f"{name}.sol": {"content": source}},
                "settings": {
                    "optimizer": {"enabled": True, "runs": 200},
                    "evmVersion": "shanghai",
                    "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}},
                },
            },
            solc_version="0.8.20",
        )
        compiled = output["contracts"][f"{name}.sol"][name]
        contract_type = ContractType.model_validate(
            {
                "contractName": name,
                "abi": compiled["abi"],
                "deploymentBytecode": {"bytecode": "0x" + compiled["evm"]["bytecode"]["object"]},
                "runtimeBytecode": {"bytecode": "0x" + compiled["evm"]["deployedBytecode"]["object"]},
            }
        )
        return ContractContainer(contract_type)

    return compile_


# ---------------------------------------------------------------------------------------------------------------
# ERC-7007 collections (issue 4): models, their real verifiers, proven samples and collections.
# ---------------------------------------------------------------------------------------------------------------
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


class ProvenModel:
    """A model with committed artifacts: its encoding, model hash, verifier contract name and samples."""

    def __init__(self, name: str):
        import json

        from proofs.cli import output_shape
        from proofs.pipeline import ModelArtifacts, ProvenSample

        self.name = name
        self.art = ModelArtifacts(name)
        self.enc = self.art.encoding()
        self.model_hash = self.art.model_hash()
        self.contract_name = self.art.contract_name
        self.channels, self.height, self.width = output_shape(self.art)
        self.sample = ProvenSample.from_json(json.loads((self.art.samples / "sample-0.json").read_text()))
        self.sample_png = self.art.samples / "sample-0.png"

    @property
    def encoding_tuple(self) -> tuple:
        """The `ModelEncoding` struct: (inputLen, outputLen, inputScale, outputScale, width, height, channels)."""
        return self.art.encoding_struct()

    def prove(self, prompt: bytes, workdir):
        """A fresh proof of `prompt` with the committed model (ezkl, off-chain)."""
        from proofs.cli import prove_prompt

        sample, _ = prove_prompt(self.art, prompt, workdir)
        return sample


def proven_model_names() -> list[str]:
    """Models whose artifacts, sample and generated verifier are all committed (micro first)."""
    from proofs.pipeline import ARTIFACTS_ROOT, ModelArtifacts

    names = []
    for sample in sorted(ARTIFACTS_ROOT.glob("*/samples/sample-0.json")):
        art = ModelArtifacts(sample.parent.parent.name)
        if art.verifier_sol.exists() and art.settings.exists() and art.vk.exists():
            names.append(art.name)
    return sorted(names, key=lambda n: (n != "micro", n))


@pytest.fixture(scope="session")
def micro():
    """The `micro` model (4 latent bytes -> 4×4 grayscale) with its committed sample."""
    return ProvenModel("micro")


@pytest.fixture(scope="session")
def micro_verifier(project, deployer):
    """micro's real ezkl-generated Halo2 verifier, deployed once."""
    return project.MicroVerifier.deploy(sender=deployer)


@pytest.fixture(scope="session")
def deploy_collection(project, vendor):
    """Factory: deploy an ERC7007Collection for a model (defaults: the model's name/symbol, no minter)."""

    def deploy(model, verifier, minter=ZERO_ADDRESS, name=None, symbol="AIGC", container=None, model_hash=None,
               **overrides):
        encoding = list(model.encoding_tuple)
        fields = ["inputLen", "outputLen", "inputScale", "outputScale", "width", "height", "channels"]
        for key, value in overrides.items():
            encoding[fields.index(key)] = value
        container = container or project.ERC7007Collection
        return container.deploy(
            name or f"zkaigc {model.name}", symbol, verifier, model_hash or model.model_hash,
            tuple(encoding), minter, vendor, sender=vendor,
        )

    return deploy


@pytest.fixture
def micro_collection(deploy_collection, micro, micro_verifier):
    """A fresh micro collection bound to the real verifier, with no minter (anyone with a proof may mint)."""
    return deploy_collection(micro, micro_verifier)


@pytest.fixture(scope="session")
def claim_prompt(chain):
    """Factory: commit, wait `MIN_COMMITMENT_AGE` and claim `prompt` for `claimant` (reveal sent by `sender`)."""

    def claim(collection, prompt: bytes, claimant, sender=None, salt: bytes = b"\x5a" * 32):
        sender = sender or claimant
        commitment = collection.makeCommitment(prompt, claimant, salt)
        collection.commit(commitment, sender=sender)
        chain.pending_timestamp += collection.MIN_COMMITMENT_AGE()
        return collection.claim(prompt, claimant, salt, sender=sender)

    return claim


@pytest.fixture(scope="session")
def collection_state(accounts):
    """Factory: everything a rejected call must leave unchanged about `prompt` on a collection."""
    from eth_utils import keccak

    def state(collection, prompt: bytes, commitments=()):
        token = int.from_bytes(keccak(prompt), "big")
        try:
            owner = collection.ownerOf(token)
        except Exception:  # noqa: BLE001 - ERC721NonexistentToken: no owner
            owner = None
        return {
            "owner": owner,
            "balances": [collection.balanceOf(a) for a in accounts[:5]],
            "claim": tuple(collection.claimOf(prompt)),
            "commitments": [collection.commitmentTimestamp(c) for c in commitments],
        }

    return state


@pytest.fixture(scope="session")
def micro_fresh(micro, tmp_path_factory):
    """A freshly proven micro sample (ezkl, now) for a prompt other than the committed sample's."""
    prompt = bytes.fromhex("9c3f07e1")
    assert prompt != micro.sample.prompt
    return micro.prove(prompt, tmp_path_factory.mktemp("micro-fresh"))


class PlainChain:
    """A second local anvil, started without `--steps-tracing`, driven through web3.

    ape-foundry's anvil records every EVM step of every mined transaction; a large model's verifier (pixel64:
    12,304 public instances) makes that run out of memory and takes the shared node down. Heavy end-to-end
    tests deploy the same compiled contracts here instead: the same anvil binary, just without step tracing.
    """

    def __init__(self, project):
        import shutil
        import socket
        import subprocess
        import time

        from web3 import Web3

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        anvil = shutil.which("anvil")
        assert anvil, "anvil is not on PATH (run through `make test`)"
        self.process = subprocess.Popen([anvil, "--port", str(self.port), "--silent"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{self.port}", request_kwargs={"timeout": 600}))
        for _ in range(200):
            if self.w3.is_connected():
                break
            time.sleep(0.05)
        assert self.w3.is_connected(), "the plain anvil did not start"
        self.project = project
        self.accounts = self.w3.eth.accounts  # anvil's unlocked development accounts
        self.deployer, self.vendor, self.user, self.prover, self.stranger = self.accounts[:5]

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def deploy(self, contract_name: str, *args, sender=None):
        """Deploy a contract compiled by ape; returns a web3 contract."""
        contract_type = getattr(self.project, contract_name).contract_type
        abi = [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in contract_type.abi]
        factory = self.w3.eth.contract(abi=abi, bytecode=contract_type.deployment_bytecode.bytecode)
        receipt = self.wait(factory.constructor(*args).transact({"from": sender or self.deployer}))
        return self.w3.eth.contract(address=receipt.contractAddress, abi=abi)

    def wait(self, txn_hash):
        receipt = self.w3.eth.wait_for_transaction_receipt(txn_hash, timeout=600)
        assert receipt.status == 1, receipt
        return receipt

    def transact(self, call, sender):
        return self.wait(call.transact({"from": sender}))

    def advance(self, seconds: int):
        self.w3.provider.make_request("evm_increaseTime", [seconds])
        self.w3.provider.make_request("evm_mine", [])

    def claim(self, collection, prompt: bytes, claimant, salt: bytes = b"\x5a" * 32):
        fns = collection.functions
        self.transact(fns.commit(fns.makeCommitment(prompt, claimant, salt).call()), claimant)
        self.advance(fns.MIN_COMMITMENT_AGE().call())
        return self.transact(fns.claim(prompt, claimant, salt), claimant)

    def revert_data(self, call, sender) -> bytes:
        """The revert data of `call` (eth_call); fails if it does not revert."""
        try:
            call.call({"from": sender})
        except Exception as error:  # noqa: BLE001 - web3 raises ContractCustomError/ContractLogicError
            data = getattr(error, "data", None) or (error.args[1] if len(error.args) > 1 else None)
            if isinstance(data, dict):
                data = data.get("data")
            assert isinstance(data, str) and data.startswith("0x"), error
            return bytes.fromhex(data[2:])
        raise AssertionError("the call did not revert")


@pytest.fixture(scope="session")
def plain_chain(project):
    """A step-tracing-free anvil for end-to-end tests with large models (started on first use)."""
    chain = PlainChain(project)
    yield chain
    chain.close()


def pytest_generate_tests(metafunc):
    """Tests that take `proven_model_name` run once per committed model (see `proven_model_names`)."""
    if "proven_model_name" in metafunc.fixturenames:
        metafunc.parametrize("proven_model_name", proven_model_names())


@pytest.fixture(scope="session")
def load_model():
    """Factory: the `ProvenModel` of a committed model, by name."""
    return ProvenModel


class TokenMetadata:
    """Decoding an ERC-7007 tokenURI: base64 JSON -> SVG -> BMP -> pixels (Pillow), and the full check."""

    JSON_PREFIX = "data:application/json;base64,"
    SVG_PREFIX = "data:image/svg+xml;base64,"
    BMP_PREFIX = "data:image/bmp;base64,"
    SVG_NS = "{http://www.w3.org/2000/svg}"

    @staticmethod
    def decode_bmp(data: bytes):
        import io

        from PIL import Image

        image = Image.open(io.BytesIO(data))
        image.load()
        assert image.format == "BMP"
        return image

    @staticmethod
    def expected_rows(pixels: list[int], width: int, height: int, channels: int) -> list[list]:
        """Channel-major pixel values (Encoding.pixels) as rows of PIL pixels: ints for gray, (R, G, B) else."""
        plane = width * height
        rows = []
        for y in range(height):
            row = []
            for x in range(width):
                values = tuple(pixels[c * plane + y * width + x] for c in range(channels))
                row.append(values[0] if channels == 1 else values)
            rows.append(row)
        return rows

    @staticmethod
    def image_rows(image, channels: int) -> list[list]:
        image = image.convert("L" if channels == 1 else "RGB")
        return [[image.getpixel((x, y)) for x in range(image.width)] for y in range(image.height)]

    @classmethod
    def parse_token_uri(cls, uri: str) -> dict:
        import base64
        import json

        assert uri.startswith(cls.JSON_PREFIX)
        raw = base64.b64decode(uri[len(cls.JSON_PREFIX):], validate=True)
        return json.loads(raw.decode("utf-8"))  # strict: rejects unescaped control characters

    @classmethod
    def svg_bitmap(cls, image_uri: str):
        """(the SVG root element, the BMP bytes it shows)."""
        import base64
        import xml.etree.ElementTree as ET

        assert image_uri.startswith(cls.SVG_PREFIX)
        svg = ET.fromstring(base64.b64decode(image_uri[len(cls.SVG_PREFIX):], validate=True))
        assert svg.tag == cls.SVG_NS + "svg"
        (img,) = svg.findall(cls.SVG_NS + "image")
        href = img.get("href")
        assert href.startswith(cls.BMP_PREFIX)
        return svg, base64.b64decode(href[len(cls.BMP_PREFIX):], validate=True)

    @classmethod
    def check(cls, uri: str, model, sample, verifier_address: str, collection_name: str, png=None):
        """tokenURI -> strict JSON with the EIP fields -> SVG -> BMP whose pixels are Encoding.pixels(aigcData);
        and, given the pipeline's PNG (the same image scaled up by nearest neighbour), the same pixels there."""
        import base64

        from eth_utils import keccak
        from PIL import Image

        token = int.from_bytes(keccak(sample.prompt), "big")
        meta = cls.parse_token_uri(uri)
        assert meta["name"] == f"{collection_name} #0x{token >> 224:08x}"
        assert meta["prompt"] == "0x" + sample.prompt.hex()
        assert meta["aigc_type"] == "image" and meta["proof_type"] == "zkML"
        assert meta["model_hash"] == model.model_hash
        assert meta["verifier"].lower() == verifier_address.lower()
        assert model.model_hash in meta["description"] and meta["prompt"] in meta["description"]

        w, h, c = model.width, model.height, model.channels
        expected = cls.expected_rows(model.enc.pixels(sample.aigc), w, h, c)
        svg, bmp = cls.svg_bitmap(meta["image"])
        assert svg.get("viewBox") == f"0 0 {w} {h}"
        assert cls.image_rows(cls.decode_bmp(bmp), c) == expected
        assert meta["aigc_data"] == cls.BMP_PREFIX + base64.b64encode(bmp).decode()
        if png is not None:
            image = Image.open(png).convert("L" if c == 1 else "RGB")
            scale = image.width // w
            assert image.size == (w * scale, h * scale)
            assert [[image.getpixel((x * scale + scale // 2, y * scale + scale // 2)) for x in range(w)]
                    for y in range(h)] == expected
        return meta


@pytest.fixture(scope="session")
def token_metadata():
    """The tokenURI decoding helpers (`TokenMetadata`)."""
    return TokenMetadata


@pytest.fixture(scope="session")
def scratch_model(tmp_path_factory):
    """Factory: a throwaway ezkl model (torch module -> ONNX -> settings -> setup with a fresh dev SRS) in tmp.

    Returns its `ModelArtifacts`; nothing is written into the repository.
    """
    import torch

    from proofs.pipeline import ModelArtifacts

    def build(name: str, module, config, latent_dim: int = 4):
        root = tmp_path_factory.mktemp(name)
        art = ModelArtifacts(name, root=root / "artifacts", cache_root=root / "cache", verifiers_root=root / "v",
                             srs_root=root / "srs")
        art.dir.mkdir(parents=True)
        torch.onnx.export(module.eval(), torch.zeros(1, latent_dim), art.onnx, input_names=["latent"],
                          output_names=["image"], dynamo=False)
        art.gen_settings(config)
        art.setup(srs_kind="dev", write_vk=True)
        return art

    return build
