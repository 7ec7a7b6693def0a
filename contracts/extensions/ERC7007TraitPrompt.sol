// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ERC7007Claimable} from "./ERC7007Claimable.sol";
import {IERC7007TraitPrompt} from "../interfaces/IERC7007TraitPrompt.sol";
import {BytecodeStorage} from "../libraries/BytecodeStorage.sol";
import {JsonString} from "../libraries/JsonString.sol";

/// @title ERC-7007 trait-prompt extension: prompts whose bytes are trait ids
/// @notice Each prompt byte is the id of one trait kind (the Nouns model: background, body, accessory, head,
/// glasses), unsigned, below its kind's count. {claim} refuses a prompt outside that space, so no fee or proof is
/// ever spent on one; {checkPrompt} lets a marketplace refuse it before payment; {_traitAttributes} names a
/// prompt's traits for the token metadata.
/// @dev The trait table, set once in the constructor, is kept as the code of one data contract
/// ({BytecodeStorage}); the per-position limits are packed into an immutable (16 bits each, at most 16
/// positions), so the claim check reads no storage. Table layout, per position in prompt order:
/// `kindLength (1 byte) ‖ kind ‖ count (2 bytes, big-endian, 1 to 256) ‖ count × (nameLength (1 byte) ‖ name)`.
/// `zkaigc.traitspace.TraitSpace.table()` builds it.
abstract contract ERC7007TraitPrompt is ERC7007Claimable, IERC7007TraitPrompt {
    /// @dev The most positions a table may have: 16 limits of 16 bits fill the packed immutable.
    uint256 private constant _MAX_POSITIONS = 16;

    address private immutable _traitTable;
    uint256 private immutable _traitTableLength;
    uint256 private immutable _traitLimits;
    uint256 private immutable _traitCount;

    /// @param table The trait table (layout above).
    /// @param promptLength The model's prompt length, which must equal the table's number of positions.
    constructor(bytes memory table, uint256 promptLength) {
        uint256 offset = 0;
        uint256 positions = 0;
        uint256 limits = 0;
        while (offset < table.length) {
            if (positions == _MAX_POSITIONS) revert ERC7007InvalidTraitTable(offset);
            uint256 kindLength = uint8(table[offset]);
            if (kindLength == 0 || offset + kindLength + 3 > table.length) revert ERC7007InvalidTraitTable(offset);
            offset += kindLength + 1;
            uint256 count = (uint256(uint8(table[offset])) << 8) | uint8(table[offset + 1]);
            if (count == 0 || count > 256) revert ERC7007InvalidTraitTable(offset);
            offset += 2;
            for (uint256 i; i < count; ++i) {
                if (offset >= table.length) revert ERC7007InvalidTraitTable(offset);
                offset += uint256(uint8(table[offset])) + 1;
            }
            if (offset > table.length) revert ERC7007InvalidTraitTable(table.length);
            limits |= count << (16 * positions);
            ++positions;
        }
        if (positions == 0 || positions != promptLength) revert ERC7007TraitSpaceMismatch(positions, promptLength);
        _traitTable = BytecodeStorage.writeMemory(table);
        _traitTableLength = table.length;
        _traitLimits = limits;
        _traitCount = positions;
    }

    /// @inheritdoc ERC7007Claimable
    function supportsInterface(bytes4 interfaceId) public view virtual override returns (bool) {
        return interfaceId == type(IERC7007TraitPrompt).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @notice {IERC7007Claimable-claim}, refusing a prompt outside the trait space.
    /// @dev Reverts with {ERC7007PromptTraitOutOfRange} after the claim's own checks.
    function claim(bytes calldata prompt, address claimant, bytes32 salt)
        public
        virtual
        override
        returns (address owner)
    {
        owner = super.claim(prompt, claimant, salt);
        _requireTraits(prompt);
    }

    /// @inheritdoc IERC7007TraitPrompt
    function traitPositions() public view virtual returns (uint256) {
        return _traitCount;
    }

    /// @inheritdoc IERC7007TraitPrompt
    function traitKind(uint256 position) public view virtual returns (string memory kind, uint256 limit) {
        if (position >= _traitCount) revert ERC7007TraitSpaceMismatch(position + 1, _traitCount);
        bytes memory table = _readTable();
        uint256 offset = _skipTo(table, position);
        return (_string(table, offset), _limitOf(position));
    }

    /// @inheritdoc IERC7007TraitPrompt
    function traitName(uint256 position, uint256 value) public view virtual returns (string memory) {
        if (position >= _traitCount) revert ERC7007TraitSpaceMismatch(position + 1, _traitCount);
        bytes memory table = _readTable();
        uint256 offset = _skipTo(table, position);
        uint256 limit = _limitOf(position);
        if (value >= limit) revert ERC7007PromptTraitOutOfRange(position, _string(table, offset), value, limit);
        return _string(table, _skipNames(table, offset + uint8(table[offset]) + 3, value));
    }

    /// @inheritdoc IERC7007TraitPrompt
    function checkPrompt(bytes calldata prompt) public view virtual {
        _requireTraits(prompt);
    }

    /// @dev Reverts with {ERC7007PromptTraitOutOfRange} unless each of the prompt's bytes (up to the table's
    /// positions) is below its position's limit. Reads only immutables and one calldata word (at most 16
    /// positions, so one word holds them all): the claim pays a few hundred gas for it.
    function _requireTraits(bytes calldata prompt) internal view virtual {
        uint256 limits = _traitLimits;
        uint256 positions = prompt.length < _traitCount ? prompt.length : _traitCount;
        uint256 failed; // the failing position + 1, or 0
        assembly ("memory-safe") {
            // Bytes past the prompt's end are never read: i < positions <= prompt.length. `i` stays below 16, so
            // neither `i + 1` nor `16 * i` can overflow.
            let word := calldataload(prompt.offset)
            for { let i := 0 } lt(i, positions) { i := add(i, 1) } {
                if iszero(lt(byte(i, word), and(shr(shl(4, i), limits), 0xffff))) {
                    failed := add(i, 1)
                    break
                }
            }
        }
        if (failed != 0) {
            uint256 position = failed - 1;
            (string memory kind, uint256 limit) = traitKind(position);
            revert ERC7007PromptTraitOutOfRange(position, kind, uint8(prompt[position]), limit);
        }
    }

    /// @dev `,{"trait_type":"<kind>","value":"<name>"}` for every position of `prompt_` (a minted, so valid,
    /// prompt), for a token's `attributes`.
    function _traitAttributes(bytes memory prompt_) internal view virtual returns (string memory attributes) {
        bytes memory table = _readTable();
        uint256 offset = 0;
        for (uint256 i; i < _traitCount; ++i) {
            uint256 kindLength = uint8(table[offset]);
            uint256 names = offset + kindLength + 3;
            uint256 nameAt = _skipNames(table, names, uint8(prompt_[i]));
            attributes = string.concat(
                attributes,
                ',{"trait_type":"',
                JsonString.escape(_string(table, offset)),
                '","value":"',
                JsonString.escape(_string(table, nameAt)),
                '"}'
            );
            offset = _skipNames(table, names, _limitOf(i));
        }
    }

    function _readTable() private view returns (bytes memory) {
        return BytecodeStorage.readAt(_traitTable, 0, _traitTableLength);
    }

    function _limitOf(uint256 position) private view returns (uint256) {
        return uint16(_traitLimits >> (16 * position));
    }

    /// @dev The offset of position `position`'s section (its kind's length byte).
    function _skipTo(bytes memory table, uint256 position) private view returns (uint256 offset) {
        for (uint256 p; p < position; ++p) {
            offset = _skipNames(table, offset + uint8(table[offset]) + 3, _limitOf(p));
        }
    }

    /// @dev The offset after skipping `count` length-prefixed names from `offset`.
    function _skipNames(bytes memory table, uint256 offset, uint256 count) private pure returns (uint256) {
        for (uint256 i; i < count; ++i) {
            offset += uint256(uint8(table[offset])) + 1;
        }
        return offset;
    }

    /// @dev The length-prefixed string at `offset`.
    function _string(bytes memory table, uint256 offset) private pure returns (string memory value) {
        uint256 length = uint8(table[offset]);
        value = new string(length);
        for (uint256 i; i < length; ++i) {
            bytes(value)[i] = table[offset + 1 + i];
        }
    }
}
