"""Tree templates through the shared proof pipeline: build, prove, open. The tree model itself lives in
`models.trees`, the templates in the one registry (`models.registry`)."""

from .prove import (
    ChunkedProof,
    Opening,
    TreeProof,
    bind_limbs,
    build,
    export_reference,
    open_tree,
    output_scale,
    prove,
    test_set_commitment,
    test_set_hashes,
)

__all__ = [
    "ChunkedProof",
    "Opening",
    "TreeProof",
    "bind_limbs",
    "build",
    "export_reference",
    "open_tree",
    "output_scale",
    "prove",
    "test_set_commitment",
    "test_set_hashes",
]
