// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC5313} from "@openzeppelin/contracts/interfaces/IERC5313.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ERC7007} from "./ERC7007.sol";
import {ERC7007Claimable} from "./extensions/ERC7007Claimable.sol";
import {ERC7007Enumerable} from "./extensions/ERC7007Enumerable.sol";
import {ERC7007ModelCard} from "./extensions/ERC7007ModelCard.sol";
import {ERC7007Royalty} from "./extensions/ERC7007Royalty.sol";
import {IERC7007Mintable} from "./interfaces/IERC7007Mintable.sol";
import {AigcImage} from "./libraries/AigcImage.sol";
import {JsonString} from "./libraries/JsonString.sol";
import {ModelCard} from "./types/ModelCard.sol";
import {ModelEncoding} from "./types/ModelEncoding.sol";

/// @title The ERC-7007 collection a model vendor deploys for one model
/// @notice One model ⇔ one collection ⇔ one verifier. Users claim prompts (commit–reveal); the minter (or,
/// with no minter, anyone) mints a claimed prompt's token with a valid proof, always to the claimant. Token
/// metadata and images are generated on-chain from the stored, proven aigcData, with marketplace `attributes`; the
/// collection's model card is its ERC-7572 `contractURI`, and ERC-2981 royalties go to the vendor.
/// @dev {owner} (ERC-5313 light ownership) names the vendor, immutably: marketplaces let only it list the
/// collection, so nobody who watches the deployment can list a vendor's model first. Its only other powers: the
/// royalty rate (capped, paid to itself) and the model card's description and licence.
contract ERC7007Collection is
    ERC7007Enumerable,
    ERC7007Claimable,
    ERC7007Royalty,
    ERC7007ModelCard,
    IERC7007Mintable,
    IERC5313
{
    using Strings for uint256;

    address private immutable _minter;
    address private immutable _owner;

    /// @param name_ The ERC-721 name (also the start of every token's name).
    /// @param symbol_ The ERC-721 symbol.
    /// @param verifier_ The model's ezkl verifier; must have code.
    /// @param modelHash_ The model commitment (`ModelArtifacts.model_hash()`); must be non-zero.
    /// @param encoding_ The model's encoding and image geometry.
    /// @param minter_ The only account allowed to mint (e.g. the marketplace), or zero for anyone.
    /// @param owner_ The vendor: the only account a marketplace lets list this collection; must be nonzero.
    /// @param card_ The model card (ERC-7572 `contractURI`) and the royalty rate (ERC-2981), see {ModelCard}.
    constructor(
        string memory name_,
        string memory symbol_,
        address verifier_,
        bytes32 modelHash_,
        ModelEncoding memory encoding_,
        address minter_,
        address owner_,
        ModelCard memory card_
    ) ERC7007(name_, symbol_, verifier_, modelHash_, encoding_) {
        if (owner_ == address(0)) revert ERC7007InvalidOwner(owner_);
        _minter = minter_;
        _owner = owner_;
        _initModelCard(card_.description, card_.license, card_.srsKind);
        _setRoyalty(owner_, card_.royaltyBps);
    }

    /// @inheritdoc IERC5313
    function owner() public view virtual returns (address) {
        return _owner;
    }

    /// @inheritdoc ERC7007
    function supportsInterface(bytes4 interfaceId)
        public
        view
        virtual
        override(ERC7007Enumerable, ERC7007Claimable, ERC7007Royalty, ERC7007ModelCard, IERC165)
        returns (bool)
    {
        return interfaceId == type(IERC7007Mintable).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC7007Mintable
    function mint(bytes calldata prompt_, bytes calldata aigcData, string calldata uri, bytes calldata proof)
        public
        virtual
        returns (uint256 tokenId_)
    {
        address minter_ = _minter;
        if (minter_ != address(0) && msg.sender != minter_) revert ERC7007UnauthorizedMinter(msg.sender, minter_);
        if (bytes(uri).length != 0) revert ERC7007UnsupportedUri(uri);
        tokenId_ = uint256(keccak256(prompt_));
        if (_ownerOf(tokenId_) != address(0)) revert ERC7007PromptAlreadyMinted(tokenId_);
        address claimant = _liveClaimant(tokenId_); // fail fast, before the costly verification
        _addAigcData(prompt_, aigcData, proof);
        _mint(claimant, tokenId_);
    }

    /// @inheritdoc IERC7007Mintable
    function minter() public view virtual returns (address) {
        return _minter;
    }

    /// @notice The token's metadata as a `data:application/json;base64,` URI, generated from its stored data:
    /// name, description, image (an SVG showing the bitmap with hard pixel edges), prompt (hex), aigc_type
    /// "image", aigc_data (the bitmap as a `data:image/bmp;base64,` URI), proof_type "zkML", the model's
    /// commitment and verifier, and `attributes` (OpenSea's traits): the model (the collection name), its
    /// commitment, the training-data licence, and what the prompt names ({_promptAttributes}).
    /// @dev Reverts with `ERC721NonexistentToken` if the token does not exist.
    function tokenURI(uint256 tokenId_) public view virtual override returns (string memory) {
        _requireOwned(tokenId_);
        ModelEncoding memory enc = encoding();
        bytes memory bmp =
            AigcImage.bitmap(aigcDataOf(tokenId_), enc.width, enc.height, enc.channels, enc.render, enc.digitBits);
        string memory promptHex = JsonString.toHex(_promptOf(tokenId_));
        string memory modelHex = uint256(modelHash()).toHexString(32);
        bytes memory json = abi.encodePacked(
            '{"name":"',
            JsonString.escape(name()),
            " #",
            (tokenId_ >> 224).toHexString(4),
            '","description":"',
            _description(promptHex, modelHex),
            '","image":"data:image/svg+xml;base64,',
            Base64.encode(AigcImage.svg(bmp, uint256(enc.width) * enc.render, uint256(enc.height) * enc.render)),
            '","prompt":"',
            promptHex
        );
        json = abi.encodePacked(
            json,
            '","aigc_type":"image","aigc_data":"data:image/bmp;base64,',
            Base64.encode(bmp),
            '","proof_type":"zkML","model_hash":"',
            modelHex,
            '","verifier":"',
            Strings.toHexString(verifier()),
            '",'
        );
        json = bytes.concat(json, _attributes(modelHex, _promptOf(tokenId_)), "}");
        return string.concat("data:application/json;base64,", Base64.encode(json));
    }

    /// @dev `"attributes":[...]`: the model, its commitment, the licence, then {_promptAttributes}.
    function _attributes(string memory modelHex, bytes memory prompt_) internal view virtual returns (bytes memory) {
        return bytes(
            string.concat(
                '"attributes":[{"trait_type":"Model","value":"',
                JsonString.escape(name()),
                '"},{"trait_type":"Model commitment","value":"',
                modelHex,
                '"},{"trait_type":"Training data license","value":"',
                JsonString.escape(trainingDataLicense()),
                '"}',
                _promptAttributes(prompt_),
                "]"
            )
        );
    }

    /// @dev More `attributes` entries from a token's prompt, each with a leading comma; none here.
    function _promptAttributes(bytes memory) internal view virtual returns (string memory) {
        return "";
    }

    /// @dev The model card, plus the royalty as OpenSea's contract metadata spells it.
    function _contractFields() internal view virtual override returns (string memory) {
        return string.concat(
            super._contractFields(),
            ',"seller_fee_basis_points":',
            uint256(royaltyBps()).toString(),
            ',"fee_recipient":"',
            Strings.toHexString(_owner),
            '"'
        );
    }

    /// @dev Only the vendor may change the royalty rate and the model card.
    function _checkVendor() internal view virtual override(ERC7007Royalty, ERC7007ModelCard) {
        if (msg.sender != _owner) revert ERC7007UnauthorizedVendor(msg.sender, _owner);
    }

    /// @dev Royalties go to the vendor.
    function _royaltyReceiver() internal view virtual override returns (address) {
        return _owner;
    }

    /// @dev Uses {ERC7007Claimable-_update}, which itself calls {ERC7007-_update}.
    function _update(address to, uint256 tokenId_, address auth)
        internal
        virtual
        override(ERC7007, ERC7007Claimable)
        returns (address)
    {
        return super._update(to, tokenId_, auth);
    }

    /// @dev The description of a token: what was generated from what, and how it was proven.
    function _description(string memory promptHex, string memory modelHex) private pure returns (string memory) {
        return string.concat(
            "Image generated from prompt ",
            promptHex,
            " by the model committed to ",
            modelHex,
            ". A zkML proof (ezkl, Halo2/KZG) that the model produced exactly this output was verified on-chain"
            " before minting."
        );
    }
}
