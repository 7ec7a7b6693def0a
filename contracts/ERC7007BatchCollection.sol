// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ERC7007Collection} from "./ERC7007Collection.sol";
import {IERC7007Batch} from "./interfaces/IERC7007Batch.sol";
import {AigcEncoding} from "./libraries/AigcEncoding.sol";
import {BytecodeStorage} from "./libraries/BytecodeStorage.sol";
import {ModelCard} from "./types/ModelCard.sol";
import {ModelEncoding} from "./types/ModelEncoding.sol";

/// @title An ERC-7007 collection that also mints in batches: one proof for N prompts
/// @notice {ERC7007Collection}, plus one immutable verifier per batch size (the model's batch circuits, all covered
/// by the model commitment). See {IERC7007Batch}.
/// @dev The mint-to-claimant rule and the "no token without data" rule stay in `_update` (ERC7007Claimable and
/// ERC7007): {mintBatch} only stores and calls `_mint`.
contract ERC7007BatchCollection is ERC7007Collection, IERC7007Batch {
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
    ) ERC7007Collection(name_, symbol_, verifier_, modelHash_, encoding_, minter_, owner_, card_) {
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

    /// @inheritdoc ERC7007Collection
    function supportsInterface(bytes4 interfaceId)
        public
        view
        virtual
        override(ERC7007Collection, IERC165)
        returns (bool)
    {
        return interfaceId == type(IERC7007Batch).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC7007Batch
    function mintBatch(bytes calldata prompts, bytes calldata aigcDatas, bytes calldata proof, uint256 mintMask)
        public
        virtual
        returns (address batch)
    {
        address minter_ = minter();
        if (minter_ != address(0) && msg.sender != minter_) revert ERC7007UnauthorizedMinter(msg.sender, minter_);
        (address batchVerifier_, uint256 size,,) = _batchShape(prompts, aigcDatas);
        address[] memory claimants = _checkSlots(prompts, size, mintMask); // before the costly verification
        if (!_callVerifier(
                batchVerifier_,
                AigcEncoding.verifyProofCalldata(prompts, aigcDatas, proof, _promptLen(), _outputLength(), _digitBits())
            )) {
            revert ERC7007InvalidBatchProof(size);
        }
        uint256 number;
        (batch, number) = _storeBatch(prompts, aigcDatas, size);
        _mintSlots(number, prompts, aigcDatas, claimants);
        emit AigcBatch(batch, size, mintMask, proof);
    }

    /// @inheritdoc IERC7007Batch
    function verifyBatch(bytes calldata prompts, bytes calldata aigcDatas, bytes calldata proof)
        public
        view
        virtual
        returns (bool success)
    {
        (address batchVerifier_,,,) = _batchShape(prompts, aigcDatas);
        return _callVerifier(
            batchVerifier_,
            AigcEncoding.verifyProofCalldata(prompts, aigcDatas, proof, _promptLen(), _outputLength(), _digitBits())
        );
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
        ModelEncoding memory enc = encoding();
        uint256 promptsLength = size * enc.inputLen;
        prompts = BytecodeStorage.readAt(batch, 0, promptsLength);
        aigcDatas = BytecodeStorage.readAt(
            batch, promptsLength, promptsLength + size * AigcEncoding.aigcLength(enc.outputLen, enc.digitBits)
        );
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

    /// @dev The batch verifier, size and per-slot lengths for these bytes; reverts unless they are a whole batch of
    /// a supported size.
    function _batchShape(bytes calldata prompts, bytes calldata aigcDatas)
        private
        view
        returns (address batchVerifier_, uint256 size, uint256 promptLength, uint256 aigcLength)
    {
        ModelEncoding memory enc = encoding();
        promptLength = enc.inputLen;
        aigcLength = AigcEncoding.aigcLength(enc.outputLen, enc.digitBits);
        if (prompts.length % promptLength != 0) {
            revert ERC7007InvalidBatchPromptsLength(prompts.length, promptLength);
        }
        size = prompts.length / promptLength;
        batchVerifier_ = _batchVerifiers[size];
        if (batchVerifier_ == address(0)) revert ERC7007UnsupportedBatchSize(size);
        // Exact, not a rounded division: `prompts.length` is a multiple of `promptLength` (checked above).
        // slither-disable-start divide-before-multiply
        if (aigcDatas.length != size * aigcLength) {
            revert ERC7007InvalidBatchAigcDataLength(aigcDatas.length, size * aigcLength);
        }
        // slither-disable-end divide-before-multiply
    }
}
