// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {TestBase} from "./utils/Vm.sol";
import {StubVerifier} from "../../contracts/test/StubVerifier.sol";
import {ERC7007TraitCollection} from "../../contracts/ERC7007TraitCollection.sol";
import {IERC7007TraitPrompt} from "../../contracts/interfaces/IERC7007TraitPrompt.sol";
import {ModelCard} from "../../contracts/types/ModelCard.sol";
import {ModelEncoding} from "../../contracts/types/ModelEncoding.sol";

/// @notice The trait check (one calldata word read in assembly, limits packed in an immutable) against the obvious
/// byte-by-byte loop over the table's counts, for fuzzed prompts, fuzzed limits and every prompt length.
contract TraitPromptTest is TestBase {
    uint256 internal constant POSITIONS = 5;

    function _table(uint256[POSITIONS] memory limits) private pure returns (bytes memory table) {
        for (uint256 p; p < POSITIONS; ++p) {
            table = bytes.concat(table, bytes1(0x01), bytes1(uint8(0x61 + p)), bytes2(uint16(limits[p])));
            for (uint256 v; v < limits[p]; ++v) {
                table = bytes.concat(table, bytes1(0x01), bytes1(uint8(0x30 + (v % 10))));
            }
        }
    }

    function _collection(uint256[POSITIONS] memory limits) private returns (ERC7007TraitCollection) {
        ModelEncoding memory enc = ModelEncoding({
            inputLen: uint32(POSITIONS),
            outputLen: 16,
            inputScale: 7,
            outputScale: 7,
            width: 4,
            height: 4,
            channels: 1,
            render: 1,
            digitBits: 7
        });
        ModelCard memory card = ModelCard({description: "d", license: "CC0-1.0", srsKind: "development", royaltyBps: 0});
        return new ERC7007TraitCollection(
            "Traits",
            "T",
            address(new StubVerifier(1)),
            bytes32(uint256(1)),
            enc,
            address(0),
            address(0xBEEF),
            card,
            _table(limits)
        );
    }

    function testFuzz_checkPromptAgreesWithTheObviousLoop(uint64 limitSeed, bytes32 promptSeed, uint8 lengthSeed)
        public
    {
        uint256[POSITIONS] memory limits;
        for (uint256 p; p < POSITIONS; ++p) {
            limits[p] = 1 + (uint256(uint8(limitSeed >> (8 * p))) % 12); // small tables: 1..12 ids
        }
        ERC7007TraitCollection collection = _collection(limits);
        uint256 length = lengthSeed % (POSITIONS + 2); // shorter, exact and longer prompts
        bytes memory prompt = new bytes(length);
        for (uint256 i; i < length; ++i) {
            // mostly near the limit, where an off-by-one would show
            uint8 raw = uint8(promptSeed[i]);
            prompt[i] = bytes1(i < POSITIONS && raw % 2 == 0 ? uint8(limits[i] - 1 + (raw >> 7)) : raw);
        }
        uint256 failing = type(uint256).max;
        for (uint256 i; i < length && i < POSITIONS; ++i) {
            if (uint8(prompt[i]) >= limits[i]) {
                failing = i;
                break;
            }
        }
        if (failing == type(uint256).max) {
            collection.checkPrompt(prompt);
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC7007TraitPrompt.ERC7007PromptTraitOutOfRange.selector,
                    failing,
                    string(abi.encodePacked(bytes1(uint8(0x61 + failing)))),
                    uint256(uint8(prompt[failing])),
                    limits[failing]
                )
            );
            collection.checkPrompt(prompt);
        }
    }
}
