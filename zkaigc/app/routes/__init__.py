"""The app's routes, one router per concern: `chain` (the deployment, the contracts and their enums, a request's
progress), `previews` (a prompt, a text or a photo on every model), `rpc` (the JSON-RPC pass-through to the node)."""

from . import chain, previews, rpc

ROUTERS = (chain.router, previews.router, rpc.router)
