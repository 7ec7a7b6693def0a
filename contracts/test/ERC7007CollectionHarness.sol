// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ERC7007Collection} from "../ERC7007Collection.sol";
import {ModelCard} from "../types/ModelCard.sol";
import {ModelEncoding} from "../types/ModelEncoding.sol";

/// @title The real collection plus two unsafe mint paths (test only)
/// @notice Tests that the invariants enforced in `_update` hold even for a derived contract whose own mint path
/// is wrong: a token still cannot go to anyone but the claimant, nor exist without proven data.
contract ERC7007CollectionHarness is ERC7007Collection {
    constructor(
        string memory name_,
        string memory symbol_,
        address verifier_,
        bytes32 modelHash_,
        ModelEncoding memory encoding_,
        address minter_,
        address owner_,
        ModelCard memory card_
    ) ERC7007Collection(name_, symbol_, verifier_, modelHash_, encoding_, minter_, owner_, card_) {}

    /// @notice Verifies and stores the data like `mint`, then mints to `to` instead of the claimant.
    function mintTo(address to, bytes calldata prompt_, bytes calldata aigcData, bytes calldata proof) external {
        _mint(to, _addAigcData(prompt_, aigcData, proof));
    }

    /// @notice Mints `tokenId_` to `to` without storing any data.
    function mintWithoutData(address to, uint256 tokenId_) external {
        _mint(to, tokenId_);
    }
}
