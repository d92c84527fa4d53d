#!/usr/bin/python3
"""Tree models on the WW example: 5-fold AP / AUC, ours vs the Python stack, same folds.

The WW example's 18 features after its cut are exported by our own loader (nets_bench
ww-export, as nets_bench.py does), the folds are scikit-learn's StratifiedKFold(5, shuffle,
random_state=1) (the same as nets_bench.py's), and both sides' held-out scores are scored here
with scikit-learn.

  /usr/bin/python3 bench/learn/trees_ww.py --build BUILD [--only rf,gbdt,...] [--draws N]

--draws N (default 1) refits both sides N times with other seeds (draw j: ours with
`trees_bench ww DIR MODEL 1000j`, the peer of fold k with seed k + 1000 j) and prints the mean
and spread of each side's 5-fold mean AP / AUC over the draws: for the resampling models (a few
hundred events per fit) the random draw alone moves the 5-fold mean by about a fold standard
deviation, so one draw per side cannot tell a defect from luck. The table keeps draw 0.

Pairs (ours | peer). Every peer gets what our model gets: the same resampling protocol
(neighbours on standardised features, class totals kept or equalised), the same event weights
(normalised to mean 1, as our tree models do) and the same booster parameters:
  rf             RF 100 trees depth 10          | sklearn RandomForestClassifier(max_depth=10)
  weighted_rf    class_weight balanced          | sklearn RF class_weight='balanced'
  balanced_rf    balanced RF, no depth limit    | imblearn BalancedRandomForestClassifier
  gbdt           1000 trees, lr 0.01, depth 6   | xgboost (hist, same parameters)
  gbdt_weighted  weighted CE α = 1 − r          | xgboost with sample weights α / 1 − α
  gbdt_focal_ww  focal α 0.25 γ 2               | xgboost with a numpy focal objective (same
                                                  prior start, hessian floor, max_delta_step 1,
                                                  min_child_weight rescale)
  rus_gbdt       under-sampling, class totals kept (the WW example's setting) + GBDT
                                                | imblearn RandomUnderSampler + xgboost with
                                                  the kept background weighted N_B / N_S (our
                                                  resampler's weights: class totals kept)
  rus_gbdt_eq    under-sampling, equal class totals (= unit weights)
                                                | imblearn RandomUnderSampler + xgboost
  smote_gbdt     SMOTE (class totals kept) + GBDT | imblearn SMOTE on the fold's standardised
                                                  features (our resampler measures neighbours
                                                  there; interpolation is linear, so
                                                  standardise → SMOTE → inverse is the same
                                                  algorithm) + xgboost with the signal weighted
                                                  N_S / N_B (class totals kept)
  smote_gbdt_eq  SMOTE, equal class totals       | the same SMOTE + unweighted xgboost
  easy_ensemble  10 members × boosted trees (100 trees, lr 0.1, depth 4)
                                                | imblearn EasyEnsembleClassifier, its default
                                                  10 × AdaBoost with 50 stumps: a different
                                                  base learner (what a user gets by default)
  easy_ensemble_xgb  the same model of ours     | imblearn EasyEnsembleClassifier with
                                                  xgboost members of our member parameters:
                                                  the same algorithm
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
       "rus_gbdt_eq", "smote_gbdt", "smote_gbdt_eq", "easy_ensemble", "easy_ensemble_xgb"]
OURS = {"easy_ensemble_xgb": "easy_ensemble"}  # pairs whose model of ours is another pair's


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


def totals_kept(y, yr):
    """Weights of the resampled events (labels yr) that give each class its total in y, normalised
    to mean 1: what our resampler (class totals kept) and our tree models' weight
    normalisation give."""
    w = np.ones(len(yr))
    for c in (0, 1):
        w[yr == c] = (y == c).sum() / (yr == c).sum()
    return w / w.mean()


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
        return xgb_fit(Xr, yr, None if name.endswith("_eq") else totals_kept(y, yr), seed=seed)
    if name.startswith("smote_gbdt"):
        from imblearn.over_sampling import SMOTE
        from sklearn.preprocessing import StandardScaler
        sc = StandardScaler().fit(X)
        Zr, yr = SMOTE(random_state=seed).fit_resample(sc.transform(X), y)
        Xr = sc.inverse_transform(Zr).astype(np.float32)
        Xr[:len(X)] = X  # the original events exactly (SMOTE appends the synthetic ones)
        return xgb_fit(Xr, yr, None if name.endswith("_eq") else totals_kept(y, yr), seed=seed)
    if name == "easy_ensemble":
        from imblearn.ensemble import EasyEnsembleClassifier
        m = EasyEnsembleClassifier(n_estimators=10, n_jobs=2, random_state=seed).fit(X, y)
        return lambda Z: m.predict_proba(Z)[:, 1]
    if name == "easy_ensemble_xgb":
        import xgboost as xgb
        from imblearn.ensemble import EasyEnsembleClassifier
        member = xgb.XGBClassifier(n_estimators=100, learning_rate=0.1, max_depth=4,
                                   tree_method="hist", max_bin=256, min_child_weight=1.0,
                                   base_score=0.5, n_jobs=1, verbosity=0)  # balanced: prior 0.5
        m = EasyEnsembleClassifier(n_estimators=10, estimator=member, n_jobs=2,
                                   random_state=seed).fit(X, y)
        return lambda Z: m.predict_proba(Z)[:, 1]
    raise ValueError(name)


def main():
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="build directory with bench/learn/*_bench")
    ap.add_argument("--only", default=",".join(ALL))
    ap.add_argument("--draws", type=int, default=1)
    a = ap.parse_args()
    import warnings
    warnings.filterwarnings("ignore", category=FutureWarning)  # sklearn 1.2 / imblearn 0.10
    warnings.filterwarnings("ignore", message=".*sklearn.utils.parallel.delayed.*")
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
        ours = OURS.get(name, name)
        m = {"ours": [], "peer": []}
        draws = {"ours": [], "peer": []}
        for j in range(a.draws):
            t0 = time.perf_counter()
            out = subprocess.check_output([trees, "ww", OUT, ours, str(1000 * j)])
            if j == 0:
                line = json.loads(out.decode().splitlines()[-1])
                ours_t = time.perf_counter() - t0
            s_ours = np.load(os.path.join(OUT, f"ww_scores_{ours}.npy"))
            t0 = time.perf_counter()
            md = {"ours": [], "peer": []}
            for k in range(5):
                te, tr = folds == k, folds != k
                s_peer = peer_fit(name, X[tr], y[tr], seed=k + 1000 * j)(X[te])
                for who, s in (("ours", s_ours[te]), ("peer", s_peer)):
                    md[who].append((average_precision_score(y[te], s), roc_auc_score(y[te], s)))
            if j == 0:
                m = md
                peer_t = time.perf_counter() - t0
            for who in ("ours", "peer"):
                draws[who].append(np.mean(md[who], axis=0).tolist())
        r = {"model": name, "ours_s": ours_t, "peer_s": peer_t,
             "ours_fit_s": [f["fit_seconds"] for f in line["folds"]]}
        for who in ("ours", "peer"):
            v = np.array(m[who])
            r[who] = {"ap": v[:, 0].tolist(), "auc": v[:, 1].tolist()}
        if a.draws > 1:
            r["draw_means"] = draws
        rows.append(r)
        print_row(r, flush=True)
        if a.draws > 1:
            for who in ("ours", "peer"):
                d = np.array(draws[who])
                print(f"  {who} over {len(d)} draws: 5-fold mean AP {d[:, 0].mean():.4f} "
                      f"(std {d[:, 0].std(ddof=1):.4f}, {d[:, 0].min():.4f}..{d[:, 0].max():.4f}), "
                      f"AUC {d[:, 1].mean():.4f} (std {d[:, 1].std(ddof=1):.4f}, "
                      f"{d[:, 1].min():.4f}..{d[:, 1].max():.4f})", flush=True)
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
