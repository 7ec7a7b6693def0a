// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;
import {MarketplaceInvariantsTest} from "./MarketplaceInvariants.t.sol";
contract TmpProbe is MarketplaceInvariantsTest {
    function afterInvariant() public override {
        string memory a = string.concat("claim ", _s(handler.successes("claim")), " req ", _s(handler.successes("request")), " ful ", _s(handler.successes("fulfil")));
        string memory b = string.concat(" ref ", _s(handler.successes("refund")), " wR ", _s(handler.successes("withdrawRefund")), " wE ", _s(handler.successes("withdrawEarnings")));
        string memory c = string.concat(" deferred ", _s(handler.ghostDeferred()), " reentrant attempts ", _s(handler.reentrant().attempts()));
        string memory d = string.concat(" err ", _s(uint32(handler.lastErr())), " nErr ", _s(handler.nErr()));
        revert(string.concat(a, b, c, d));
    }
    function _s(uint256 v) internal pure returns (string memory r) { if (v==0) return "0"; while (v>0){ r=string.concat(string(abi.encodePacked(bytes1(uint8(48+v%10)))), r); v/=10;} }
}
