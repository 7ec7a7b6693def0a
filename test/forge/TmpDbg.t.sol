// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;
import {TestBase} from "./utils/Vm.sol";
import {MarketplaceHandler} from "./MarketplaceHandler.sol";
contract TmpDbg is TestBase {
    function test_dbg() public {
        MarketplaceHandler h = new MarketplaceHandler();
        h.claim(0, 5, 0);
        h.request(1, 0, 0, 1, 1, 1);
        require(h.market().requestCount() == 1, "no request");
    }
}
