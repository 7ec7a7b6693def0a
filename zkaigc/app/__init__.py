"""The zkaigc web app: try a prompt (or a photo) on every listed model, mint it, browse the collection.

- `preview`: the model-serving preview: the exact circuit output of a prompt (ezkl witness, no proof), cached by
  (model, prompt), with a cap on concurrent witness jobs; and the (unproven) encoder that maps a photo to a prompt.
- `ratelimit`: a per-client token bucket (429 past the limit).
- `chainview`: what the pages need from the chain: the manifest's models and their prices, the ABIs exported from
  Ape's build, the contracts' error docs (for decoding reverts in words).
- `api`: the FastAPI app: `/api/*` JSON routes, a JSON-RPC pass-through to the node, and the static pages.
- `server`: `make app` (`ape run app`): start or attach to a chain, deploy if needed, run the prover in-process, serve.
- `static/`: three plain HTML pages with ES modules and ethers 6 (vendored from npm into `static/vendor/`).
"""
