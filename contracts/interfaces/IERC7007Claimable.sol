// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC7007} from "./IERC7007.sol";

/// @title ERC-7007 Claimable extension, with commit–reveal
/// @notice A prompt is claimed for a claimant before its content is minted, and then can be minted only to that
/// claimant: whoever generates and proves the content (the vendor, a prover, a marketplace) cannot take it.
/// A bare `claim(prompt)` could itself be copied from the mempool, so claims use commit–reveal, as the ENS
/// registrar does:
/// 1. `commit(keccak256(abi.encode(prompt, claimant, salt)))` — reveals nothing about the prompt;
/// 2. after `MIN_COMMITMENT_AGE` seconds and before `MAX_COMMITMENT_AGE`, `claim(prompt, claimant, salt)`.
/// The claimant is bound into the commitment, and only the claimant may submit the reveal: a copied reveal
/// reverts, and a reveal with another claimant matches no commitment. A used reveal is public, so anyone can
/// commit it again once it is consumed; binding the reveal to the claimant keeps a third party from renewing an
/// expired claim on the claimant's behalf. Committing a commitment that is still pending changes nothing (a copy
/// can neither make its author's commit fail nor delay its reveal). A claim lasts `CLAIM_TTL` seconds; an
/// expired claim frees the prompt for new claims. Minting consumes the claim.
/// @dev Compute commitments off-chain: {makeCommitment} is a convenience for tools and tests, and calling it
/// through a node shows the prompt to that node.
interface IERC7007Claimable is IERC7007 {
    /// @notice Emitted when `commitment` is recorded.
    event Commit(bytes32 indexed commitment);

    /// @notice Emitted when `prompt` is claimed for `owner` (its future token's only possible first owner).
    /// @dev The topic of the indexed `prompt` is keccak256(prompt), i.e. the token id.
    event Claim(bytes indexed prompt, address indexed owner);

    /// @notice No commitment matches the revealed prompt, claimant and salt (never committed, or consumed).
    error ERC7007CommitmentNotFound(bytes32 commitment);

    /// @notice The commitment is younger than `MIN_COMMITMENT_AGE`; it can be revealed from `revealableAt`.
    error ERC7007CommitmentTooNew(bytes32 commitment, uint256 revealableAt);

    /// @notice The commitment is `MAX_COMMITMENT_AGE` old or older; it expired at `expiredAt`.
    error ERC7007CommitmentTooOld(bytes32 commitment, uint256 expiredAt);

    /// @notice `claimer` submitted the reveal of a claim for `claimant`; only the claimant may.
    error ERC7007UnauthorizedClaimer(address claimer, address claimant);

    /// @notice The prompt of `tokenId` has an unexpired claim for `claimant` until `expiresAt`.
    error ERC7007PromptAlreadyClaimed(uint256 tokenId, address claimant, uint256 expiresAt);

    /// @notice The prompt of `tokenId` has already been minted.
    error ERC7007PromptAlreadyMinted(uint256 tokenId);

    /// @notice The prompt of `tokenId` has no claim (never claimed, or its claim was consumed).
    error ERC7007PromptNotClaimed(uint256 tokenId);

    /// @notice The claim of `claimant` on the prompt of `tokenId` expired at `expiredAt`.
    error ERC7007ClaimExpired(uint256 tokenId, address claimant, uint256 expiredAt);

    /// @notice The token `tokenId` would be minted to `receiver`, but its prompt is claimed by `claimant`.
    error ERC7007ReceiverNotClaimant(uint256 tokenId, address receiver, address claimant);

    /// @notice Seconds a commitment must age before it can be revealed (a same-block reveal is always too new).
    function MIN_COMMITMENT_AGE() external view returns (uint256);

    /// @notice Seconds after which an unrevealed commitment expires.
    function MAX_COMMITMENT_AGE() external view returns (uint256);

    /// @notice Seconds a claim lasts; after that the prompt is free to be claimed again.
    function CLAIM_TTL() external view returns (uint256);

    /// @notice The commitment for claiming `prompt` for `claimant`: `keccak256(abi.encode(prompt, claimant, salt))`.
    function makeCommitment(bytes calldata prompt, address claimant, bytes32 salt) external pure returns (bytes32);

    /// @notice Records `commitment` at the current block time. Anyone may commit for anyone.
    /// @dev Emits {Commit}. A no-op (no event) if the same commitment is still pending (younger than
    /// `MAX_COMMITMENT_AGE`): its original time is kept.
    function commit(bytes32 commitment) external;

    /// @notice When `commitment` was recorded (0 if never, or consumed by a claim).
    function commitmentTimestamp(bytes32 commitment) external view returns (uint256);

    /// @notice Reveals a commitment and claims `prompt` for `claimant` until `block.timestamp + CLAIM_TTL`.
    /// @dev Only `claimant` may submit the reveal ({ERC7007UnauthorizedClaimer}). Reverts with
    /// `ERC7007InvalidPromptLength` (IERC7007Zkml) if the prompt is not the model's input length (it could never be
    /// minted). Consumes the commitment. Reverts if the commitment is missing, too new or too old, if the prompt
    /// is already minted, or if it has an unexpired claim (even the same claimant's). Emits {Claim}.
    /// @param prompt The prompt to claim.
    /// @param claimant The only account its token can be minted to; must be the caller.
    /// @param salt The secret that hid the prompt in the commitment.
    /// @return owner The claimant.
    function claim(bytes calldata prompt, address claimant, bytes32 salt) external returns (address owner);

    /// @notice The claim on `prompt`: its claimant and the time it expires (it is live while
    /// `block.timestamp < expiresAt`); `(address(0), 0)` if never claimed or consumed by minting.
    function claimOf(bytes calldata prompt) external view returns (address claimant, uint256 expiresAt);
}
