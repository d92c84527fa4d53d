#!/usr/bin/python3
"""Tree models on the WW example: 5-fold AP / AUC, ours vs the Python stack, same folds.

The WW example's 18 features after its cut are exported by our own loader (nets_bench
ww-export, as nets_bench.py does), the folds are scikit-learn's StratifiedKFold(5, shuffle,
random_state=1) (the same as nets_bench.py's), and both sides' held-out scores are scored here
with scikit-learn.

  /usr/bin/python3 bench/learn/trees_ww.py --build BUILD [--only rf,gbdt,...]

Pairs (ours | peer):
  rf             RF 100 trees depth 10          | sklearn RandomForestClassifier(max_depth=10)
  weighted_rf    class_weight balanced          | sklearn RF class_weight='balanced'
  balanced_rf    balanced RF, no depth limit    | imblearn BalancedRandomForestClassifier
  gbdt           1000 trees, lr 0.01, depth 6   | xgboost (hist, same parameters)
  gbdt_weighted  weighted CE α = 1 − r          | xgboost with sample weights α / 1 − α
  gbdt_focal_ww  focal α 0.25 γ 2               | xgboost with a numpy focal objective (same
                                                  prior start, hessian floor, max_delta_step 1,
                                                  min_child_weight rescale)
  rus_gbdt       under-sampling (class totals kept, the WW example's setting) + GBDT
                                                | imblearn RandomUnderSampler + xgboost
  rus_gbdt_eq    under-sampling, equal class totals (= unit weights)   | same peer
  smote_gbdt     SMOTE (class totals kept) + GBDT | imblearn SMOTE + xgboost
  smote_gbdt_eq  SMOTE, equal class totals       | same peer
  easy_ensemble  10 members × boosted trees      | imblearn EasyEnsembleClassifier (10 × AdaBoost
                                                  with 50 stumps: a different base learner)
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trees_bench import focal_grad_hess  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "bench", "out", "trees_ww")
ALL = ["rf", "weighted_rf", "balanced_rf", "gbdt", "gbdt_weighted", "gbdt_focal_ww", "rus_gbdt",
       "rus_gbdt_eq", "smote_gbdt", "smote_gbdt_eq", "easy_ensemble"]


def xgb_params():
    return dict(tree_method="hist", max_depth=6, eta=0.01, nthread=2, max_bin=256,
                min_child_weight=1.0, objective="binary:logistic", verbosity=0)


def xgb_fit(X, y, w=None, seed=0, focal=False):
    import xgboost as xgb
    p = xgb_params()
    p["seed"] = seed
    if not focal:
        wa = np.ones(len(y)) if w is None else w
        p["base_score"] = float((wa * y).sum() / wa.sum())  # our prior start
        d = xgb.DMatrix(X, label=y, weight=w, nthread=2)
        b = xgb.train(p, d, 1000)
        return lambda Z: b.predict(xgb.DMatrix(Z, nthread=2))
    alpha, gamma, floor = 0.25, 2.0, 1e-6
    ya = np.where(y == 1, alpha, 1 - alpha)
    pi = (ya * y).sum() / ya.sum()
    z0 = np.full(len(y), np.log(pi / (1 - pi)))
    _, h0 = focal_grad_hess(z0, y, alpha, gamma, floor)
    p0 = 1 / (1 + np.exp(-z0))
    p.update(base_score=float(pi), min_child_weight=float(h0.sum() / (ya * p0 * (1 - p0)).sum()),
             max_delta_step=1.0)
    d = xgb.DMatrix(X, label=y, weight=ya, nthread=2)
    b = xgb.train(p, d, 1000, obj=lambda predt, _: focal_grad_hess(predt, y, alpha, gamma, floor))
    return lambda Z: b.predict(xgb.DMatrix(Z, nthread=2), output_margin=True)


def peer_fit(name, X, y, seed):
    """Returns a scoring function of the Python counterpart trained on (X, y)."""
    from sklearn.ensemble import RandomForestClassifier
    if name in ("rf", "weighted_rf"):
        m = RandomForestClassifier(n_estimators=100, max_depth=10, n_jobs=2, random_state=seed,
                                   class_weight="balanced" if name == "weighted_rf" else None)
        m.fit(X, y)
        return lambda Z: m.predict_proba(Z)[:, 1]
    if name == "balanced_rf":
        from imblearn.ensemble import BalancedRandomForestClassifier
        m = BalancedRandomForestClassifier(n_estimators=100, n_jobs=2, random_state=seed).fit(X, y)
        return lambda Z: m.predict_proba(Z)[:, 1]
    if name == "gbdt":
        return xgb_fit(X, y, seed=seed)
    if name == "gbdt_weighted":
        a = 1.0 - y.mean()
        return xgb_fit(X, y, np.where(y == 1, a, 1 - a), seed=seed)
    if name == "gbdt_focal_ww":
        return xgb_fit(X, y, seed=seed, focal=True)
    if name.startswith("rus_gbdt"):
        from imblearn.under_sampling import RandomUnderSampler
        Xr, yr = RandomUnderSampler(random_state=seed).fit_resample(X, y)
        return xgb_fit(Xr, yr, seed=seed)
    if name.startswith("smote_gbdt"):
        from imblearn.over_sampling import SMOTE
        Xr, yr = SMOTE(random_state=seed).fit_resample(X, y)
        return xgb_fit(Xr, yr, seed=seed)
    if name == "easy_ensemble":
        from imblearn.ensemble import EasyEnsembleClassifier
        m = EasyEnsembleClassifier(n_estimators=10, n_jobs=2, random_state=seed).fit(X, y)
        return lambda Z: m.predict_proba(Z)[:, 1]
    raise ValueError(name)


def main():
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="build directory with bench/learn/*_bench")
    ap.add_argument("--only", default=",".join(ALL))
    a = ap.parse_args()
    trees = os.path.join(a.build, "bench", "learn", "trees_bench")
    os.makedirs(OUT, exist_ok=True)
    subprocess.check_call([os.path.join(a.build, "bench", "learn", "nets_bench"), "ww-export",
                           os.path.join(ROOT, "resources/examples/ww/ww.analysis.json"), OUT])
    X = np.load(os.path.join(OUT, "ww_x.npy"))
    y = np.load(os.path.join(OUT, "ww_y.npy")).astype(np.int64)
    folds = np.full(len(y), -1, dtype=np.int64)
    for k, (_, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=1).split(X, y)):
        folds[te] = k
    np.save(os.path.join(OUT, "ww_folds.npy"), folds)
    print(f"WW: {X.shape[0]} events x {X.shape[1]} features, signal fraction {y.mean():.4f}",
          flush=True)

    rows = []
    for name in a.only.split(","):
        t0 = time.perf_counter()
        line = json.loads(subprocess.check_output([trees, "ww", OUT, name]).decode().splitlines()[-1])
        ours_t = time.perf_counter() - t0
        s_ours = np.load(os.path.join(OUT, f"ww_scores_{name}.npy"))
        m = {"ours": [], "peer": []}
        t0 = time.perf_counter()
        for k in range(5):
            te, tr = folds == k, folds != k
            s_peer = peer_fit(name, X[tr], y[tr], seed=k)(X[te])
            for who, s in (("ours", s_ours[te]), ("peer", s_peer)):
                m[who].append((average_precision_score(y[te], s), roc_auc_score(y[te], s)))
        peer_t = time.perf_counter() - t0
        r = {"model": name, "ours_s": ours_t, "peer_s": peer_t,
             "ours_fit_s": [f["fit_seconds"] for f in line["folds"]]}
        for who in ("ours", "peer"):
            v = np.array(m[who])
            r[who] = {"ap": v[:, 0].tolist(), "auc": v[:, 1].tolist()}
        rows.append(r)
        print_row(r, flush=True)
    print()
    print("| model | AP ours | AP peer | AP ok | AUC ours | AUC peer | AUC ok | t ours [s] | t peer [s] |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print_row(r, markdown=True)
    with open(os.path.join(OUT, "trees_ww.json"), "w") as f:
        json.dump(rows, f, indent=1)


def stats(v):
    v = np.asarray(v)
    return v.mean(), v.std(ddof=1)


def print_row(r, markdown=False, flush=False):
    cells = [r["model"]]
    for metric in ("ap", "auc"):
        mo, so = stats(r["ours"][metric])
        mp, sp = stats(r["peer"][metric])
        ok = abs(mo - mp) <= min(so, sp)  # within one fold std (the smaller of the two)
        cells += [f"{mo:.4f} ± {so:.4f}", f"{mp:.4f} ± {sp:.4f}",
                  ("yes" if ok else "NO") + f" (Δ {mo - mp:+.4f})"]
    cells += [f"{r['ours_s']:.1f}", f"{r['peer_s']:.1f}"]
    print(("| " + " | ".join(cells) + " |") if markdown else "  ".join(cells), flush=flush)


if __name__ == "__main__":
    main()
