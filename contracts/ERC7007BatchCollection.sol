// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC7007} from "./ERC7007.sol";
import {ERC7007Collection} from "./ERC7007Collection.sol";
import {ERC7007Batched} from "./extensions/ERC7007Batched.sol";
import {ERC7007Claimable} from "./extensions/ERC7007Claimable.sol";
import {IERC7007Batch} from "./interfaces/IERC7007Batch.sol";
import {ModelCard} from "./types/ModelCard.sol";
import {ModelEncoding} from "./types/ModelEncoding.sol";

/// @title An ERC-7007 collection that also mints in batches: one proof for N prompts
/// @notice {ERC7007Collection} with {ERC7007Batched}: one immutable verifier per batch size (the model's batch
/// circuits, all covered by the model commitment) and {mintBatch}. See {IERC7007Batch}.
/// @dev {mintBatch} is the minter check on top of {ERC7007Batched-_mintBatch}, as {mint} is on top of the core's
/// `_addAigcData`.
contract ERC7007BatchCollection is ERC7007Collection, ERC7007Batched {
    /// @param name_ The ERC-721 name.
    /// @param symbol_ The ERC-721 symbol.
    /// @param verifier_ The model's single-prompt verifier; must have code.
    /// @param modelHash_ The commitment to the model's every circuit (`ModelArtifacts.model_hash()`); non-zero.
    /// @param encoding_ The model's encoding.
    /// @param minter_ The only account allowed to mint (e.g. the marketplace), or zero for anyone.
    /// @param owner_ The vendor; must be nonzero.
    /// @param card_ The model card and royalty rate.
    /// @param batchVerifiers_ One verifier per batch size, in the order of the model commitment; sizes ≥ 2, distinct.
    constructor(
        string memory name_,
        string memory symbol_,
        address verifier_,
        bytes32 modelHash_,
        ModelEncoding memory encoding_,
        address minter_,
        address owner_,
        ModelCard memory card_,
        BatchVerifier[] memory batchVerifiers_
    )
        ERC7007Collection(name_, symbol_, verifier_, modelHash_, encoding_, minter_, owner_, card_)
        ERC7007Batched(batchVerifiers_, encoding_)
    {}

    /// @inheritdoc ERC7007Collection
    function supportsInterface(bytes4 interfaceId)
        public
        view
        virtual
        override(ERC7007Collection, ERC7007Batched)
        returns (bool)
    {
        return super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC7007Batch
    function mintBatch(bytes calldata prompts, bytes calldata aigcDatas, bytes calldata proof, uint256 mintMask)
        public
        virtual
        returns (address batch)
    {
        address minter_ = minter();
        if (minter_ != address(0) && msg.sender != minter_) revert ERC7007UnauthorizedMinter(msg.sender, minter_);
        return _mintBatch(prompts, aigcDatas, proof, mintMask);
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

    /// @dev {ERC7007Collection-_update}: the claim, then the data check.
    function _update(address to, uint256 tokenId_, address auth)
        internal
        virtual
        override(ERC7007Collection, ERC7007Claimable)
        returns (address)
    {
        return super._update(to, tokenId_, auth);
    }

    /// @dev {ERC7007Batched-_tokenData}.
    function _tokenData(uint256 tokenId_, uint256 start, uint256 end)
        internal
        view
        virtual
        override(ERC7007, ERC7007Batched)
        returns (bytes memory)
    {
        return super._tokenData(tokenId_, start, end);
    }

    /// @dev {ERC7007Batched-_hasAigcData}.
    function _hasAigcData(uint256 tokenId_) internal view virtual override(ERC7007, ERC7007Batched) returns (bool) {
        return super._hasAigcData(tokenId_);
    }
}
