#!/usr/bin/python3
"""Tree models vs the Python stack, in the same run, on the same events.

Data: bench/out/learn_170k_{x,y}.npy (170,000 × 20, 7.5 % signal), made by `trees_bench
make-data` (deterministic). Every model fits on the first 80 % and scores the last 20 %; AUC and
AP of both sides are computed here with scikit-learn so that the quality columns are comparable.

  /usr/bin/python3 bench/learn/trees_bench.py --bin build-trees/bench/learn/trees_bench
Options: --gbdt-trees N (default 300), --only gbdt|forest|all, --skip-slow (no imblearn BRF /
EasyEnsemble peers).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

# The same libgomp spin count our programs set for themselves (core/util/openmp_env.h); libgomp
# reads it when xgboost / scikit-learn load it, i.e. after this line.
os.environ.setdefault("GOMP_SPINCOUNT", "3000")

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "out"))


def ours(binary, model, trees=0, repeat=1):
    best = None
    for _ in range(repeat):
        secs, scores = ours_once(binary, model, trees)
        best = secs if best is None else min(best, secs)
    return best, scores


def ours_once(binary, model, trees=0):
    cmd = [binary, "run", OUT, model] + ([str(trees)] if trees else [])
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    line = json.loads(res.stdout.strip().splitlines()[-1])
    scores = np.load(os.path.join(OUT, f"trees_scores_{model}.npy"))
    return line["fit_seconds"], scores


def quality(y, s):
    from sklearn.metrics import average_precision_score, roc_auc_score
    return roc_auc_score(y, s), average_precision_score(y, s)


def focal_grad_hess(z, t, alpha, gamma, floor):
    """REFERENCE.md's focal gradient and hessian w.r.t. the margin (numpy, vectorised)."""
    y = 2.0 * t - 1.0
    u = y * z
    logpt = -np.logaddexp(0.0, -u)  # ln σ(u), stable for large |u|
    pt = np.exp(logpt)
    qt = np.exp(-np.logaddexp(0.0, u))  # 1 − p_t without cancellation
    at = np.where(t == 1, alpha, 1.0 - alpha)
    g = at * y * qt ** gamma * (gamma * pt * logpt + pt - 1)
    h = at * pt * qt ** gamma * ((2 * gamma + 1) * qt + gamma * (1 - (1 + gamma) * pt) * logpt)
    return g, np.maximum(h, floor)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="path of the trees_bench executable")
    ap.add_argument("--gbdt-trees", type=int, default=300)
    ap.add_argument("--only", default="all", choices=["all", "gbdt", "forest"])
    ap.add_argument("--skip-slow", action="store_true")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per GBDT timing, the minimum is kept (the machine is shared)")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    if not os.path.exists(os.path.join(OUT, "learn_170k_y.npy")):
        subprocess.run([args.bin, "make-data", OUT], check=True)
    X = np.load(os.path.join(OUT, "learn_170k_x.npy"))
    y = np.load(os.path.join(OUT, "learn_170k_y.npy"))
    split = len(y) * 4 // 5
    Xtr, ytr, Xte, yte = X[:split], y[:split], X[split:], y[split:]
    print(f"data: {X.shape[0]} x {X.shape[1]}, signal fraction {y.mean():.4f}; train {split}, test {len(y) - split}")
    rows = []

    def record(name, ours_s, ours_scores, peer_name, peer_s, peer_scores):
        qa = quality(yte, ours_scores) if ours_scores is not None else (float("nan"),) * 2
        qb = quality(yte, peer_scores) if peer_scores is not None else (float("nan"),) * 2
        rows.append(dict(model=name, ours=ours_s, peer=peer_name, peer_s=peer_s,
                         auc=qa[0], ap=qa[1], peer_auc=qb[0], peer_ap=qb[1]))
        ratio = peer_s / ours_s if peer_s and ours_s else float("nan")
        print(f"  {name:16s} ours {ours_s:7.2f} s  AUC {qa[0]:.4f} AP {qa[1]:.4f} | {peer_name:34s} "
              f"{peer_s:7.2f} s  AUC {qb[0]:.4f} AP {qb[1]:.4f} | speed-up {ratio:5.1f}x", flush=True)

    if args.only in ("all", "gbdt"):
        import xgboost as xgb
        n = args.gbdt_trees
        prior = ytr.mean()
        params = dict(tree_method="hist", max_depth=6, eta=0.1, nthread=2, max_bin=256,
                      objective="binary:logistic", base_score=float(prior), verbosity=0, seed=1)
        py_builtin = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            dtr = xgb.DMatrix(Xtr, label=ytr, nthread=2)
            b = xgb.train(params, dtr, n)
            py_builtin = min(py_builtin or 1e99, time.perf_counter() - t0)
        s_builtin = b.predict(xgb.DMatrix(Xte, nthread=2))
        o_builtin, os_builtin = ours(args.bin, "gbdt_logistic", n, args.repeat)
        record("gbdt logistic", o_builtin, os_builtin, "xgboost.train built-in", py_builtin, s_builtin)

        alpha, gamma, floor = 0.25, 2.0, 1e-6
        ya = np.where(ytr == 1, alpha, 1 - alpha)
        pi = (ya * ytr).sum() / ya.sum()  # the α-weighted prior our model starts from
        z0 = np.full(len(ytr), np.log(pi / (1 - pi)))
        _, h0 = focal_grad_hess(z0, ytr, alpha, gamma, floor)
        p0 = 1 / (1 + np.exp(-z0))
        mcw = float(h0.sum() / (ya * p0 * (1 - p0)).sum())  # same min_child_weight rescale as ours
        # (and the same max_delta_step = 1 that our focal path uses by default)

        def focal_obj(predt, dtrain):
            return focal_grad_hess(predt, ytr, alpha, gamma, floor)

        fparams = dict(params, base_score=float(pi), min_child_weight=mcw, max_delta_step=1.0)
        py_focal = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            dtr = xgb.DMatrix(Xtr, label=ytr, weight=ya, nthread=2)
            bf = xgb.train(fparams, dtr, n, obj=focal_obj)
            py_focal = min(py_focal or 1e99, time.perf_counter() - t0)
        s_focal = bf.predict(xgb.DMatrix(Xte, nthread=2), output_margin=True)
        o_focal, os_focal = ours(args.bin, "gbdt_focal", n, args.repeat)
        record("gbdt focal", o_focal, os_focal, "xgboost.train + Python focal obj", py_focal, s_focal)
        o_cce, os_cce = ours(args.bin, "gbdt_custom_ce", n, args.repeat)
        record("gbdt custom CE", o_cce, os_cce, "(ours: CE through custom path)", 0.0, None)
        print(f"  focal / built-in time: ours {o_focal / o_builtin:.2f}x, xgboost-python "
              f"{py_focal / py_builtin:.2f}x  (target ours <= 1.3x)", flush=True)

    if args.only in ("all", "forest"):
        from sklearn.ensemble import RandomForestClassifier
        o, os_ = ours(args.bin, "rf")
        t0 = time.perf_counter()
        rf = RandomForestClassifier(n_estimators=100, max_depth=10, n_jobs=2, random_state=0).fit(Xtr, ytr)
        py = time.perf_counter() - t0
        record("random forest", o, os_, "sklearn RF(100, depth 10, n_jobs=2)", py, rf.predict_proba(Xte)[:, 1])

        o, os_ = ours(args.bin, "weighted_rf")
        t0 = time.perf_counter()
        rf = RandomForestClassifier(n_estimators=100, max_depth=10, n_jobs=2, random_state=0,
                                    class_weight="balanced").fit(Xtr, ytr)
        py = time.perf_counter() - t0
        record("weighted RF", o, os_, "sklearn RF class_weight=balanced", py, rf.predict_proba(Xte)[:, 1])

        o, os_ = ours(args.bin, "balanced_rf")
        if args.skip_slow:
            record("balanced RF", o, os_, "(peer skipped)", 0.0, None)
        else:
            from imblearn.ensemble import BalancedRandomForestClassifier
            t0 = time.perf_counter()
            brf = BalancedRandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0).fit(Xtr, ytr)
            py = time.perf_counter() - t0
            record("balanced RF", o, os_, "imblearn BalancedRandomForest(100)", py, brf.predict_proba(Xte)[:, 1])

        o, os_ = ours(args.bin, "easy_ensemble")
        if args.skip_slow:
            record("easy ensemble", o, os_, "(peer skipped)", 0.0, None)
        else:
            from imblearn.ensemble import EasyEnsembleClassifier
            t0 = time.perf_counter()
            ee = EasyEnsembleClassifier(n_estimators=10, n_jobs=2, random_state=0).fit(Xtr, ytr)
            py = time.perf_counter() - t0
            record("easy ensemble", o, os_, "imblearn EasyEnsemble(10 x AdaBoost50)", py, ee.predict_proba(Xte)[:, 1])

    print("\n| model | ours [s] | peer | peer [s] | peer/ours | AUC ours | AUC peer | AP ours | AP peer |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["peer_s"] / r["ours"] if r["peer_s"] else float("nan")
        print(f"| {r['model']} | {r['ours']:.2f} | {r['peer']} | {r['peer_s']:.2f} | {ratio:.1f} | "
              f"{r['auc']:.4f} | {r['peer_auc']:.4f} | {r['ap']:.4f} | {r['peer_ap']:.4f} |")


if __name__ == "__main__":
    sys.exit(main())
