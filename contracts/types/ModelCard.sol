// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @notice What a vendor says about its model when it deploys the collection: the model card (ERC-7572
/// `contractURI`) and the royalty rate (ERC-2981).
/// @param description The model's description (1 to 2,048 bytes; the vendor may rewrite it).
/// @param license The licence of the training data, e.g. "CC0-1.0" (1 to 256 bytes; the vendor may rewrite it).
/// @param srsKind The kind of KZG setup the verifier was built with, e.g. "development" or "ceremony" (1 to 32
/// bytes; fixed).
/// @param royaltyBps The royalty rate in basis points, paid to the vendor (at most 1,000; the vendor may change it).
struct ModelCard {
    string description;
    string license;
    string srsKind;
    uint96 royaltyBps;
}
