// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {TestBase} from "./utils/Vm.sol";
import {IERC7007} from "../../contracts/interfaces/IERC7007.sol";
import {IERC7007Claimable} from "../../contracts/interfaces/IERC7007Claimable.sol";
import {IERC7007Enumerable} from "../../contracts/interfaces/IERC7007Enumerable.sol";
import {IERC7007Mintable} from "../../contracts/interfaces/IERC7007Mintable.sol";
import {IERC7007Zkml} from "../../contracts/interfaces/IERC7007Zkml.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {IERC7572} from "../../contracts/interfaces/IERC7572.sol";

/// @notice The contracts report `type(I).interfaceId`; these are the published and documented values
/// (ERC-7007 and its Enumerable extension; docs/contracts.md for the rest). tests/test_erc7007_interfaces.py
/// checks the same values from the signatures and against a deployed collection's `supportsInterface`.
contract InterfaceIdsTest is TestBase {
    function test_interfaceIdsEqualPublishedValues() public pure {
        assertTrue(type(IERC7007).interfaceId == 0x702c55a6, "IERC7007");
        assertTrue(type(IERC7007Enumerable).interfaceId == 0xfa1a557a, "IERC7007Enumerable");
        assertTrue(type(IERC7007Claimable).interfaceId == 0xd40b3eaa, "IERC7007Claimable");
        assertTrue(type(IERC7007Mintable).interfaceId == 0xa789d5f0, "IERC7007Mintable");
        assertTrue(type(IERC7007Zkml).interfaceId == 0xcf1552cd, "IERC7007Zkml");
        assertTrue(type(IERC2981).interfaceId == 0x2a55205a, "IERC2981");
        assertTrue(type(IERC7572).interfaceId == 0xe8a3d485, "IERC7572");
    }
}
