#!/usr/bin/python3
"""Reference values for the insight tests (issue 13), from scikit-learn, numpy and XGBoost.

usage: /usr/bin/python3 tests/reference/insight/make_insight_reference.py [IMBALANCE_CLI]

Writes insight_reference.json beside this script. With the path of a built imbalance-cli it
also (re)makes the boosted-tree model file the gain test reads: it writes a small HDF5 sample
and an analysis file to a temporary folder, runs `imbalance-cli run --save-models` on it and
copies fold 1's model here (gbdt_small.ubj), so that the file is one OUR code saved and the
reference numbers are XGBoost's own get_score() on it.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import scipy.optimize
from scipy.special import expit, xlogy
from scipy.stats import norm
import sklearn
import xgboost
from sklearn.calibration import _sigmoid_calibration, calibration_curve
from sklearn.inspection import permutation_importance
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss
from sklearn.tree import DecisionTreeClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
f32 = lambda a: np.asarray(a, dtype=np.float32).astype(np.float64)  # what our float32 matrix holds


def permutation_case():
    """A fixed logistic model (its coefficients are exported, the test predicts with them) and
    sklearn's permutation_importance with sample weights; the permutations sklearn draws are
    re-created with its own generator calls and exported (column = X[perm, col])."""
    rng = np.random.RandomState(7)
    n, nf = 240, 4
    X = f32(rng.normal(size=(n, nf)))
    logit = 1.5 * X[:, 0] - 0.8 * X[:, 1] + 0.3 * X[:, 2] - 0.5
    y = (rng.uniform(size=n) < expit(logit)).astype(int)
    w = np.round(rng.uniform(0.5, 2.0, size=n), 3)
    est = LogisticRegression(C=10.0).fit(X, y)
    coef, intercept = est.coef_[0].tolist(), float(est.intercept_[0])
    repeats, seed = 4, 3
    out = {"x": X.tolist(), "y": y.tolist(), "w": w.tolist(), "coef": coef,
           "intercept": intercept, "repeats": repeats}
    # sklearn: random_seed = RandomState(seed).randint(2**31); per feature a fresh
    # RandomState(random_seed) shuffles one index array cumulatively, and the column is
    # permuted in place each repeat, so repeat r holds X[cur_r, col], cur_r = cur_{r-1}[idx_r].
    random_seed = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    perms = []
    for col in range(nf):
        rs = np.random.RandomState(random_seed)
        idx = np.arange(n)
        cur = np.arange(n)
        per_col = []
        for r in range(repeats):
            rs.shuffle(idx)
            cur = cur[idx]
            per_col.append(cur.tolist())
        perms.append(per_col)
    out["permutations"] = perms
    for metric, scoring in (("ap", "average_precision"), ("auc", "roc_auc")):
        res = permutation_importance(est, X, y, scoring=scoring, n_repeats=repeats,
                                     random_state=seed, sample_weight=w)
        out[metric] = {"importances": res.importances.tolist(),
                       "mean": res.importances_mean.tolist(), "std": res.importances_std.tolist()}
    # Check the re-created permutations against sklearn before anyone relies on them.
    p = lambda Z: est.predict_proba(Z)[:, 1]
    from sklearn.metrics import average_precision_score
    base = average_precision_score(y, p(X), sample_weight=w)
    for col in range(nf):
        for r in range(repeats):
            Z = X.copy()
            Z[:, col] = X[perms[col][r], col]
            drop = base - average_precision_score(y, p(Z), sample_weight=w)
            assert abs(drop - out["ap"]["importances"][col][r]) < 1e-12, (col, r)
    return out


def forest_gain_case():
    """scikit-learn trees written in our forest-file layout; the reference is sklearn's own
    unnormalised impurity decrease (compute_feature_importances(normalize=False)) times the
    root weight, i.e. Σ over splits of W·Gini(parent) − W_L·Gini(L) − W_R·Gini(R)."""
    rng = np.random.RandomState(11)
    n, nf = 400, 5
    X = f32(rng.normal(size=(n, nf)))
    y = ((X[:, 0] + 0.5 * X[:, 3] + 0.3 * rng.normal(size=n)) > 0.4).astype(int)
    w = np.round(rng.uniform(0.2, 3.0, size=n), 3)
    trees, gains, counts = [], [], []
    for seed in range(3):
        t = DecisionTreeClassifier(max_depth=4, max_features=3, random_state=seed)
        t.fit(X, y, sample_weight=w)
        tr = t.tree_
        value = tr.value[:, 0, :]
        frac = value[:, 1] / value.sum(axis=1)
        leaf = tr.children_left < 0
        trees.append({"feature": np.where(leaf, -1, tr.feature).tolist(),
                      "threshold": np.where(leaf, 0.0, tr.threshold).astype(np.float32).tolist(),
                      "missing_left": [1] * tr.node_count,
                      "left": np.where(leaf, -1, tr.children_left).tolist(),
                      "right": np.where(leaf, -1, tr.children_right).tolist(),
                      "weight": tr.weighted_n_node_samples.tolist(),
                      "value": frac.tolist(), "values_per_node": 1})
        gains.append((tr.compute_feature_importances(normalize=False) *
                      tr.weighted_n_node_samples[0]).tolist())
        counts.append(np.bincount(tr.feature[~leaf], minlength=nf).tolist())
    forest = {"imbw_kind": "random_forest", "format_version": 1, "config": {"trees": 3},
              "num_classes": 2, "signal_class": 1, "class_names": ["b", "s"],
              "feature_names": ["f%d" % i for i in range(nf)], "trees": trees}
    return {"forest": forest, "tree_gain": gains, "tree_split_count": counts,
            "total_gain": np.sum(gains, axis=0).tolist(),
            "split_count": np.sum(counts, axis=0).tolist()}


def correlation_case():
    """Weighted Pearson correlations per class from np.cov(aweights=w)."""
    rng = np.random.RandomState(5)
    n = 300
    A = np.array([[1.0, 0.0, 0.0, 0.0], [0.8, 0.6, 0.0, 0.0], [-0.3, 0.2, 0.9, 0.0],
                  [0.0, 0.0, 0.1, 1.0]])
    X = f32(rng.normal(size=(n, 4)) @ A.T + np.array([1.0, -2.0, 0.5, 3.0]))
    cls = (rng.uniform(size=n) < 0.4).astype(int)
    X[cls == 1, 1] += 0.7 * X[cls == 1, 3]
    X = f32(X)
    w = np.round(rng.uniform(0.1, 2.5, size=n), 3)
    score = f32(expit(X[:, 0] - 0.5 * X[:, 2]))
    out = {"x": X.tolist(), "class": cls.tolist(), "w": w.tolist(), "score": score.tolist(),
           "per_class": {}}
    def corr(M, ww):
        c = np.cov(M.T, aweights=ww)
        d = np.sqrt(np.diag(c))
        return (c / np.outer(d, d)).tolist()
    for k in (0, 1):
        m = cls == k
        out["per_class"][str(k)] = corr(X[m], w[m])
        out["per_class_with_score_" + str(k)] = corr(np.column_stack([X[m], score[m]]), w[m])
    out["all"] = corr(X, w)
    return out


def calibration_case():
    """Reliability binning (calibration_curve, uniform, unweighted), isotonic regression
    (IsotonicRegression, weighted, clipped), Platt (sklearn's _sigmoid_calibration), Brier and
    log loss (weighted)."""
    rng = np.random.RandomState(9)
    n = 500
    s = np.round(rng.beta(1.2, 2.0, size=n), 6)
    s[:10] = [0.0, 1.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.25, 0.25]  # bin edges and ties
    y = (rng.uniform(size=n) < np.clip(1.4 * s ** 1.5, 0, 1)).astype(int)
    w = np.round(rng.uniform(0.3, 2.0, size=n), 3)
    out = {"scores": s.tolist(), "y": y.tolist(), "w": w.tolist(), "bins": 10}
    pt, pp = calibration_curve(y, s, n_bins=10)
    out["calibration_curve"] = {"prob_true": pt.tolist(), "prob_pred": pp.tolist()}
    grid = np.round(np.linspace(-0.05, 1.05, 45), 6)
    out["grid"] = grid.tolist()
    for tag, sw in (("unweighted", None), ("weighted", w)):
        iso = IsotonicRegression(out_of_bounds="clip").fit(s, y, sample_weight=sw)
        a, b = _sigmoid_calibration(s, y, sw)
        # The same objective minimised to convergence (fmin_bfgs stops at gtol 1e-5).
        ww = np.ones(n) if sw is None else sw
        p0, p1 = ww[y == 0].sum(), ww[y == 1].sum()
        T = np.where(y == 1, (p1 + 1) / (p1 + 2), 1 / (p0 + 2))
        def obj(ab):
            P = expit(-(ab[0] * s + ab[1]))
            return -(ww * (xlogy(T, P) + xlogy(1 - T, 1 - P))).sum()
        res = scipy.optimize.minimize(obj, [a, b], method="Nelder-Mead",
                                      options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000})
        assert abs(res.x[0] - a) < 1e-2 and abs(res.x[1] - b) < 1e-2
        cal_iso = iso.predict(s)
        cal_platt = expit(-(res.x[0] * s + res.x[1]))
        out[tag] = {"isotonic_grid": iso.predict(grid).tolist(),
                    "platt_a": float(res.x[0]), "platt_b": float(res.x[1]),
                    "platt_a_sklearn": float(a), "platt_b_sklearn": float(b),
                    "brier_raw": brier_score_loss(y, s, sample_weight=sw),
                    "log_loss_raw": log_loss(y, np.clip(s, 1e-15, 1 - 1e-15), sample_weight=sw),
                    "brier_isotonic": brier_score_loss(y, cal_iso, sample_weight=sw),
                    "brier_platt": brier_score_loss(y, cal_platt, sample_weight=sw),
                    "log_loss_platt": log_loss(y, cal_platt, sample_weight=sw)}
    return out


def transform_case():
    """Input transformations fitted with numpy: weighted mean and covariance, its inverse
    square root (symmetric, eigen-decomposition), PCA (eigenvectors by decreasing variance,
    signs fixed so that each component's largest |entry| is positive) and the rank → normal map."""
    rng = np.random.RandomState(21)
    n = 200
    A = np.array([[2.0, 0.0, 0.0], [1.2, 0.5, 0.0], [-0.4, 0.3, 1.1]])
    X = f32(rng.normal(size=(n, 3)) @ A.T + np.array([5.0, -1.0, 0.0]))
    w = np.round(rng.uniform(0.5, 1.5, size=n), 3)
    mean = np.average(X, axis=0, weights=w)
    cov = np.cov(X.T, aweights=w, bias=True)
    ev, V = np.linalg.eigh(cov)
    inv_sqrt = V @ np.diag(ev ** -0.5) @ V.T
    order = np.argsort(ev)[::-1]
    comps = V[:, order].T
    for c in comps:
        if c[np.argmax(np.abs(c))] < 0:
            c *= -1
    probe = f32(rng.normal(size=(6, 3)) * 2 + np.array([5.0, -1.0, 0.0]))
    # Gaussianising: Φ⁻¹ of the weighted empirical CDF F(x) = (Σ_{x_i<x} w + ½Σ_{x_i=x} w) / Σw,
    # clipped to [1e-6, 1 − 1e-6] (core/learn/input_transform.h).
    W = w.sum()
    cdf = []
    for j in range(3):
        col = []
        for v in probe[:, j]:
            col.append(float((w[X[:, j] < v].sum() + 0.5 * w[X[:, j] == v].sum()) / W))
        cdf.append(col)
    return {"x": X.tolist(), "w": w.tolist(), "mean": mean.tolist(), "cov": cov.tolist(),
            "decorrelated_probe": ((probe - mean) @ inv_sqrt.T).tolist(),
            "pca_components": comps.tolist(), "pca_variance": ev[order].tolist(),
            "pca_probe": ((probe - mean) @ comps.T).tolist(), "probe": probe.tolist(),
            "probe_cdf": cdf,
            "probe_normal": norm.ppf(np.clip(np.array(cdf), 1e-6, 1 - 1e-6)).T.tolist()}


def gbdt_gain_case(cli):
    """XGBoost's get_score on a boosted-tree model file written by `imbalance-cli run`."""
    model_path = os.path.join(HERE, "gbdt_small.ubj")
    if cli:
        import h5py
        tmp = tempfile.mkdtemp()
        try:
            rng = np.random.RandomState(17)
            n = 600
            X = rng.normal(size=(n, 4)).astype(np.float32)
            y = ((X[:, 0] - 0.7 * X[:, 2] + 0.5 * rng.normal(size=n)) > 0.8).astype(np.int32)
            with h5py.File(os.path.join(tmp, "small.h5"), "w") as f:
                for i in range(4):
                    f["x%d" % i] = X[:, i]
                f["label"] = y
            analysis = {"formatVersion": 1, "name": "gain reference",
                        "samples": [{"path": "small.h5", "label": {
                            "column": "label", "classes": {"1": "s", "0": "b"}}}],
                        "classes": ["b", "s"], "signalClass": "s",
                        "features": ["x0", "x1", "x2", "x3"],
                        "runs": [{"name": "gbdt", "model": {"kind": "gbdt", "trees": 12,
                                                            "max_depth": 3}, "folds": 2}]}
            with open(os.path.join(tmp, "small.analysis.json"), "w") as f:
                json.dump(analysis, f)
            subprocess.run([cli, "run", os.path.join(tmp, "small.analysis.json"), "--quiet",
                            "--threads", "1", "--save-models", os.path.join(tmp, "models")],
                           check=True, stdout=subprocess.DEVNULL)
            shutil.copy(os.path.join(tmp, "models", "1_gbdt_fold1.ubj"), model_path)
        finally:
            shutil.rmtree(tmp)
    if not os.path.exists(model_path):
        sys.exit("gbdt_small.ubj is missing: pass the path of imbalance-cli to make it")
    b = xgboost.Booster(model_file=model_path)
    return {"model_file": "gbdt_small.ubj",
            "total_gain": b.get_score(importance_type="total_gain"),
            "weight": b.get_score(importance_type="weight"),
            "gain": b.get_score(importance_type="gain")}


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else None
    out = {"generator": "tests/reference/insight/make_insight_reference.py",
           "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__,
                        "xgboost": xgboost.__version__},
           "permutation": permutation_case(), "forest_gain": forest_gain_case(),
           "correlation": correlation_case(), "calibration": calibration_case(),
           "transform": transform_case(), "gbdt_gain": gbdt_gain_case(cli)}
    with open(os.path.join(HERE, "insight_reference.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()
