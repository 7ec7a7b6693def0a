"""The decision-tree model without ezkl (models.trees): schema, complete-tree padding, test-set chunks, padding
and salt, the torch circuit against numpy."""

import numpy as np
import pytest
import torch
from sklearn.tree import DecisionTreeClassifier

from models import registry
from models.trees import (
    FeatureSchema,
    TestSet,
    TreeError,
    TreeParams,
    TreeTemplate,
    label_salt,
    load_dataset,
    random_salt,
    salt_values,
    split,
    train_tree,
)
from models.trees.circuit import PAD, SALT_BITS, accuracy_module, from_sklearn

IRIS = registry.get("tree-iris-d3", TreeTemplate)


@pytest.fixture(scope="module")
def iris_split():
    features, labels = load_dataset("iris")
    return split(features, labels, 48)


@pytest.fixture(scope="module")
def iris_tree(iris_split):
    (xtr, ytr), _ = iris_split
    schema = FeatureSchema.fit(xtr)
    return train_tree(schema, xtr, ytr, depth=3, salt=random_salt(8)), schema


def circuit_outputs(params: TreeParams, xq, labels, bind=(7.0,) * 8, module=None) -> tuple[float, float, list]:
    """(correct, rows, bind) as the torch circuit computes them on the iris template's chunks of the test set,
    summed over the chunks (what the market does)."""
    module = module or accuracy_module(params, IRIS.rows)
    total, counted = 0.0, 0.0
    for x, y in TestSet(xq, labels, tuple(label_salt(salt_values(IRIS)))).chunk_inputs(IRIS):
        with torch.no_grad():
            correct, rows, out = module(*(torch.tensor(v, dtype=torch.float32) for v in (x, y, bind)))
        total, counted = total + float(correct), counted + float(rows)
    return total, counted, out.tolist()


def circuit_count(params: TreeParams, xq, labels) -> float:
    return circuit_outputs(params, xq, labels)[0]


def test_quantize_puts_every_value_on_the_grid_and_inside_the_clip_if_given_raw_rows(iris_split):
    (xtr, _), (xte, _) = iris_split
    schema = FeatureSchema.fit(xtr)
    xq = schema.quantize(np.vstack([xte, xte * 100]))
    assert np.array_equal(xq * 16, np.round(xq * 16))
    assert xq.min() >= -schema.clip and xq.max() <= schema.clip - schema.step


def test_quantize_raises_if_rows_have_the_wrong_width(iris_split):
    (xtr, _), _ = iris_split
    with pytest.raises(TreeError, match="4 features"):
        FeatureSchema.fit(xtr).quantize(np.zeros((3, 5)))


def test_schema_round_trips_through_json(iris_split):
    schema = FeatureSchema.fit(iris_split[0][0])
    assert FeatureSchema.model_validate_json(schema.model_dump_json()) == schema


def test_from_sklearn_predicts_like_sklearn_if_trained_on_the_grid(iris_split):
    (xtr, ytr), (xte, _) = iris_split
    schema = FeatureSchema.fit(xtr)
    params = train_tree(schema, xtr, ytr, depth=3, salt=[])
    clf = DecisionTreeClassifier(max_depth=3, random_state=0).fit(schema.quantize(xtr), ytr)
    xq = schema.quantize(np.vstack([xte, xtr]))
    assert np.array_equal(params.predict(xq), clf.predict(xq))


@pytest.mark.parametrize("depth", [1, 2, 4])
def test_from_sklearn_pads_a_shallow_tree_to_the_complete_depth(iris_split, depth):
    (xtr, ytr), (xte, _) = iris_split
    schema = FeatureSchema.fit(xtr)
    clf = DecisionTreeClassifier(max_depth=1, random_state=0).fit(schema.quantize(xtr), ytr)
    shallow = from_sklearn(clf, schema, 1, salt=[])
    padded = from_sklearn(clf, schema, depth, salt=[])
    assert len(padded.leaf_class) == 2**depth and padded.threshold.count(PAD) == 2**depth - 2  # one real split
    xq = schema.quantize(xte)
    assert np.array_equal(padded.predict(xq), shallow.predict(xq))


def test_from_sklearn_raises_if_the_tree_is_deeper_than_the_template(iris_split):
    (xtr, ytr), _ = iris_split
    schema = FeatureSchema.fit(xtr)
    clf = DecisionTreeClassifier(max_depth=4, random_state=0).fit(schema.quantize(xtr), ytr)
    with pytest.raises(TreeError, match="allows 2"):
        from_sklearn(clf, schema, 2, salt=[])


def test_circuit_counts_what_the_tree_gets_right_if_given_the_test_set(iris_tree, iris_split):
    params, schema = iris_tree
    _, (xte, yte) = iris_split
    xq = schema.quantize(xte)
    right = int((params.predict(xq) == yte).sum())
    assert 0 < right < len(yte)  # a non-trivial check: some right, some wrong
    assert circuit_count(params, xq, yte) == right


def test_circuit_counts_only_the_real_rows_if_the_test_set_is_padded(iris_tree, iris_split):
    params, schema = iris_tree
    _, (xte, yte) = iris_split
    xq, n = schema.quantize(xte), 20  # one chunk of 24 rows: 4 padding rows
    x, y = TestSet(xq[:n], yte[:n], tuple(label_salt(salt_values(IRIS)))).inputs(IRIS)
    # Label the padding rows with what the tree predicts for them: they would all count, were they not masked.
    y[n : IRIS.rows] = params.predict(x[n:])
    module = accuracy_module(params, IRIS.rows)
    with torch.no_grad():
        correct, rows, _ = module(*(torch.tensor(v, dtype=torch.float32) for v in (x, y, [0.0] * 8)))
    assert (float(correct), float(rows)) == (int((params.predict(xq[:n]) == yte[:n]).sum()), n)
    y[IRIS.rows + n : 2 * IRIS.rows] = 1.0  # the same rows, all counted
    with torch.no_grad():
        assert float(module(*(torch.tensor(v, dtype=torch.float32) for v in (x, y, [0.0] * 8)))[0]) > correct


def test_circuit_passes_the_binding_through_to_its_output(iris_tree, iris_split):
    params, schema = iris_tree
    _, (xte, yte) = iris_split
    bind = [float(v) for v in range(1, 9)]
    assert circuit_outputs(params, schema.quantize(xte), yte, bind)[2] == bind


def test_test_set_inputs_pad_the_rows_and_append_mask_and_salt(iris_split, iris_tree):
    _, schema = iris_tree
    _, (xte, yte) = iris_split
    salt = tuple(label_salt(salt_values(IRIS)))
    x, y = TestSet(schema.quantize(xte[:10]), yte[:10], salt).inputs(IRIS)
    assert x.shape == (IRIS.rows, 4) and not x[10:].any()
    assert np.array_equal(y[:10], yte[:10]) and not y[10 : IRIS.rows].any()
    assert y[IRIS.rows : 2 * IRIS.rows].tolist() == [1.0] * 10 + [0.0] * (IRIS.rows - 10)
    assert tuple(y[2 * IRIS.rows :]) == salt[: IRIS.label_salt]


def test_test_set_chunks_cut_the_rows_in_order_and_salt_each_chunk_apart(iris_split, iris_tree):
    _, schema = iris_tree
    _, (xte, yte) = iris_split
    salt, xq = tuple(label_salt(salt_values(IRIS))), schema.quantize(xte[:30])
    test_set = TestSet(xq, yte[:30], salt)
    assert [test_set.chunks(IRIS), TestSet(xq[:24], yte[:24], salt).chunks(IRIS)] == [2, 1]
    (x0, y0), (x1, y1) = test_set.chunk_inputs(IRIS)
    assert np.array_equal(x0, xq[:24]) and np.array_equal(x1[:6], xq[24:]) and not x1[6:].any()
    assert y0[IRIS.rows : 2 * IRIS.rows].sum() == 24 and y1[IRIS.rows : 2 * IRIS.rows].sum() == 6
    assert tuple(y0[2 * IRIS.rows :]) == salt[:8] and tuple(y1[2 * IRIS.rows :]) == salt[8:]
    with pytest.raises(TreeError, match="no chunk 2"):
        test_set.inputs(IRIS, 2)


def test_circuit_count_ignores_the_salt(iris_tree, iris_split):
    params, schema = iris_tree
    _, (xte, yte) = iris_split
    xq = schema.quantize(xte)
    resalted = params.model_copy(update={"salt": random_salt(8)})
    assert resalted.salt != params.salt
    assert circuit_count(resalted, xq, yte) == circuit_count(params, xq, yte)


def test_circuit_counts_each_row_at_most_once_if_the_leaf_classes_are_not_integers(iris_tree, iris_split):
    params, schema = iris_tree
    _, (xte, yte) = iris_split
    module = accuracy_module(params, IRIS.rows)
    with torch.no_grad():
        module.v.add_(0.5)  # every prediction half-way between two classes: worth nothing, not half a row
    assert circuit_outputs(params, schema.quantize(xte), yte, module=module)[0] == 0.0


def test_random_salt_draws_distinct_values_on_the_grid():
    salt = random_salt(8)
    assert len(set(salt)) == 8
    assert all(PAD <= s < PAD + 2**SALT_BITS / 16 and s * 16 == round(s * 16) for s in salt)


def test_validate_shape_raises_if_the_tree_does_not_fit_the_template(iris_tree):
    params, _ = iris_tree
    wine = registry.get("tree-wine-d4", TreeTemplate)
    with pytest.raises(TreeError, match="13") as err:
        params.validate_shape(wine.features, wine.depth, wine.salt_nodes, wine.classes)
    assert "depth 4" in str(err.value)


def test_registry_get_raises_if_the_template_name_is_unknown():
    with pytest.raises(TreeError, match="tree-iris-d3"):
        registry.get("tree-nope", TreeTemplate)


def test_committed_templates_are_the_registered_ones_if_listed_by_kind():
    from proofs.model_artifacts import artifacts_of, committed_models

    names = ["tree-iris-d3", "tree-wine-d4", "tree-synth13-d5"]
    assert registry.names(TreeTemplate) == committed_models(kind=TreeTemplate) == names
    iris = artifacts_of("tree-iris-d3")  # the one committed handle: a template has no samples
    assert (iris.spec, iris.contract_name, iris.circuits()) == (IRIS, "TreeIrisD3Verifier", [iris])


def test_templates_fit_their_datasets():
    for template in (registry.get(name, TreeTemplate) for name in registry.names(TreeTemplate)):
        features, labels = load_dataset(template.dataset)
        assert features.shape[1] == template.features and len(np.unique(labels)) == template.classes
        assert template.capacity <= len(labels) // 3  # `prepare_sale` holds out at most a third


def test_test_set_check_raises_if_the_size_shape_grid_labels_or_salt_do_not_fit(iris_tree, iris_split):
    _, schema = iris_tree
    _, (xte, yte) = iris_split
    xq, salt = schema.quantize(xte), tuple(label_salt(salt_values(IRIS)))
    for n in (1, 24, 25, 47, 48):
        TestSet(xq[:n], yte[:n], salt).check(IRIS)  # any size up to the capacity fits
    cases = [
        (TestSet(np.vstack([xq, xq[:1]]), np.append(yte, yte[0]), salt), "1 to 48 rows; got 49"),
        (TestSet(xq[:0], yte[:0], salt), "1 to 48 rows; got 0"),
        (TestSet(xq[:, :3], yte, salt), "4 features"),
        (TestSet(xq + 0.01, yte, salt), "grid"),
        (TestSet(xq, np.where(yte == 0, 3, yte), salt), "classes 0..2"),
        (TestSet(xq, yte, salt[:15]), "16 label-salt values; got 15"),
    ]
    for test_set, message in cases:
        with pytest.raises(TreeError, match=message):
            test_set.check(IRIS)


def test_test_set_hashes_change_if_one_feature_moves_one_grid_step_or_the_salt_changes(iris_split, iris_tree):
    from proofs.trees import test_set_hashes

    _, schema = iris_tree
    _, (xte, yte) = iris_split
    xq, salt = schema.quantize(xte), tuple(label_salt(salt_values(IRIS)))
    [(x0, y0), (x1, y1)] = test_set_hashes(IRIS, TestSet(xq, yte, salt))
    moved = xq.copy()
    moved[30, 2] += 1 / 16  # a row of the second chunk: only its features hash moves
    [(mx0, my0), (mx1, my1)] = test_set_hashes(IRIS, TestSet(moved, yte, salt))
    assert (mx0, my0, my1) == (x0, y0, y1) and mx1 != x1
    resalted = test_set_hashes(IRIS, TestSet(xq, yte, tuple(label_salt(salt_values(IRIS)))))
    assert [x for x, _ in resalted] == [x0, x1] and all(
        y != old for (_, y), old in zip(resalted, (y0, y1), strict=True)
    )
    assert len({y0, y1, x0, x1}) == 4


def test_label_salt_draws_distinct_values_on_the_grid():
    salt = label_salt(8)
    assert len(set(salt)) == 8 and all(s * 16 == round(s * 16) for s in salt)


def test_tree_proof_round_trips_through_json_and_decodes_count_rows_and_binding():
    from proofs.trees import TreeProof, bind_limbs

    binding = 0x0123_4567_89AB_CDEF_FEDC_BA98_7654_3210
    limbs = [limb << 4 for limb in bind_limbs(binding, 8)]
    proof = TreeProof("tree-iris-d3", b"\x01\x02", [1, 2, 3, 4, 45 << 12, 46 << 4, *limbs], 12, seconds=1.5)
    again = TreeProof.from_json(proof.to_json())
    assert again == proof and (again.correct, again.rows, again.binding) == (45, 46, binding)


@pytest.mark.parametrize(("accuracy", "rows", "k"), [(0.85, 48, 41), (1.0, 48, 48), (0.5, 54, 27), (0.001, 48, 1)])
def test_min_correct_rounds_up_to_whole_rows(accuracy, rows, k):
    from zkaigc.datamarket import min_correct

    assert min_correct(accuracy, rows) == k


def test_min_correct_raises_if_accuracy_is_outside_zero_to_one():
    from zkaigc.datamarket import min_correct
    from zkaigc.errors import DataMarketError

    with pytest.raises(DataMarketError, match="accuracy"):
        min_correct(1.2, 48)


def test_data_commitment_binds_the_schema(iris_tree):
    from zkaigc.datamarket import data_commitment

    _, schema = iris_tree
    other = schema.model_copy(update={"centre": [c + 1 for c in schema.centre]})
    assert data_commitment("iris", schema) != data_commitment("iris", other)
    assert data_commitment("iris", schema) == data_commitment("iris", schema)


def test_test_set_csv_round_trips_and_raises_if_malformed(iris_split, tmp_path):
    from zkaigc import datamarket as dm
    from zkaigc.errors import DataMarketError

    _, (xte, yte) = iris_split
    features, labels = dm.read_test_set(dm.write_test_set(tmp_path / "t.csv", xte, yte))
    assert np.allclose(features, xte) and np.array_equal(labels, yte)
    (tmp_path / "bad.csv").write_text("1.0,2.0,0.5\n")
    with pytest.raises(DataMarketError, match="integer label"):
        dm.read_test_set(tmp_path / "bad.csv")
    with pytest.raises(DataMarketError, match="cannot read"):
        dm.read_test_set(tmp_path / "missing.csv")


def test_read_model_raises_if_the_file_is_not_a_tree(tmp_path):
    from zkaigc import datamarket as dm
    from zkaigc.errors import DataMarketError

    (tmp_path / "tree.json").write_text('{"features": 4}')
    with pytest.raises(DataMarketError, match="TreeParams"):
        dm.read_model(TreeParams, tmp_path / "tree.json")


def test_load_dataset_gives_the_same_buyer_scale_synthetic_set_every_time():
    features, labels = load_dataset("synth13")
    again, _ = load_dataset("synth13")
    assert features.shape == (6000, 13) and set(labels) == {0, 1, 2, 3}
    assert np.array_equal(features, again)
