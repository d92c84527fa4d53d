#!/usr/bin/python3
"""Independent evaluation of exported models (run by test_model_export with Debian's python3).

usage: evaluate_exports.py DIR

DIR/manifest.json lists the exported files: {"rows": N, "cols": F, "features": "features.bin",
"models": [{"file": ..., "format": "xgboost"|"ubj"|"onnx", "output": "score"|"probabilities"}]}.
features.bin holds float32 [N x F] row-major (NaN = missing). For every model this writes
FILE.theirs.bin, float64 [N x outputs]: XGBoost files through xgboost.Booster.predict (Debian's
python3-xgboost), ONNX files through onnx.checker plus the small numpy interpreter below, which
follows the ONNX operator specifications (ai.onnx opset 13, ai.onnx.ml TreeEnsembleRegressor)
and knows nothing of the program that wrote the file.
"""
import json
import os
import sys

import numpy as np


def predict_xgboost(path, x):
    import xgboost as xgb
    booster = xgb.Booster(model_file=path)
    dm = xgb.DMatrix(x, feature_names=booster.feature_names, missing=np.nan)
    return np.asarray(booster.predict(dm), dtype=np.float64)


def tree_ensemble_regressor(x, a):
    """ai.onnx.ml TreeEnsembleRegressor, in float64."""
    n_targets = a["n_targets"]
    aggregate = a.get("aggregate_function", b"SUM").decode()
    assert a.get("post_transform", b"NONE").decode() == "NONE"
    tree_ids = np.asarray(a["nodes_treeids"])
    node_ids = np.asarray(a["nodes_nodeids"])
    features = np.asarray(a["nodes_featureids"])
    values = np.asarray(a["nodes_values"], dtype=np.float32).astype(np.float64)
    modes = [m.decode() for m in a["nodes_modes"]]
    true_ids = np.asarray(a["nodes_truenodeids"])
    false_ids = np.asarray(a["nodes_falsenodeids"])
    missing_true = np.asarray(a.get("nodes_missing_value_tracks_true", [0] * len(modes)))
    index = {(t, n): k for k, (t, n) in enumerate(zip(tree_ids.tolist(), node_ids.tolist()))}
    leaf_weights = {}
    for t, n, i, w in zip(a["target_treeids"], a["target_nodeids"], a["target_ids"],
                          a["target_weights"]):
        leaf_weights.setdefault(index[(t, n)], []).append((i, float(np.float32(w))))
    rows = x.shape[0]
    xd = x.astype(np.float64)
    out = np.zeros((rows, n_targets))
    trees = []
    for k, t in enumerate(tree_ids.tolist()):
        if t not in trees:
            trees.append(t)
    for t in trees:
        root = next(k for k in range(len(modes)) if tree_ids[k] == t and node_ids[k] == 0)
        cur = np.full(rows, root)
        while True:
            active = np.array([modes[c] != "LEAF" for c in cur])
            if not active.any():
                break
            r = np.nonzero(active)[0]
            c = cur[r]
            for m in set(modes[k] for k in c):
                assert m == "BRANCH_LT", m
            v = xd[r, features[c]]
            go_true = np.where(np.isnan(v), missing_true[c] != 0, v < values[c])
            nxt = np.where(go_true, true_ids[c], false_ids[c])
            cur[r] = [index[(t, int(n))] for n in nxt]
        for i, c in enumerate(cur):
            for target, w in leaf_weights.get(int(c), []):
                out[i, target] += w
    if aggregate == "AVERAGE":
        out /= len(trees)
    else:
        assert aggregate == "SUM", aggregate
    base = a.get("base_values")
    if base:
        out += np.asarray(base, dtype=np.float32).astype(np.float64)
    return out


def predict_onnx(path, x):
    import onnx
    from onnx import helper, numpy_helper
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    g = model.graph
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in g.initializer}
    assert len(g.input) == 1, "one input expected"
    env[g.input[0].name] = x.astype(np.float64)
    for node in g.node:
        a = {at.name: helper.get_attribute_value(at) for at in node.attribute}
        i = [env[n] for n in node.input]
        op = node.op_type
        if op == "Sub":
            r = i[0] - i[1]
        elif op == "Mul":
            r = i[0] * i[1]
        elif op == "Add":
            r = i[0] + i[1]
        elif op == "MatMul":
            r = i[0] @ i[1]
        elif op == "Relu":
            r = np.maximum(i[0], 0.0)
        elif op == "Sigmoid":
            r = 1.0 / (1.0 + np.exp(-i[0]))
        elif op == "Softmax":
            z = i[0] - i[0].max(axis=a.get("axis", -1), keepdims=True)
            e = np.exp(z)
            r = e / e.sum(axis=a.get("axis", -1), keepdims=True)
        elif op == "IsNaN":
            r = np.isnan(i[0])
        elif op == "IsInf":
            r = np.isinf(i[0])
        elif op == "Or":
            r = np.logical_or(i[0], i[1])
        elif op == "Where":
            r = np.where(i[0], i[1], i[2])
        elif op == "Sum":
            r = sum(i)
        elif op == "TreeEnsembleRegressor" and node.domain == "ai.onnx.ml":
            r = tree_ensemble_regressor(x, a)
        else:
            raise SystemExit(f"{path}: operator {node.domain}:{op} not known to the evaluator")
        env[node.output[0]] = r
    assert len(g.output) == 1
    return env[g.output[0].name]


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    x = np.fromfile(os.path.join(folder, manifest["features"]), dtype=np.float32)
    x = x.reshape(manifest["rows"], manifest["cols"])
    for m in manifest["models"]:
        path = os.path.join(folder, m["file"])
        if m["format"] in ("xgboost", "ubj"):
            p = predict_xgboost(path, x)
        else:
            p = predict_onnx(path, x)
        p = np.asarray(p, dtype=np.float64).reshape(x.shape[0], -1)
        p.tofile(path + ".theirs.bin")
        print(f"{m['file']}: {p.shape[0]} x {p.shape[1]} predictions")


if __name__ == "__main__":
    main()
