"""A decision tree as circuit parameters, and the circuit that counts its correct predictions.

A tree of depth at most d is padded to the *complete* binary tree of depth d (I = 2^d - 1 internal nodes in heap
order, L = 2^d leaves). The circuit's inputs are the test features x (N, F), the label vector
y = [labels (N) | mask (N) | label salt (S')] and the request binding `bind` (K limbs):

    cmp  = (x @ A <= B)                 (N, I)  1 = the row goes left at that node
    path: level by level, left = path·cmp, right = path - left    (N, L)  one-hot: the row's leaf
    pred = path @ v                     (N,)    the leaf's class
    ok   = relu(1 - 16|pred - label|)   (N,)    1 if right, 0 if wrong (pred sits on the 1/16 grid)
    correct = Σ ok·mask,  rows = Σ mask,  bind_out = bind

A (F×I) selects each node's feature, B holds the thresholds and v the leaf classes: the circuit's *parameters*,
hashed into one public commitment, so one circuit (one verifier) serves every tree of a shape. The topology of a
complete tree is fixed, so the path is 2^(d+1) - 2 products per row, not the I×L of a GEMM over path matrices.
Each row adds 0 or 1 whatever the parameters; a padding row (mask 0) adds nothing. The label salt only enters
the labels' hash (labels are low-entropy); `bind` is the request binding the contract computes, passed through
to a public output so the proof holds for that one request.

The commitment of a small tree could be found by enumerating trees, so every tree carries a random *salt*: S
thresholds compared with the first label, `salted = relu(-sum(y[0] <= salt))`, which is 0 whatever the salt (a
sum of 0/1 terms, negated, through a ReLU) and is added to the count. Comparing with an input keeps ONNX export
from folding the salt away; it costs S comparisons, not N·S.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from .errors import TreeError
from .schema import FeatureSchema

#: Salt thresholds are multiples of 1/16 in [PAD, PAD + 2^SALT_BITS / 16): SALT_BITS of entropy each, small
#: enough that the comparison stays inside the circuit's range checks (128^4).
SALT_BITS = 20
#: The threshold of a padding node: above every clipped feature, so a padded node always sends a row left.
PAD = 16.0


class TreeParams(BaseModel):
    """A complete tree of a template's depth, as delivered to the customer: the opening of its commitment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    features: int
    feature: list[int]  # per internal node (heap order): the feature it splits on
    threshold: list[float]  # per internal node: go left if x[feature] <= threshold (on the schema's grid)
    leaf_class: list[int]  # per leaf: the predicted class
    salt: list[float]  # random thresholds: they enter the commitment, never a prediction

    @property
    def depth(self) -> int:
        return len(self.leaf_class).bit_length() - 1

    def validate_shape(self, features: int, depth: int, salt_nodes: int, classes: int) -> None:
        """A clear error unless this tree fits a template's shape."""
        internal = 2**depth - 1
        problems = []
        if self.features != features:
            problems.append(f"{self.features} features, template has {features}")
        if len(self.feature) != internal or len(self.threshold) != internal or len(self.leaf_class) != internal + 1:
            problems.append(f"not a complete tree of depth {depth}")
        if len(self.salt) != salt_nodes:
            problems.append(f"{len(self.salt)} salt nodes, template has {salt_nodes}")
        if any(not 0 <= f < features for f in self.feature):
            problems.append("a node splits on a feature the template does not have")
        if any(not 0 <= c < classes for c in self.leaf_class):
            problems.append(f"a leaf predicts a class outside 0..{classes - 1}")
        if problems:
            raise TreeError("tree does not fit the template: " + "; ".join(problems))

    def predict(self, xq: np.ndarray) -> np.ndarray:
        """The tree's classes for rows already on the schema's grid (what the circuit computes, in numpy)."""
        xq = np.asarray(xq, dtype=np.float64)
        internal = len(self.feature)
        node = np.zeros(len(xq), dtype=np.int64)
        feature, threshold = np.asarray(self.feature), np.asarray(self.threshold)
        while True:
            inside = node < internal
            if not inside.any():
                break
            f, t = feature[node[inside]], threshold[node[inside]]
            left = xq[inside, f] <= t
            node[inside] = np.where(left, 2 * node[inside] + 1, 2 * node[inside] + 2)
        return np.asarray(self.leaf_class)[node - internal]

    def matrices(self) -> dict[str, np.ndarray]:
        """A (node features, one-hot), B (thresholds) and v (leaf classes), and the salt: the circuit's parameters."""
        internal = len(self.feature)
        a = np.zeros((self.features, internal))
        a[self.feature, np.arange(internal)] = 1.0
        return {
            "A": a,
            "B": np.asarray(self.threshold, dtype=np.float64),
            "v": np.asarray(self.leaf_class, dtype=np.float64),
            "salt": np.asarray(self.salt, dtype=np.float64),
        }


def random_salt(nodes: int) -> list[float]:
    """Fresh salt thresholds from the OS's CSPRNG, on the 1/16 grid."""
    return [PAD + secrets.randbelow(2**SALT_BITS) / 16 for _ in range(nodes)]


def from_sklearn(clf, schema: FeatureSchema, depth: int, salt: list[float]) -> TreeParams:
    """A fitted `DecisionTreeClassifier` (trained on grid values) as a complete tree of `depth`.

    A node scikit-learn left unsplit above depth d becomes padding nodes (threshold PAD: always left) whose
    leaves all carry its class. Thresholds are snapped down onto the grid, which keeps every split exact.
    """
    t = clf.tree_
    if t.max_depth > depth:
        raise TreeError(f"the tree is {t.max_depth} deep; the template allows {depth}")
    classes = np.asarray(clf.classes_)
    internal = 2**depth - 1
    feature = [0] * internal
    threshold = [PAD] * internal
    leaf_class = [0] * (internal + 1)

    def fill(sk: int, heap: int, level: int) -> None:
        if level == depth:
            leaf_class[heap - internal] = int(classes[int(np.argmax(t.value[sk]))])
            return
        if t.children_left[sk] == -1:  # a leaf above the bottom: pad, both subtrees keep its class
            fill(sk, 2 * heap + 1, level + 1)
            fill(sk, 2 * heap + 2, level + 1)
            return
        feature[heap] = int(t.feature[sk])
        threshold[heap] = schema.snap_threshold(float(t.threshold[sk]))
        fill(int(t.children_left[sk]), 2 * heap + 1, level + 1)
        fill(int(t.children_right[sk]), 2 * heap + 2, level + 1)

    fill(0, 0, 0)
    return TreeParams(
        features=schema.features, feature=feature, threshold=threshold, leaf_class=leaf_class, salt=list(salt)
    )


def accuracy_module(params: TreeParams, rows: int):
    """The torch module (x (N,F), y (2N+S,), bind (K,)) -> (correct, rows counted, bind), the tree its parameters."""
    import torch
    from torch import nn

    depth = params.depth

    class TreeAccuracy(nn.Module):
        def __init__(self, m: dict[str, np.ndarray]):
            super().__init__()
            for key, value in m.items():
                self.register_parameter(
                    key, nn.Parameter(torch.tensor(value, dtype=torch.float32), requires_grad=False)
                )

        def forward(self, x, y, bind):
            labels, mask = y[:rows], y[rows : 2 * rows]
            cmp = (x @ self.A <= self.B).float()  # (N, I): 1 = left
            # The leaf one-hot, level by level: a child is on the path if its parent is and the parent's test
            # sends the row its way. The topology is fixed, so this costs 2^(d+1) - 2 products per row.
            path = torch.ones_like(cmp[:, :1])
            for level in range(depth):
                go_left = cmp[:, 2**level - 1 : 2 ** (level + 1) - 1]
                left = path * go_left
                path = torch.stack([left, path - left], dim=2).reshape(cmp.shape[0], 2 ** (level + 1))
            pred = path @ self.v
            d = pred - labels
            # ONNX Equal is miscomputed by ezkl 23.0.5: a ReLU tent instead, exactly 0 or 1 on the 1/16 grid.
            ok = torch.relu(1.0 - 16.0 * torch.relu(d) - 16.0 * torch.relu(-d))
            salted = torch.relu(-(labels[:1].unsqueeze(1) <= self.salt).float().sum())
            correct = ((ok * mask).sum() + salted).reshape(1)
            return correct, mask.sum().reshape(1), bind + 0.0 * correct

    return TreeAccuracy(params.matrices()).eval()


def export_onnx(params: TreeParams, rows: int, label_salt: int, bind_limbs: int, path: Path) -> Path:
    """The accuracy circuit of `params` for `rows` test rows, as ONNX (opset 17)."""
    import torch

    module = accuracy_module(params, rows)
    x = torch.zeros((rows, params.features), dtype=torch.float32)
    y = torch.zeros((2 * rows + label_salt,), dtype=torch.float32)
    bind = torch.zeros((bind_limbs,), dtype=torch.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        module,
        (x, y, bind),
        str(path),
        input_names=["x", "y", "bind"],
        output_names=["correct", "rows", "bind_out"],
        opset_version=17,
        dynamo=False,
    )
    return path
