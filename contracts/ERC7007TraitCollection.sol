// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC7007Claimable} from "./extensions/ERC7007Claimable.sol";
import {IERC7007Claimable} from "./interfaces/IERC7007Claimable.sol";
import {ERC7007Collection} from "./ERC7007Collection.sol";
import {ERC7007TraitPrompt} from "./extensions/ERC7007TraitPrompt.sol";
import {ModelCard} from "./types/ModelCard.sol";
import {ModelEncoding} from "./types/ModelEncoding.sol";

/// @title An ERC-7007 collection whose prompts are trait ids (the Nouns model)
/// @notice {ERC7007Collection} with {ERC7007TraitPrompt}: a prompt outside the trait space cannot be claimed, and
/// every token's `attributes` name its traits.
contract ERC7007TraitCollection is ERC7007Collection, ERC7007TraitPrompt {
    /// @param name_ The ERC-721 name.
    /// @param symbol_ The ERC-721 symbol.
    /// @param verifier_ The model's ezkl verifier; must have code.
    /// @param modelHash_ The model commitment; must be non-zero.
    /// @param encoding_ The model's encoding; `inputLen` must be the trait table's number of positions.
    /// @param minter_ The only account allowed to mint (e.g. the marketplace), or zero for anyone.
    /// @param owner_ The vendor; must be nonzero.
    /// @param card_ The model card and royalty rate.
    /// @param traitTable_ The trait table ({ERC7007TraitPrompt}'s layout).
    constructor(
        string memory name_,
        string memory symbol_,
        address verifier_,
        bytes32 modelHash_,
        ModelEncoding memory encoding_,
        address minter_,
        address owner_,
        ModelCard memory card_,
        bytes memory traitTable_
    )
        ERC7007Collection(name_, symbol_, verifier_, modelHash_, encoding_, minter_, owner_, card_)
        ERC7007TraitPrompt(traitTable_, encoding_.inputLen)
    {}

    /// @inheritdoc ERC7007Collection
    function supportsInterface(bytes4 interfaceId)
        public
        view
        virtual
        override(ERC7007Collection, ERC7007TraitPrompt)
        returns (bool)
    {
        return super.supportsInterface(interfaceId);
    }

    /// @inheritdoc ERC7007TraitPrompt
    function claim(bytes calldata prompt_, address claimant, bytes32 salt)
        public
        virtual
        override(ERC7007Claimable, ERC7007TraitPrompt, IERC7007Claimable)
        returns (address owner_)
    {
        return super.claim(prompt_, claimant, salt);
    }

    /// @inheritdoc ERC7007Collection
    function tokenURI(uint256 tokenId_)
        public
        view
        virtual
        override(ERC7007Collection, ERC721)
        returns (string memory)
    {
        return super.tokenURI(tokenId_);
    }

    /// @dev {ERC7007Collection-_update}.
    function _update(address to, uint256 tokenId_, address auth)
        internal
        virtual
        override(ERC7007Collection, ERC7007Claimable)
        returns (address)
    {
        return super._update(to, tokenId_, auth);
    }

    /// @dev The prompt's traits.
    function _promptAttributes(bytes memory prompt_) internal view virtual override returns (string memory) {
        return _traitAttributes(prompt_);
    }
}
