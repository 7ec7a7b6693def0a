// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {IERC7007Zkml} from "../interfaces/IERC7007Zkml.sol";

/// @title Chunked SSTORE2-style storage: bytes kept as the code of data contracts
/// @notice Writing code costs 200 gas per byte against 22,100 gas per 32-byte storage slot (≈690 per byte), and
/// reading is one EXTCODECOPY. A data contract's code is a STOP byte followed by the data, so it can never be
/// called into anything meaningful. Data longer than one contract may hold (EIP-170: 24,576 bytes of code)
/// is split into chunks; chunk `i` holds bytes `[i * MAX_CHUNK_SIZE, (i + 1) * MAX_CHUNK_SIZE)`.
library BytecodeStorage {
    /// @notice Data bytes per data contract: EIP-170's code size limit minus the leading STOP byte.
    uint256 internal constant MAX_CHUNK_SIZE = 24_575;

    /// @dev Initcode that returns everything after its own 10 bytes as the new contract's code:
    /// PUSH2 size, DUP1, PUSH1 0x0a, RETURNDATASIZE(0), CODECOPY, RETURNDATASIZE(0), RETURN. Written as
    /// `0x61 ‖ size(2 bytes) ‖ 0x80600a3d393df3`, followed by the STOP byte 0x00 and the data.
    uint256 private constant _INITCODE_TAIL = 0x80600a3d393df3;

    /// @notice How many data contracts `length` bytes take.
    function chunkCount(uint256 length) internal pure returns (uint256) {
        return (length + MAX_CHUNK_SIZE - 1) / MAX_CHUNK_SIZE;
    }

    /// @notice Stores `head ‖ tail` in new data contracts and records chunk `i`'s address at `pointers[i]`.
    /// @dev Reverts with {IERC7007Zkml-BytecodeStorageWriteFailed} if creating a data contract fails (out of gas):
    /// the error belongs to the collection's data-attaching mint, the only writer.
    function write(mapping(uint256 => address) storage pointers, bytes calldata head, bytes calldata tail) internal {
        uint256 total = head.length + tail.length;
        uint256 buffer;
        assembly ("memory-safe") {
            // Scratch memory past the free memory pointer, reused for every chunk and never read afterwards.
            buffer := mload(0x40)
        }
        for (uint256 i; i * MAX_CHUNK_SIZE < total; ++i) {
            uint256 start = i * MAX_CHUNK_SIZE;
            uint256 end = total - start > MAX_CHUNK_SIZE ? start + MAX_CHUNK_SIZE : total;
            address pointer = _create(buffer, head, tail, start, end);
            if (pointer == address(0)) revert IERC7007Zkml.BytecodeStorageWriteFailed(i);
            pointers[i] = pointer;
        }
    }

    /// @notice Stores `head ‖ tail`, at most {MAX_CHUNK_SIZE} bytes, in one new data contract and returns it.
    /// @dev Reverts with {IERC7007Zkml-BytecodeStorageWriteFailed}`(0)` if creating it fails (out of gas). The
    /// caller bounds the length (a longer write would fail the same way: EIP-170).
    function writeOne(bytes calldata head, bytes calldata tail) internal returns (address pointer) {
        uint256 buffer;
        assembly ("memory-safe") {
            buffer := mload(0x40)
        }
        pointer = _create(buffer, head, tail, 0, head.length + tail.length);
        if (pointer == address(0)) revert IERC7007Zkml.BytecodeStorageWriteFailed(0);
    }

    /// @notice Stores `data`, at most {MAX_CHUNK_SIZE} bytes, in one new data contract and returns it (for data
    /// built in memory, e.g. a constructor argument).
    /// @dev Reverts with {IERC7007Zkml-BytecodeStorageWriteFailed}`(0)` if creating it fails (out of gas, or longer
    /// than EIP-170 allows).
    function writeMemory(bytes memory data) internal returns (address pointer) {
        if (data.length > MAX_CHUNK_SIZE) revert IERC7007Zkml.BytecodeStorageWriteFailed(0);
        bytes memory initcode =
            abi.encodePacked(bytes1(0x61), uint16(data.length + 1), bytes7(uint56(_INITCODE_TAIL)), bytes1(0x00), data);
        assembly ("memory-safe") {
            pointer := create(0, add(initcode, 0x20), mload(initcode))
        }
        if (pointer == address(0)) revert IERC7007Zkml.BytecodeStorageWriteFailed(0);
    }

    /// @notice Bytes `[start, end)` of the data in the one data contract `pointer`.
    function readAt(address pointer, uint256 start, uint256 end) internal view returns (bytes memory data) {
        data = new bytes(end - start);
        assembly ("memory-safe") {
            extcodecopy(pointer, add(data, 0x20), add(1, start), sub(end, start))
        }
    }

    /// @dev Creates a data contract holding bytes `[start, end)` of `head ‖ tail`, building its initcode in scratch
    /// memory at `buffer`; returns zero if the creation failed.
    function _create(uint256 buffer, bytes calldata head, bytes calldata tail, uint256 start, uint256 end)
        private
        returns (address pointer)
    {
        uint256 size = end - start + 1; // data plus the leading STOP byte
        assembly ("memory-safe") {
            // 0x61 ‖ size ‖ tail ‖ 0x00 in the first 11 bytes; the data is copied over the rest.
            mstore(buffer, or(or(shl(248, 0x61), shl(232, size)), shl(176, _INITCODE_TAIL)))
        }
        _copy(buffer + 11, head, tail, start, end);
        assembly ("memory-safe") {
            pointer := create(0, buffer, add(size, 10))
        }
    }

    /// @notice Bytes `[start, end)` of the data stored through `pointers`.
    /// @dev Chunks that were never written read as zeros; callers check existence first.
    function read(mapping(uint256 => address) storage pointers, uint256 start, uint256 end)
        internal
        view
        returns (bytes memory data)
    {
        data = new bytes(end - start);
        uint256 dst;
        assembly ("memory-safe") {
            dst := add(data, 0x20)
        }
        // Floor division on purpose: `i` is the chunk holding `start`, and `i * MAX_CHUNK_SIZE` that chunk's start.
        // slither-disable-next-line divide-before-multiply
        uint256 i = start / MAX_CHUNK_SIZE;
        while (start < end) {
            uint256 chunkStart = i * MAX_CHUNK_SIZE;
            uint256 n = end - chunkStart > MAX_CHUNK_SIZE ? chunkStart + MAX_CHUNK_SIZE - start : end - start;
            address pointer = pointers[i];
            assembly ("memory-safe") {
                extcodecopy(pointer, dst, add(1, sub(start, chunkStart)), n)
            }
            dst += n;
            start += n;
            ++i;
        }
    }

    /// @dev Copies bytes `[start, end)` of `head ‖ tail` to memory at `dst`.
    function _copy(uint256 dst, bytes calldata head, bytes calldata tail, uint256 start, uint256 end) private pure {
        if (start < head.length) {
            uint256 n = (end < head.length ? end : head.length) - start;
            assembly ("memory-safe") {
                calldatacopy(dst, add(head.offset, start), n)
            }
            dst += n;
            start += n;
        }
        if (start < end) {
            uint256 from = start - head.length;
            assembly ("memory-safe") {
                calldatacopy(dst, add(tail.offset, from), sub(end, start))
            }
        }
    }
}
