// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC7007} from "./interfaces/IERC7007.sol";
import {IERC7007Zkml} from "./interfaces/IERC7007Zkml.sol";
import {AigcEncoding} from "./libraries/AigcEncoding.sol";
import {BytecodeStorage} from "./libraries/BytecodeStorage.sol";
import {Halo2Verdict} from "./libraries/Halo2Verdict.sol";
import {ModelEncoding} from "./types/ModelEncoding.sol";

/// @title ERC-7007 core, bound to one zkML model
/// @notice An ERC-721 whose tokens carry proven AI-generated content. The collection is bound, immutably, to one
/// ezkl verifier and one model commitment; `tokenId = uint256(keccak256(prompt))`. A token exists only together
/// with its proven data: derived contracts attach data with {_addAigcData} (which verifies the proof) and then
/// mint, and {_update} refuses to mint a token without data.
/// @dev The prompt and aigcData of a token are stored together, `prompt ‖ aigcData`, as the code of data
/// contracts ({BytecodeStorage}); the proof is not stored (it is in the {AigcData} event and the calldata). The core
/// stores tokens one at a time; an extension that stores them another way (ERC7007Batched: one data contract per
/// batch) overrides the two hooks the core reads a token's data through, {_hasAigcData} (whether it is stored, the
/// one existence check) and {_tokenData} (its bytes), as ERC721Consecutive overrides `_ownerOf`.
abstract contract ERC7007 is ERC721, IERC7007Zkml {
    address private immutable _verifier;
    bytes32 private immutable _modelHash;
    uint256 private immutable _inputLen;
    uint256 private immutable _outputLen;
    uint256 private immutable _inputScale;
    uint256 private immutable _outputScale;
    uint256 private immutable _width;
    uint256 private immutable _height;
    uint256 private immutable _channels;
    uint256 private immutable _render;
    uint256 private immutable _digitBits_;

    /// @dev Data contracts holding `prompt ‖ aigcData` of each token stored by {_addAigcData}, by chunk index.
    mapping(uint256 tokenId => mapping(uint256 chunk => address)) private _dataChunks;

    /// @param name_ The ERC-721 name.
    /// @param symbol_ The ERC-721 symbol.
    /// @param verifier_ The model's ezkl verifier; must have code.
    /// @param modelHash_ The model commitment; must be non-zero.
    /// @param encoding_ The model's encoding and image geometry.
    constructor(
        string memory name_,
        string memory symbol_,
        address verifier_,
        bytes32 modelHash_,
        ModelEncoding memory encoding_
    ) ERC721(name_, symbol_) {
        if (verifier_.code.length == 0) revert ERC7007InvalidVerifier(verifier_);
        if (modelHash_ == bytes32(0)) revert ERC7007InvalidModelHash(modelHash_);
        if (
            encoding_.inputLen == 0 || encoding_.inputLen > AigcEncoding.MAX_PROMPT_BYTES
                || (encoding_.channels != 1 && encoding_.channels != 3) || encoding_.width == 0 || encoding_.height == 0
                || encoding_.render == 0
                || uint256(encoding_.outputLen) != uint256(encoding_.channels) * encoding_.width * encoding_.height
        ) {
            revert ERC7007InvalidEncoding(
                encoding_.inputLen, encoding_.outputLen, encoding_.width, encoding_.height, encoding_.channels
            );
        }
        if (!AigcEncoding.isDigitWidth(encoding_.digitBits)) revert ERC7007InvalidDigitWidth(encoding_.digitBits);
        _verifier = verifier_;
        _modelHash = modelHash_;
        _inputLen = encoding_.inputLen;
        _outputLen = encoding_.outputLen;
        _inputScale = encoding_.inputScale;
        _outputScale = encoding_.outputScale;
        _width = encoding_.width;
        _height = encoding_.height;
        _channels = encoding_.channels;
        _render = encoding_.render;
        _digitBits_ = encoding_.digitBits;
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view virtual override(ERC721, IERC165) returns (bool) {
        return interfaceId == type(IERC7007).interfaceId || interfaceId == type(IERC7007Zkml).interfaceId
            || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC7007
    /// @dev Reverts with {ERC7007InvalidPromptLength} / {ERC7007InvalidAigcDataLength} on wrong lengths; returns
    /// false for every other failure (see {IERC7007Zkml}).
    function verify(bytes calldata prompt, bytes calldata aigcData, bytes calldata proof)
        public
        view
        virtual
        returns (bool success)
    {
        return _verify(prompt, aigcData, proof);
    }

    /// @inheritdoc IERC7007
    /// @dev Data is attached when the token is minted and never changes, so there is never anything to add:
    /// reverts with `ERC721NonexistentToken` for a token that does not exist and with
    /// {ERC7007AigcDataAlreadySet} for one that does.
    function addAigcData(uint256 tokenId, bytes calldata, bytes calldata, bytes calldata) public virtual {
        _requireOwned(tokenId);
        revert ERC7007AigcDataAlreadySet(tokenId);
    }

    /// @inheritdoc IERC7007Zkml
    function verifier() public view virtual returns (address) {
        return _verifier;
    }

    /// @inheritdoc IERC7007Zkml
    function modelHash() public view virtual returns (bytes32) {
        return _modelHash;
    }

    /// @inheritdoc IERC7007Zkml
    function encoding() public view virtual returns (ModelEncoding memory) {
        // Casts cannot truncate: the immutables were set from these very types.
        return ModelEncoding({
            inputLen: uint32(_inputLen),
            outputLen: uint32(_outputLen),
            inputScale: uint8(_inputScale),
            outputScale: uint8(_outputScale),
            width: uint16(_width),
            height: uint16(_height),
            channels: uint8(_channels),
            render: uint8(_render),
            digitBits: uint8(_digitBits_)
        });
    }

    /// @inheritdoc IERC7007Zkml
    function publicInstances(bytes calldata prompt, bytes calldata aigcData)
        public
        view
        virtual
        returns (uint256[] memory)
    {
        return AigcEncoding.instances(prompt, aigcData, _inputLen, _outputLen, _digitBits_);
    }

    /// @inheritdoc IERC7007Zkml
    function aigcDataOf(uint256 tokenId) public view virtual returns (bytes memory) {
        _requireOwned(tokenId);
        return _tokenData(tokenId, _inputLen, _inputLen + AigcEncoding.aigcLength(_outputLen, _digitBits_));
    }

    /// @dev Bits per output digit of the model's encoding (7 or 8).
    function _digitBits() internal view returns (uint256) {
        return _digitBits_;
    }

    /// @dev Prompt bytes of the model's encoding (1 to 16): one packed public element per prompt.
    function _promptLen() internal view returns (uint256) {
        return _inputLen;
    }

    /// @dev Output digits of the model's encoding (per prompt).
    function _outputLength() internal view returns (uint256) {
        return _outputLen;
    }

    /// @dev The stored prompt of an existing token.
    function _promptOf(uint256 tokenId) internal view returns (bytes memory) {
        return _tokenData(tokenId, 0, _inputLen);
    }

    /// @dev Bytes `[start, end)` of `tokenId`'s stored `prompt ‖ aigcData`, for a token with data: a range within
    /// the prompt (`end ≤ inputLen`) or within the aigcData (`start ≥ inputLen`), the only ranges read. The one
    /// place a token's data is read, so that an extension storing data elsewhere overrides only this.
    function _tokenData(uint256 tokenId, uint256 start, uint256 end) internal view virtual returns (bytes memory) {
        return BytecodeStorage.read(_dataChunks[tokenId], start, end);
    }

    /// @dev Whether proven data is stored for `tokenId`: the one existence check, which {_update} asks before
    /// every mint. An extension that stores data elsewhere answers for its own tokens first and then asks `super`.
    function _hasAigcData(uint256 tokenId) internal view virtual returns (bool) {
        return _dataChunks[tokenId][0] != address(0);
    }

    /// @dev Verifies `proof` for `prompt` and `aigcData`, stores both for the prompt's token and emits
    /// {AigcData}. Reverts on wrong lengths, with {ERC7007InvalidProof} on an invalid proof, and with
    /// {ERC7007AigcDataAlreadySet} if the token's data exists. The token itself is not minted here.
    function _addAigcData(bytes calldata prompt, bytes calldata aigcData, bytes calldata proof)
        internal
        virtual
        returns (uint256 tokenId)
    {
        tokenId = uint256(keccak256(prompt));
        if (_hasAigcData(tokenId)) revert ERC7007AigcDataAlreadySet(tokenId);
        if (!_verify(prompt, aigcData, proof)) revert ERC7007InvalidProof(tokenId);
        BytecodeStorage.write(_dataChunks[tokenId], prompt, aigcData);
        emit AigcData(tokenId, prompt, aigcData, proof);
    }

    /// @dev Refuses to mint a token whose proven data has not been stored.
    function _update(address to, uint256 tokenId, address auth) internal virtual override returns (address) {
        if (_isMint(to, tokenId, auth) && !_hasAigcData(tokenId)) {
            revert ERC7007MissingAigcData(tokenId);
        }
        return super._update(to, tokenId, auth);
    }

    /// @dev Whether `_update(to, tokenId, auth)` would create `tokenId`: it does not exist, the receiver is not the
    /// zero address (a burn) and no `auth` is checked. Every public transfer passes its caller as `auth`, and
    /// ERC-721 rejects any `auth` for a token that does not exist with `ERC721NonexistentToken`; so mint-only
    /// checks guarded by this apply to real mints and never pre-empt that error.
    function _isMint(address to, uint256 tokenId, address auth) internal view virtual returns (bool) {
        return auth == address(0) && to != address(0) && _ownerOf(tokenId) == address(0);
    }

    /// @dev Rebuilds the public instances, STATICCALLs `verifyProof(proof, instances)` and accepts only a
    /// successful call that returns exactly ABI-encoded `true`; reverts with {ERC7007VerifierOutOfGas} if the
    /// verifier ran out of gas. The call data comes from {AigcEncoding-verifyProofCalldata}, which writes the
    /// instances in place.
    function _verify(bytes calldata prompt, bytes calldata aigcData, bytes calldata proof)
        internal
        view
        virtual
        returns (bool valid)
    {
        AigcEncoding.requireLengths(prompt, aigcData, _inputLen, _outputLen, _digitBits_);
        return _callVerifier(
            _verifier, AigcEncoding.verifyProofCalldata(prompt, aigcData, proof, _inputLen, _outputLen, _digitBits_)
        );
    }

    /// @dev Asks `target` for its verdict on `callData` (a `verifyProof` call, {Halo2Verdict-ask}): only exactly
    /// ABI-encoded `true` is valid; reverts with {ERC7007VerifierOutOfGas} if the verifier ran out of gas, which is
    /// no verdict on the proof.
    function _callVerifier(address target, bytes memory callData) internal view virtual returns (bool valid) {
        bool outOfGas;
        (valid, outOfGas) = Halo2Verdict.ask(target, callData);
        if (outOfGas) revert ERC7007VerifierOutOfGas(target);
    }
}
