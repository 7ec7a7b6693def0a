// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {Halo2Verdict} from "../../libraries/Halo2Verdict.sol";
import {IDatasetMarket} from "../interfaces/IDatasetMarket.sol";

/// @title ChunkProofs
/// @notice {DatasetMarket}'s checks of a request's chunk proofs: each chunk's binding to the request and its position,
/// one model commitment, whole rows and counts, the test-set commitment over the chunk hashes, the sums, and the
/// verifier on every proof. Internal functions, inlined into the market; every rejection is an {IDatasetMarket}
/// error. The instance layout is proofs/trees/prove.py's.
library ChunkProofs {
    /// @notice The request binding enters a proof as this many 16-bit limbs (128 bits).
    uint256 internal constant BINDING_LIMBS = 8;

    /// @notice Public instances of every chunk proof: six and the binding limbs.
    uint256 internal constant INSTANCES = _BIND + BINDING_LIMBS;

    /// @dev Instance layout. Instance 2, the Poseidon hash of the binding limbs (a hashed input), is not checked: the
    /// limbs themselves are public outputs, checked one by one.
    uint256 private constant _X_HASH = 0;
    uint256 private constant _Y_HASH = 1;
    uint256 private constant _MODEL = 3;
    uint256 private constant _COUNT = 4;
    uint256 private constant _ROWS = 5;
    uint256 private constant _BIND = 6;

    /// @dev The rows and binding outputs are at the circuit's input scale: the schema's 1/16 grid.
    uint256 private constant _INPUT_SCALE = 4;
    uint256 private constant _LIMB_BITS = 16;
    uint256 private constant _LIMB_MASK = (1 << _LIMB_BITS) - 1;
    uint256 private constant _BINDING_MASK = (1 << (_LIMB_BITS * BINDING_LIMBS)) - 1;

    /// @notice {IDatasetMarket-fulfil}'s checks of every chunk's instances against the request: binding, one model, whole rows and
    /// counts, the commitment over the chunk hashes, the rows' sum and the threshold. Returns the summed count of
    /// correct rows and the model commitment.
    function check(
        uint256 requestId,
        uint256 datasetId,
        IDatasetMarket.Request storage req,
        IDatasetMarket.Template storage template,
        uint256[][] calldata instances
    ) internal view returns (uint32 correct, uint256 model) {
        uint256[] memory hashes = new uint256[](2 * instances.length);
        if (instances[0].length != INSTANCES) {
            revert IDatasetMarket.InvalidInstanceCount(requestId, 0, instances[0].length);
        }
        model = instances[0][_MODEL]; // every chunk must prove this one tree
        uint256 rows = 0;
        uint256 right = 0;
        for (uint256 i = 0; i < instances.length; ++i) {
            (uint256 chunkRows, uint256 chunkRight) = _chunk(requestId, datasetId, i, template, instances, model);
            rows += chunkRows;
            right += chunkRight;
            hashes[2 * i] = instances[i][_X_HASH];
            hashes[2 * i + 1] = instances[i][_Y_HASH];
        }
        if (rows != req.rows) revert IDatasetMarket.RowsMismatch(requestId, req.rows, rows);
        bytes32 commitment = keccak256(abi.encodePacked(hashes));
        if (commitment != req.testSetCommitment) {
            revert IDatasetMarket.TestSetMismatch(requestId, req.testSetCommitment, commitment);
        }
        correct = uint32(right); // right <= rows == req.rows, a uint32
        if (correct < req.minCorrect) revert IDatasetMarket.CountBelowThreshold(requestId, correct, req.minCorrect);
    }

    /// @dev One chunk's checks: its instance count, its binding, the one model; returns its rows and correct rows.
    function _chunk(
        uint256 requestId,
        uint256 datasetId,
        uint256 chunk,
        IDatasetMarket.Template storage template,
        uint256[][] calldata instances,
        uint256 model
    ) private view returns (uint256 rows, uint256 right) {
        uint256[] calldata inst = instances[chunk];
        if (inst.length != INSTANCES) revert IDatasetMarket.InvalidInstanceCount(requestId, chunk, inst.length);
        _checkBinding(requestId, datasetId, chunk, instances.length, inst);
        if (inst[_MODEL] != model) revert IDatasetMarket.ModelMismatch(requestId, chunk, model, inst[_MODEL]);
        return _chunkCounts(requestId, chunk, template, inst);
    }

    /// @dev One chunk's real rows (a whole number up to the template's chunk) and correct rows (a whole number up
    /// to its rows), from its instances.
    function _chunkCounts(
        uint256 requestId,
        uint256 chunk,
        IDatasetMarket.Template storage template,
        uint256[] calldata inst
    ) private view returns (uint256 rows, uint256 right) {
        rows = inst[_ROWS] >> _INPUT_SCALE;
        if (rows << _INPUT_SCALE != inst[_ROWS] || rows > template.chunkRows) {
            revert IDatasetMarket.InvalidChunkRows(requestId, chunk, inst[_ROWS]);
        }
        uint8 scale = template.outputScale;
        right = inst[_COUNT] >> scale;
        if (right << scale != inst[_COUNT] || right > rows) {
            revert IDatasetMarket.InvalidCount(requestId, chunk, inst[_COUNT], rows);
        }
    }

    /// @dev The chunk's binding limbs are {IDatasetMarket-requestBinding}`(requestId, chunk)`'s: a proof made for another chunk,
    /// request, dataset, market or chain cannot be used here (the verifier rejects a proof whose limbs were
    /// rewritten: they are outputs). A proof for another chunk of this request is named as such.
    function _checkBinding(uint256 requestId, uint256 datasetId, uint256 chunk, uint256 chunks, uint256[] calldata inst)
        private
        view
    {
        uint256 bound = binding(datasetId, requestId, chunk);
        for (uint256 limb = 0; limb < BINDING_LIMBS; ++limb) {
            uint256 expected = _limb(bound, limb);
            if (inst[_BIND + limb] == expected) continue;
            // The failure path only: which chunk of this request, if any, the proof was made for.
            for (uint256 other = 0; other < chunks; ++other) {
                if (other != chunk && _carries(inst, binding(datasetId, requestId, other))) {
                    revert IDatasetMarket.ChunkOutOfOrder(requestId, chunk, other);
                }
            }
            revert IDatasetMarket.BindingMismatch(requestId, chunk, limb, expected, inst[_BIND + limb]);
        }
    }

    /// @dev Whether the instances' binding limbs are exactly `bound`'s.
    function _carries(uint256[] calldata inst, uint256 bound) private pure returns (bool) {
        for (uint256 limb = 0; limb < BINDING_LIMBS; ++limb) {
            if (inst[_BIND + limb] != _limb(bound, limb)) return false;
        }
        return true;
    }

    /// @dev Binding limb `limb` as the circuit outputs it: 16 bits of the binding at the input scale.
    function _limb(uint256 bound, uint256 limb) private pure returns (uint256) {
        return ((bound >> (_LIMB_BITS * limb)) & _LIMB_MASK) << _INPUT_SCALE;
    }

    /// @notice The template's verifier on every chunk's proof ({Halo2Verdict-ask}): static calls to a generated
    /// contract the owner registered; `InvalidProof(requestId, chunk)` for the first it does not accept (it returns
    /// anything but `true`, reverts, or runs out of gas).
    function verifyAll(uint256 requestId, address verifier, bytes[] calldata proofs, uint256[][] calldata instances)
        internal
        view
    {
        for (uint256 chunk = 0; chunk < proofs.length; ++chunk) {
            // Out of gas is no verdict, but it fails the fulfilment all the same: as a rejection of the chunk, so
            // the second answer (out of gas or not) is not read.
            // slither-disable-next-line unused-return
            (bool valid,) = Halo2Verdict.ask(verifier, proofs[chunk], instances[chunk]);
            if (!valid) revert IDatasetMarket.InvalidProof(requestId, chunk);
        }
    }

    /// @notice {IDatasetMarket-requestBinding}: the low 128 bits of keccak256(chain id, this market, dataset, request,
    /// chunk). Using a given proof
    /// elsewhere needs a chunk whose binding equals that proof's: a 128-bit second preimage.
    function binding(uint256 datasetId, uint256 requestId, uint256 chunk) internal view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), datasetId, requestId, chunk))) & _BINDING_MASK;
    }

    /// @notice The chunk proofs a request of `rows` real rows takes: ceil(rows / chunkRows) (rows >= 1).
    function chunksFor(uint32 rows, uint32 chunkRows) internal pure returns (uint256) {
        return (uint256(rows) + chunkRows - 1) / chunkRows;
    }
}
