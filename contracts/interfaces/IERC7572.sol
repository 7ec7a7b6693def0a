// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

/// @title ERC-7572: contract-level metadata via `contractURI()`
/// @notice A collection's own metadata (name, description, image, ...) as a URI, which marketplaces read for the
/// collection page, as `tokenURI` is read for a token page.
/// @dev ERC-7572 defines no ERC-165 id; `type(IERC7572).interfaceId` (`0xe8a3d485`, `contractURI.selector`) is
/// reported anyway, so a caller can ask.
interface IERC7572 {
    /// @notice The contract-level metadata changed: marketplaces should read {contractURI} again.
    event ContractURIUpdated();

    /// @notice The collection's metadata: a URI (here a `data:application/json;base64,` URI) of a JSON object.
    function contractURI() external view returns (string memory);
}
