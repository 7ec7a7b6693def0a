"""What a tree template is: one circuit shape, the dataset market's kind of registered model.

A template fixes the test-set capacity N, the features F, the depth d, the classes and the salt sizes; one
circuit, verifying key and verifier serve every tree of its shape (the tree is a hashed parameter). The committed
templates are entries of the one registry, `models.registry`, beside the image models' `ModelSpec`s
(`registry.get(name, TreeTemplate)`, `registry.names(TreeTemplate)`); this module defines the type and the
circuit choices the templates share.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..circuit import CircuitConfig
from .schema import FRAC_BITS

#: The ezkl choices every tree template shares. Scale 4 is the schema's grid, so comparisons are exact; the
#: test set, labels and tree are hashed (one Poseidon commitment each), the count and the binding are public.
#: ezkl's own range checks on inputs and outputs are skipped: the features are clipped to ±8 by the schema, the
#: outputs are a count, a row count and 16-bit binding limbs, all far inside the 128^4 decomposition (and an
#: out-of-range input makes the witness fail, it cannot change a count). Saves ~28% of the rows.
TREE_CIRCUIT = CircuitConfig(
    input_scale=FRAC_BITS,
    param_scale=FRAC_BITS,
    num_inner_cols=1,
    decomp_base=128,
    decomp_legs=4,
    input_visibility="hashed",
    param_visibility="hashed",
    output_visibility="public",
    scale_rebase_multiplier=10,
    ignore_range_check_inputs_outputs=True,
)

#: The request binding enters the circuit as BIND_LIMBS limbs of BIND_BITS bits (exact in ezkl's f32 inputs).
BIND_LIMBS = 8
BIND_BITS = 16


#: The buyer-scale circuit: as TREE_CIRCUIT, with range checks decomposed as 2,048^2 instead of 128^4 (fewer legs
#: per comparison: 1,043 rows per test row at depth 5 instead of 1,252, so a 250-row chunk fits 2^18 rows).
CHUNK_CIRCUIT = replace(TREE_CIRCUIT, decomp_base=2048, decomp_legs=2)


@dataclass(frozen=True)
class TreeTemplate:
    """The shape a tree circuit is built for, and the bundled scikit-learn dataset of its reference tree.

    A template's test set is `chunks` chunks of `rows` rows; one circuit (one proving key, one verifier) proves one
    chunk, and a request of n rows is answered by ceil(n / rows) proofs, summed by the market into one receipt."""

    name: str
    dataset: str
    rows: int  # rows per chunk: the circuit's N (a chunk of 1..rows real rows, padded to `rows`)
    features: int
    depth: int
    classes: int
    chunks: int = 1  # chunks per test set: the capacity is chunks x rows
    salt_nodes: int = 8  # the tree's salt (hides the tree behind its commitment)
    label_salt: int = 8  # the customer's salt per chunk (hides the labels behind their hash)
    bind_limbs: int = BIND_LIMBS
    circuit: CircuitConfig = field(default=TREE_CIRCUIT)

    @property
    def capacity(self) -> int:
        """The largest test set a request may commit to: chunks x rows."""
        return self.chunks * self.rows

    def chunks_for(self, rows: int) -> int:
        """How many chunk proofs a test set of `rows` real rows needs: ceil(rows / chunk rows)."""
        return -(-rows // self.rows)

    def shape_key(self) -> tuple[int, int, int, int, int]:
        return (self.rows, self.features, self.depth, self.classes, self.salt_nodes)
