// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ERC7007Claimable} from "./ERC7007Claimable.sol";
import {IERC7007Batch} from "../interfaces/IERC7007Batch.sol";
import {AigcEncoding} from "../libraries/AigcEncoding.sol";
import {BytecodeStorage} from "../libraries/BytecodeStorage.sol";
import {ModelEncoding} from "../types/ModelEncoding.sol";

/// @title ERC-7007 batch extension: one proof for N prompts, one data contract per batch
/// @notice The model's batch circuits, one immutable verifier per batch size (all covered by the model commitment),
/// and the storage of verified batches. See {IERC7007Batch}; the deployable exposes {_mintBatch} as
/// {IERC7007Batch-mintBatch}, adding who may mint.
/// @dev Kept out of the core as ERC721Consecutive is kept out of ERC721: a batch's `prompts ‖ aigcDatas` is one
/// data contract, recorded once in {_batches}; a batch-minted token keeps only a 48-bit locator, `(number << 8) |
/// slot` (never zero: batches are numbered from 1), as the tag of its prompt's claim slot
/// ({ERC7007Claimable-_promptTag}), which the mint reads and frees anyway, so a batch token costs no storage slot of
/// its own. The tag is read and written directly, not through virtual locator hooks: their extra internal calls
/// measured ~100 gas more per mint. The core reads a token's data through {_hasAigcData} and {_tokenData}; this
/// extension answers both for batch tokens and defers to the core for the others.
abstract contract ERC7007Batched is ERC7007Claimable, IERC7007Batch {
    /// @notice A batch circuit's size and its verifier, as passed to the constructor.
    struct BatchVerifier {
        uint256 size;
        address verifier;
    }

    /// @dev Largest batch: one slot per bit of `mintMask`, and a slot number fits the 8-bit field of a locator.
    uint256 private constant _MAX_BATCH_SIZE = 256;

    /// @dev Written only by the constructor.
    mapping(uint256 size => address verifier) private _batchVerifiers;
    uint256[] private _batchSizes;

    /// @dev Every stored batch, in order: its data contract (bits 0–159) and its size (160–175). Batch `number` is
    /// entry `number - 1`.
    uint256[] private _batches;

    /// @param batchVerifiers_ One verifier per batch size, in the order of the model commitment; sizes ≥ 2, distinct,
    /// and small enough that a batch fits one data contract.
    /// @param encoding_ The model's encoding (the core's immutables cannot be read during construction).
    constructor(BatchVerifier[] memory batchVerifiers_, ModelEncoding memory encoding_) {
        uint256 slotBytes = encoding_.inputLen + AigcEncoding.aigcLength(encoding_.outputLen, encoding_.digitBits);
        for (uint256 i; i < batchVerifiers_.length; ++i) {
            (uint256 size, address v) = (batchVerifiers_[i].size, batchVerifiers_[i].verifier);
            if (
                size < 2 || size > _MAX_BATCH_SIZE || size * slotBytes > BytecodeStorage.MAX_CHUNK_SIZE
                    || _batchVerifiers[size] != address(0) || v.code.length == 0
            ) revert ERC7007InvalidBatchVerifier(size, v);
            _batchVerifiers[size] = v;
            _batchSizes.push(size);
        }
    }

    /// @inheritdoc ERC7007Claimable
    function supportsInterface(bytes4 interfaceId)
        public
        view
        virtual
        override(ERC7007Claimable, IERC165)
        returns (bool)
    {
        return interfaceId == type(IERC7007Batch).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC7007Batch
    function verifyBatch(bytes calldata prompts, bytes calldata aigcDatas, bytes calldata proof)
        public
        view
        virtual
        returns (bool success)
    {
        (address batchVerifier_,) = _batchShape(prompts, aigcDatas);
        return _verifyBatch(batchVerifier_, prompts, aigcDatas, proof);
    }

    /// @inheritdoc IERC7007Batch
    function batchVerifier(uint256 size) public view virtual returns (address) {
        return _batchVerifiers[size];
    }

    /// @inheritdoc IERC7007Batch
    function batchSizes() public view virtual returns (uint256[] memory) {
        return _batchSizes;
    }

    /// @inheritdoc IERC7007Batch
    function batchDataOf(uint256 tokenId_)
        public
        view
        virtual
        returns (address batch, uint256 slot, bytes memory prompts, bytes memory aigcDatas)
    {
        _requireOwned(tokenId_);
        uint256 size;
        (batch, slot, size) = _batchSlotOf(tokenId_);
        if (batch == address(0)) return (batch, 0, _promptOf(tokenId_), aigcDataOf(tokenId_));
        uint256 promptsLength = size * _promptLen();
        prompts = BytecodeStorage.readAt(batch, 0, promptsLength);
        aigcDatas = BytecodeStorage.readAt(
            batch, promptsLength, promptsLength + size * AigcEncoding.aigcLength(_outputLength(), _digitBits())
        );
    }

    /// @dev {IERC7007Batch-mintBatch} without the minter check: checks the shape and every selected slot (before the
    /// costly verification), verifies the batch proof, stores the batch and mints each selected slot's token to its
    /// prompt's claimant. The mint-to-claimant and "no token without data" rules are not re-implemented: `_mint`
    /// goes through the same `_update` as a single mint (ERC7007Claimable, then the core's {_hasAigcData}).
    function _mintBatch(bytes calldata prompts, bytes calldata aigcDatas, bytes calldata proof, uint256 mintMask)
        internal
        virtual
        returns (address batch)
    {
        (address batchVerifier_, uint256 size) = _batchShape(prompts, aigcDatas);
        address[] memory claimants = _checkSlots(prompts, size, mintMask); // before the costly verification
        if (!_verifyBatch(batchVerifier_, prompts, aigcDatas, proof)) revert ERC7007InvalidBatchProof(size);
        uint256 number;
        (batch, number) = _storeBatch(prompts, aigcDatas, size);
        _mintSlots(number, prompts, aigcDatas, claimants);
        emit AigcBatch(batch, size, mintMask, proof);
    }

    /// @dev A batch-minted token's batch data contract, slot and batch size; `(address(0), 0, 1)` for any other
    /// token.
    function _batchSlotOf(uint256 tokenId) internal view virtual returns (address batch, uint256 slot, uint256 size) {
        uint256 locator = _promptTag(tokenId);
        if (locator != 0) {
            uint256 entry = _batches[(locator >> 8) - 1];
            return (address(uint160(entry)), uint8(locator), uint16(entry >> 160));
        }
        return (address(0), 0, 1);
    }

    /// @dev A batch token's data lies in its batch: its prompt among the batch's prompts, its aigcData among the
    /// batch's aigcDatas; any other token's, where the core keeps it.
    function _tokenData(uint256 tokenId, uint256 start, uint256 end)
        internal
        view
        virtual
        override
        returns (bytes memory)
    {
        (address batch, uint256 slot, uint256 size) = _batchSlotOf(tokenId);
        if (batch == address(0)) return super._tokenData(tokenId, start, end);
        uint256 promptLength = _promptLen();
        // Where byte 0 of the token's `prompt ‖ aigcData` would be, for the part the range lies in.
        uint256 base = start < promptLength
            ? slot * promptLength
            : size * promptLength + slot * AigcEncoding.aigcLength(_outputLength(), _digitBits()) - promptLength;
        return BytecodeStorage.readAt(batch, base + start, base + end);
    }

    /// @dev The locator first: it is in the prompt's claim slot, which a mint reads anyway.
    function _hasAigcData(uint256 tokenId) internal view virtual override returns (bool) {
        return _promptTag(tokenId) != 0 || super._hasAigcData(tokenId);
    }

    /// @dev The batch verifier and the size for these bytes; reverts unless they are a whole batch of a supported
    /// size.
    function _batchShape(bytes calldata prompts, bytes calldata aigcDatas)
        private
        view
        returns (address batchVerifier_, uint256 size)
    {
        uint256 promptLength = _promptLen();
        if (prompts.length % promptLength != 0) {
            revert ERC7007InvalidBatchPromptsLength(prompts.length, promptLength);
        }
        size = prompts.length / promptLength;
        batchVerifier_ = _batchVerifiers[size];
        if (batchVerifier_ == address(0)) revert ERC7007UnsupportedBatchSize(size);
        // Exact, not a rounded division: `prompts.length` is a multiple of `promptLength` (checked above).
        // slither-disable-next-line divide-before-multiply
        uint256 expected = size * AigcEncoding.aigcLength(_outputLength(), _digitBits());
        if (aigcDatas.length != expected) revert ERC7007InvalidBatchAigcDataLength(aigcDatas.length, expected);
    }

    /// @dev The claimants of the slots in `mintMask` (zero for the others); reverts unless the mask selects slots
    /// of the batch only, and every selected slot's prompt is unminted, selected once and has a live claim.
    function _checkSlots(bytes calldata prompts, uint256 size, uint256 mintMask)
        private
        view
        returns (address[] memory claimants)
    {
        if (mintMask == 0 || mintMask >> size != 0) revert ERC7007InvalidMintMask(mintMask, size);
        uint256 promptLength = prompts.length / size;
        uint256[] memory ids = new uint256[](size);
        claimants = new address[](size);
        for (uint256 i; i < size; ++i) {
            if ((mintMask >> i) & 1 == 0) continue;
            uint256 id = uint256(keccak256(prompts[i * promptLength:(i + 1) * promptLength]));
            if (_ownerOf(id) != address(0)) revert ERC7007PromptAlreadyMinted(id);
            for (uint256 j; j < i; ++j) {
                if (ids[j] == id) revert ERC7007DuplicatePrompt(id, j, i);
            }
            ids[i] = id;
            claimants[i] = _liveClaimant(id);
        }
    }

    /// @dev Whether `batchVerifier_` accepts `proof` for the batch (see {ERC7007-_callVerifier}); the lengths are
    /// {_batchShape}'s.
    function _verifyBatch(
        address batchVerifier_,
        bytes calldata prompts,
        bytes calldata aigcDatas,
        bytes calldata proof
    ) private view returns (bool) {
        return _callVerifier(
            batchVerifier_,
            AigcEncoding.verifyProofCalldata(prompts, aigcDatas, proof, _promptLen(), _outputLength(), _digitBits())
        );
    }

    /// @dev Stores a verified batch, `prompts ‖ aigcDatas` of all `size` slots, as one data contract and records
    /// it; returns the contract's address (the batch's id in events) and the batch's number for
    /// {_attachBatchSlot}. The caller has verified the batch proof, on lengths checked by {_batchShape}.
    function _storeBatch(bytes calldata prompts, bytes calldata aigcDatas, uint256 size)
        private
        returns (address batch, uint256 number)
    {
        batch = BytecodeStorage.writeOne(prompts, aigcDatas);
        _batches.push(uint256(uint160(batch)) | (size << 160));
        return (batch, _batches.length);
    }

    /// @dev Attaches every slot with a claimant to its token (stored as batch `number`) and mints it to that
    /// claimant.
    function _mintSlots(uint256 number, bytes calldata prompts, bytes calldata aigcDatas, address[] memory claimants)
        private
    {
        uint256 size = claimants.length;
        uint256 promptLength = prompts.length / size;
        uint256 aigcLength = aigcDatas.length / size;
        for (uint256 i; i < size; ++i) {
            if (claimants[i] == address(0)) continue;
            uint256 id = _attachBatchSlot(
                number,
                i,
                prompts[i * promptLength:(i + 1) * promptLength],
                aigcDatas[i * aigcLength:(i + 1) * aigcLength]
            );
            _mint(claimants[i], id);
        }
    }

    /// @dev Attaches slot `slot` of the batch numbered `number` (from {_storeBatch}) to its prompt's token, whose
    /// slot {_checkSlots} checked, and emits {AigcData} without the proof (the batch event carries it once). The
    /// token itself is not minted here.
    function _attachBatchSlot(uint256 number, uint256 slot, bytes calldata prompt, bytes calldata aigcData)
        private
        returns (uint256 tokenId)
    {
        tokenId = uint256(keccak256(prompt));
        // No check that the token is unminted and unattached: {_checkSlots} proved the slot's prompt unminted,
        // selected once and with a live claim, and a live claim's tag is zero (a claim starts without one), so the
        // locator is written once and never over a minted token's.
        // Cannot truncate: a batch has at most 256 slots, and 2^40 batches cannot be stored.
        _setPromptTag(tokenId, uint48((number << 8) | slot));
        emit AigcData(tokenId, prompt, aigcData, "");
    }
}
