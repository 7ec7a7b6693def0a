// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ERC7007} from "../ERC7007.sol";
import {IERC7572} from "../interfaces/IERC7572.sol";
import {IERC7007ModelCard} from "../interfaces/IERC7007ModelCard.sol";
import {JsonString} from "../libraries/JsonString.sol";

/// @title ERC-7007 model card extension: ERC-7572 `contractURI` and ERC-4906 refresh signals
/// @notice The collection's metadata, generated on-chain: name, description, model commitment, verifier, SRS kind
/// and training-data licence. The vendor may rewrite the description and the licence; that emits ERC-7572
/// `ContractURIUpdated` and ERC-4906 `BatchMetadataUpdate` over every token id (tokens carry the licence).
/// @dev The derived contract sets the card in its constructor ({_initModelCard}), decides who may change it
/// ({_checkVendor}) and may add fields to the JSON ({_contractFields}).
abstract contract ERC7007ModelCard is ERC7007, IERC7007ModelCard {
    /// @dev ERC-4906's id, fixed by the EIP: `IERC4906` declares only events, so `type(IERC4906).interfaceId` is 0.
    bytes4 private constant _ERC4906_INTERFACE_ID = 0x49064906;

    /// @dev Bytes a field may take: the description, the licence and the SRS kind.
    uint256 private constant _MAX_DESCRIPTION = 2048;
    uint256 private constant _MAX_LICENSE = 256;
    uint256 private constant _MAX_SRS_KIND = 32;

    string private _description;
    string private _license;
    string private _srsKind;

    /// @inheritdoc ERC7007
    function supportsInterface(bytes4 interfaceId) public view virtual override(ERC7007, IERC165) returns (bool) {
        return interfaceId == _ERC4906_INTERFACE_ID || interfaceId == type(IERC7572).interfaceId
            || interfaceId == type(IERC7007ModelCard).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC7572
    /// @dev `data:application/json;base64,` of `{"name", "description", "model_hash", "verifier", "srs_kind",
    /// "training_data_license"}` and the derived contract's fields ({_contractFields}).
    function contractURI() public view virtual returns (string memory) {
        return string.concat(
            "data:application/json;base64,", Base64.encode(bytes(string.concat("{", _contractFields(), "}")))
        );
    }

    /// @inheritdoc IERC7007ModelCard
    function modelDescription() public view virtual returns (string memory) {
        return _description;
    }

    /// @inheritdoc IERC7007ModelCard
    function trainingDataLicense() public view virtual returns (string memory) {
        return _license;
    }

    /// @inheritdoc IERC7007ModelCard
    function srsKind() public view virtual returns (string memory) {
        return _srsKind;
    }

    /// @inheritdoc IERC7007ModelCard
    function setModelCard(string calldata description, string calldata license) public virtual {
        _checkVendor();
        _setModelCard(description, license);
        emit ContractURIUpdated();
        emit BatchMetadataUpdate(0, type(uint256).max);
    }

    /// @dev Sets the whole card, the SRS kind included (once, from the constructor).
    function _initModelCard(string memory description, string memory license, string memory srsKind_) internal virtual {
        _checkField("srsKind", bytes(srsKind_).length, _MAX_SRS_KIND);
        _srsKind = srsKind_;
        _setModelCard(description, license);
    }

    /// @dev The JSON object's members, without braces; a derived contract appends its own with a leading comma.
    function _contractFields() internal view virtual returns (string memory) {
        string memory head = string.concat(
            '"name":"',
            JsonString.escape(name()),
            '","description":"',
            JsonString.escape(_description),
            '","model_hash":"',
            Strings.toHexString(uint256(modelHash()), 32)
        );
        return string.concat(
            head,
            '","verifier":"',
            Strings.toHexString(verifier()),
            '","srs_kind":"',
            JsonString.escape(_srsKind),
            '","training_data_license":"',
            JsonString.escape(_license),
            '"'
        );
    }

    /// @dev Reverts unless the caller is the vendor.
    function _checkVendor() internal view virtual;

    function _setModelCard(string memory description, string memory license) private {
        _checkField("description", bytes(description).length, _MAX_DESCRIPTION);
        _checkField("license", bytes(license).length, _MAX_LICENSE);
        _description = description;
        _license = license;
    }

    function _checkField(string memory field, uint256 length, uint256 max) private pure {
        if (length == 0 || length > max) revert ERC7007InvalidModelCard(field, length, max);
    }
}
