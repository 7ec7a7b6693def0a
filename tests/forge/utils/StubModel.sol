// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;

import {ModelCard} from "../../../contracts/types/ModelCard.sol";
import {ModelEncoding} from "../../../contracts/types/ModelEncoding.sol";

/// @notice The stub model the forge campaigns list: a 2×2 single-channel image of 7-bit digits from a 2-value
/// prompt, proven by a `StubVerifier`, under a development-SRS model card.
library StubModel {
    function encoding() internal pure returns (ModelEncoding memory) {
        return ModelEncoding({
            inputLen: 2,
            outputLen: 4,
            inputScale: 4,
            outputScale: 8,
            width: 2,
            height: 2,
            channels: 1,
            render: 1,
            digitBits: 7
        });
    }

    function card(uint16 royaltyBps) internal pure returns (ModelCard memory) {
        return
            ModelCard({
                description: "A stub model.", license: "CC0-1.0", srsKind: "development", royaltyBps: royaltyBps
            });
    }
}
