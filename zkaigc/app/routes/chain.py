"""What the pages read about the deployment: health, the chain config, the models and their prices, the contracts'
ABIs and error notices, the contracts' enums (so no page hard-codes them), and the embedded prover's progress."""

from __future__ import annotations

from fastapi import APIRouter

from ...enums import CurveType, RequestStatus
from ..chainview import model_info
from ..deps import State
from ..errors import ApiError

router = APIRouter(prefix="/api")

#: The Solidity enums the pages compare with (`zkaigc.enums`, tested against the sources).
ENUMS = (RequestStatus, CurveType)


@router.get("/health")
def health(state: State) -> dict:
    """Whether the app is up, what it lists, and whether it has a chain."""
    return {"ok": True, "models": state.listed(), "chain": state.chain is not None}


@router.get("/config")
def config(state: State) -> dict:
    """The deployment the pages talk to (`ChainView.config`)."""
    if state.chain is None:
        return {"chainId": None, "models": {}}
    return state.chain.config()


@router.get("/models")
def models(state: State) -> dict:
    """Every listed model with its geometry, collection and price."""
    out = []
    for name in state.listed():
        info = model_info(state.preview.artifacts(name))
        if state.chain:
            info["collection"] = state.chain.collection_of(name)
        out.append({**info, **state.price(name)})
    return {"models": out}


@router.get("/contracts")
def contracts(state: State) -> dict:
    """The contracts' ABIs and error notices from Ape's build."""
    if not state.contracts:
        raise ApiError(503, "no_chain", "the app was started without contracts")
    return state.contracts


@router.get("/enums")
def enums() -> dict[str, dict[str, int]]:
    """The contracts' enums by name: {"RequestStatus": {"NONE": 0, "PENDING": 1, ...}, "CurveType": {...}}."""
    return {enum.__name__: {member.name: member.value for member in enum} for enum in ENUMS}


@router.get("/requests/{request_id}")
def request_progress(request_id: int, state: State) -> dict:
    """What the embedded prover is doing with a request (None: nothing yet, or no embedded prover)."""
    activity = state.prover_activity.get(request_id) if state.prover_activity is not None else None
    return {"requestId": request_id, "prover": activity, "embedded": state.prover_activity is not None}
