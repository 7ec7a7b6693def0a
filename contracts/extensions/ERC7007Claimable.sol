// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ERC7007} from "../ERC7007.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC7007Claimable} from "../interfaces/IERC7007Claimable.sol";

/// @title ERC-7007 Claimable extension with commit–reveal
/// @notice Prompts are claimed through commit–reveal before they are minted; a claimed prompt's token can be
/// minted only to its claimant, while the claim is live. Enforced in {_update}, so no mint path of a derived
/// contract can send a token elsewhere.
/// @dev Times are block timestamps in seconds (portable across chains, unlike block numbers). A commitment is
/// pending while `block.timestamp < committedAt + MAX_COMMITMENT_AGE`, and revealable from
/// `committedAt + MIN_COMMITMENT_AGE` on; a claim is live while `block.timestamp < expiresAt`.
abstract contract ERC7007Claimable is ERC7007, IERC7007Claimable {
    /// @inheritdoc IERC7007Claimable
    uint256 public constant MIN_COMMITMENT_AGE = 60 seconds;

    /// @inheritdoc IERC7007Claimable
    uint256 public constant MAX_COMMITMENT_AGE = 1 days;

    /// @inheritdoc IERC7007Claimable
    uint256 public constant CLAIM_TTL = 7 days;

    /// @dev One storage slot per prompt: its claim until the token is minted, and a 48-bit `tag` that a derived
    /// contract may set about the token between the claim and the mint ({_setPromptTag}). A claim starts with a zero
    /// tag and the mint keeps it, so the slot the mint reads and frees anyway carries it at no new slot's cost
    /// (ERC7007Batched keeps a batch token's locator there).
    struct PromptClaim {
        address claimant;
        uint48 expiresAt;
        uint48 tag;
    }

    mapping(bytes32 commitment => uint256 committedAt) private _commitments;
    mapping(uint256 tokenId => PromptClaim) private _claims;

    /// @inheritdoc ERC7007
    function supportsInterface(bytes4 interfaceId) public view virtual override(ERC7007, IERC165) returns (bool) {
        return interfaceId == type(IERC7007Claimable).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IERC7007Claimable
    function makeCommitment(bytes calldata prompt, address claimant, bytes32 salt)
        public
        pure
        virtual
        returns (bytes32)
    {
        return keccak256(abi.encode(prompt, claimant, salt));
    }

    /// @inheritdoc IERC7007Claimable
    function commit(bytes32 commitment) public virtual {
        uint256 committedAt = _commitments[commitment];
        // A pending commitment is kept as it is: a copy must neither fail its author's commit nor reset its age.
        if (committedAt != 0 && block.timestamp < committedAt + MAX_COMMITMENT_AGE) return;
        _commitments[commitment] = block.timestamp;
        emit Commit(commitment);
    }

    /// @inheritdoc IERC7007Claimable
    function commitmentTimestamp(bytes32 commitment) public view virtual returns (uint256) {
        return _commitments[commitment];
    }

    /// @inheritdoc IERC7007Claimable
    function claim(bytes calldata prompt, address claimant, bytes32 salt) public virtual returns (address owner) {
        if (msg.sender != claimant) revert ERC7007UnauthorizedClaimer(msg.sender, claimant);
        uint256 promptLength = encoding().inputLen;
        if (prompt.length != promptLength) revert ERC7007InvalidPromptLength(prompt.length, promptLength);
        _consumeCommitment(makeCommitment(prompt, claimant, salt));

        uint256 id = uint256(keccak256(prompt));
        if (_ownerOf(id) != address(0)) revert ERC7007PromptAlreadyMinted(id);
        PromptClaim memory current = _claims[id];
        if (current.claimant != address(0) && block.timestamp < current.expiresAt) {
            revert ERC7007PromptAlreadyClaimed(id, current.claimant, current.expiresAt);
        }
        // Cannot truncate: block timestamps are far below 2^48. A prompt is claimed unminted, so with no tag yet.
        _claims[id] = PromptClaim({claimant: claimant, expiresAt: uint48(block.timestamp + CLAIM_TTL), tag: 0});
        emit Claim(prompt, claimant);
        return claimant;
    }

    /// @inheritdoc IERC7007Claimable
    function claimOf(bytes calldata prompt) public view virtual returns (address claimant, uint256 expiresAt) {
        PromptClaim memory current = _claims[uint256(keccak256(prompt))];
        return (current.claimant, current.expiresAt);
    }

    /// @dev The claimant of `tokenId`'s prompt; reverts with {ERC7007PromptNotClaimed} or {ERC7007ClaimExpired}
    /// unless the claim is live. Not virtual: {_update} enforces the same rule ({_requireLive}) on every mint, so an
    /// override here could only make the fail-fast check disagree with the mint.
    function _liveClaimant(uint256 tokenId) internal view returns (address) {
        return _requireLive(tokenId, _claims[tokenId]);
    }

    /// @dev On mint (see {ERC7007-_isMint}), requires a live claim whose claimant is the receiver, and consumes
    /// the claim. Transfers, burns and attempts to move a token that does not exist are left to ERC-721.
    function _update(address to, uint256 tokenId, address auth) internal virtual override returns (address) {
        if (_isMint(to, tokenId, auth)) {
            // One load and one store of the prompt's slot: the claim is checked and consumed from the same copy.
            PromptClaim memory current = _claims[tokenId];
            address claimant = _requireLive(tokenId, current);
            if (to != claimant) revert ERC7007ReceiverNotClaimant(tokenId, to, claimant);
            // Consumes the claim and keeps the tag (with a zero tag, the whole slot is freed).
            _claims[tokenId] = PromptClaim({claimant: address(0), expiresAt: 0, tag: current.tag});
        }
        return super._update(to, tokenId, auth);
    }

    /// @dev The tag kept in `tokenId`'s prompt slot (see {PromptClaim}); zero unless a derived contract set one.
    function _promptTag(uint256 tokenId) internal view returns (uint48) {
        return _claims[tokenId].tag;
    }

    /// @dev Sets the tag kept in `tokenId`'s prompt slot; the claim sharing the slot is left as it is.
    function _setPromptTag(uint256 tokenId, uint48 tag) internal {
        _claims[tokenId].tag = tag;
    }

    /// @dev `current`'s claimant, `current` being `tokenId`'s claim; reverts with {ERC7007PromptNotClaimed} or
    /// {ERC7007ClaimExpired} unless the claim is live. The one place a claim's liveness is decided.
    function _requireLive(uint256 tokenId, PromptClaim memory current) private view returns (address) {
        if (current.claimant == address(0)) revert ERC7007PromptNotClaimed(tokenId);
        if (block.timestamp >= current.expiresAt) {
            revert ERC7007ClaimExpired(tokenId, current.claimant, current.expiresAt);
        }
        return current.claimant;
    }

    /// @dev Deletes `commitment` if it is revealable now; reverts otherwise.
    function _consumeCommitment(bytes32 commitment) private {
        uint256 committedAt = _commitments[commitment];
        // 0 is the "never committed" sentinel (a real commitment stores its block timestamp, which is never 0).
        // slither-disable-next-line incorrect-equality
        if (committedAt == 0) revert ERC7007CommitmentNotFound(commitment);
        if (block.timestamp < committedAt + MIN_COMMITMENT_AGE) {
            revert ERC7007CommitmentTooNew(commitment, committedAt + MIN_COMMITMENT_AGE);
        }
        if (block.timestamp >= committedAt + MAX_COMMITMENT_AGE) {
            revert ERC7007CommitmentTooOld(commitment, committedAt + MAX_COMMITMENT_AGE);
        }
        delete _commitments[commitment];
    }
}
