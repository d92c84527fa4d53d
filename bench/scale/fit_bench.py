#!/usr/bin/python3
"""Issue 12: one fit of every model kind on the generated 1 M events against its Python peer,
in the same run, plus the weighted evaluation (ROC + PR + AP + AUC) against scikit-learn.

Both sides fit on the first 80 % of events_1000000.h5 (gen_events.py; the events are in random
order), unweighted, with 2 threads (PyTorch: 1, faster on this machine, see RESULTS.md), and
score the last 20 %; AUC and AP of both are computed here with scikit-learn on the event
weights. Tree counts are cut so that each measurement takes minutes on the shared 2-core
machine (--gbdt-trees, --forest-trees); the same counts on both sides.

  /usr/bin/python3 bench/scale/fit_bench.py --bin build/bench/scale/bench_scale_fit \
      --data /tmp/imbw_scale [--only gbdt,logistic]
"""
import argparse
import json
import os
import subprocess
import time

os.environ.setdefault("GOMP_SPINCOUNT", "3000")  # as our programs set it for themselves

import h5py  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import (average_precision_score, precision_recall_curve,  # noqa: E402
                             roc_auc_score, roc_curve)


def load(path, features):
    with h5py.File(path, "r") as f:
        g = f["events"]
        x = np.stack([g[c][...] for c in features], axis=1).astype(np.float32)
        return x, g["label"][...].astype(np.int32), g["weight"][...].astype(np.float64)


def quality(y, w, s):
    # |w|: scikit-learn's roc_auc_score refuses the non-monotonic ROC that negative weights give
    w = np.abs(w)
    return roc_auc_score(y, s, sample_weight=w), average_precision_score(y, s, sample_weight=w)


def peer_gbdt(trees):
    def run(xtr, ytr, xte):
        import xgboost as xgb
        prior = float(ytr.mean())
        params = dict(tree_method="hist", max_depth=6, eta=0.1, nthread=2, max_bin=256,
                      objective="binary:logistic", base_score=prior)
        b = xgb.train(params, xgb.DMatrix(xtr, label=ytr, nthread=2), trees)
        return b.predict(xgb.DMatrix(xte, nthread=2))
    return run


def peer_forest(trees, balanced):
    def run(xtr, ytr, xte):
        if balanced:
            from imblearn.ensemble import BalancedRandomForestClassifier
            m = BalancedRandomForestClassifier(n_estimators=trees, n_jobs=2, random_state=0)
        else:
            from sklearn.ensemble import RandomForestClassifier
            m = RandomForestClassifier(n_estimators=trees, max_depth=10, n_jobs=2, random_state=0)
        return m.fit(xtr, ytr).predict_proba(xte)[:, 1]
    return run


def peer_easy(xtr, ytr, xte):
    from imblearn.ensemble import EasyEnsembleClassifier
    m = EasyEnsembleClassifier(n_estimators=10, n_jobs=2, random_state=0)
    return m.fit(xtr, ytr).predict_proba(xte)[:, 1]


def peer_logistic(xtr, ytr, xte):
    from sklearn.linear_model import LogisticRegression
    mu, sd = xtr.mean(axis=0), xtr.std(axis=0)
    sd[sd == 0] = 1
    m = LogisticRegression(C=1.0, max_iter=100).fit((xtr - mu) / sd, ytr)
    return m.predict_proba((xte - mu) / sd)[:, 1]


def peer_one_variable(col):
    def run(xtr, ytr, xte):
        sign = 1.0 if roc_auc_score(ytr, xtr[:, col]) >= 0.5 else -1.0
        return sign * xte[:, col].astype(np.float64)
    return run


def peer_mlp(epochs):
    def run(xtr, ytr, xte):
        import torch
        from torch import nn
        torch.set_num_threads(1)
        torch.manual_seed(1)
        mu, sd = xtr.mean(axis=0), xtr.std(axis=0)
        sd[sd == 0] = 1
        xs = torch.from_numpy(((xtr - mu) / sd).astype(np.float32))
        yt = torch.from_numpy(ytr.astype(np.float32)).unsqueeze(1)
        d = xtr.shape[1]
        model = nn.Sequential(nn.Linear(d, 150), nn.BatchNorm1d(150), nn.ReLU(), nn.Dropout(0.5),
                              nn.Linear(150, 150), nn.BatchNorm1d(150), nn.ReLU(),
                              nn.Dropout(0.5), nn.Linear(150, 1))
        prior = ytr.mean()
        with torch.no_grad():
            model[-1].bias.fill_(float(np.log(prior / (1 - prior))))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        bce = nn.BCEWithLogitsLoss()
        n = len(xs)
        for _ in range(epochs):
            model.train()
            perm = torch.randperm(n)
            for i in range(0, n, 50):
                idx = perm[i:i + 50]
                if len(idx) < 2:
                    continue
                opt.zero_grad()
                bce(model(xs[idx]), yt[idx]).backward()
                opt.step()
        model.eval()
        with torch.no_grad():
            xe = torch.from_numpy(((xte - mu) / sd).astype(np.float32))
            return torch.sigmoid(model(xe)).numpy().ravel().astype(np.float64)
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", default="/tmp/imbw_scale")
    ap.add_argument("--gbdt-trees", type=int, default=100)
    ap.add_argument("--forest-trees", type=int, default=20)
    ap.add_argument("--mlp-epochs", type=int, default=1)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    analysis = os.path.join(args.data, "events_1000000.analysis.json")
    features = json.load(open(analysis))["features"]
    x, y, w = load(os.path.join(args.data, "events_1000000.h5"), features)
    split = len(y) * 4 // 5
    xtr, ytr, xte, yte, wte = x[:split], y[:split], x[split:], y[split:], w[split:]
    met = features.index("met")
    t, f = args.gbdt_trees, args.forest_trees
    kinds = [
        ("gbdt", {"kind": "gbdt", "trees": t, "max_depth": 6, "learning_rate": 0.1},
         f"xgboost.train hist, {t} trees depth 6", peer_gbdt(t)),
        ("random_forest", {"kind": "random_forest", "trees": f, "max_depth": 10},
         f"sklearn RandomForest {f} trees depth 10", peer_forest(f, False)),
        ("balanced_random_forest", {"kind": "balanced_random_forest", "trees": f},
         f"imblearn BalancedRandomForest {f} trees", peer_forest(f, True)),
        ("easy_ensemble", {"kind": "easy_ensemble", "members": 10},
         "imblearn EasyEnsemble 10 x AdaBoost50", peer_easy),
        ("mlp", {"kind": "mlp", "max_epochs": args.mlp_epochs},
         f"PyTorch 1 thread, {args.mlp_epochs} epoch(s), same net", peer_mlp(args.mlp_epochs)),
        ("logistic", {"kind": "logistic"}, "sklearn LogisticRegression lbfgs", peer_logistic),
        ("one_variable", {"kind": "one_variable", "feature": "met"}, "numpy (sign by AUC)",
         peer_one_variable(met)),
    ]
    only = set(filter(None, args.only.split(",")))
    with open("/proc/loadavg") as fl:
        print("load average at start:", fl.read().split()[:3])
    print(f"{'kind':<24}{'ours s':>9}{'peer s':>9}{'peer/ours':>10}  {'AUC ours/peer':>15}"
          f"  {'AP ours/peer':>15}  peak RSS ours  peer")
    for kind, spec, peer_name, peer in kinds:
        if only and kind not in only:
            continue
        res = subprocess.run([args.bin, analysis, args.data, json.dumps(spec)], check=True,
                             capture_output=True, text=True)
        line = json.loads(res.stdout.strip().splitlines()[-1])
        s_ours = np.load(os.path.join(args.data, f"scale_scores_{kind}.npy"))
        t0 = time.perf_counter()
        s_peer = peer(xtr, ytr, xte)
        t_peer = time.perf_counter() - t0
        a_o, p_o = quality(yte, wte, s_ours)
        a_p, p_p = quality(yte, wte, s_peer)
        print(f"{kind:<24}{line['fit_seconds']:9.2f}{t_peer:9.2f}"
              f"{t_peer / line['fit_seconds']:10.2f}  {a_o:7.4f}/{a_p:.4f}  {p_o:7.4f}/{p_p:.4f}"
              f"  {line['peak_rss'] / 2**20:8.0f} MiB  ({peer_name})", flush=True)

    # Evaluation on all 1 M events: the score is the missing energy, the weights |w| (scikit-
    # learn's AUC refuses the non-monotonic ROC of negative weights).
    s = x[:, met].astype(np.float64)
    w = np.abs(w)
    np.save(os.path.join(args.data, "scale_eval_scores.npy"), s)
    np.save(os.path.join(args.data, "scale_eval_y.npy"), y.astype(np.float64))
    np.save(os.path.join(args.data, "scale_eval_w.npy"), w)
    res = subprocess.run([args.bin, "eval", args.data], check=True, capture_output=True, text=True)
    ours = json.loads(res.stdout.strip().splitlines()[-1])
    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        roc_curve(y, s, sample_weight=w)
        precision_recall_curve(y, s, sample_weight=w)
        ap_peer = average_precision_score(y, s, sample_weight=w)
        auc_peer = roc_auc_score(y, s, sample_weight=w)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    print(f"evaluation, {len(y):,} weighted events, best of 3: ours "
          f"{ours['eval_seconds']:.3f} s, scikit-learn {best:.3f} s, peer/ours "
          f"{best / ours['eval_seconds']:.1f}; AUC {ours['auc']:.6f}/{auc_peer:.6f}, "
          f"AP {ours['ap']:.6f}/{ap_peer:.6f}")
    with open("/proc/loadavg") as fl:
        print("load average at end:", fl.read().split()[:3])


if __name__ == "__main__":
    main()
