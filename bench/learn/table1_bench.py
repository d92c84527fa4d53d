#!/usr/bin/python3
"""The whole Table 1 comparison: ours vs the Python stack, in the same run, on the same events.

  /usr/bin/python3 bench/learn/table1_bench.py --bin BUILD/bench/learn/table1_bench
      [--rows gbdt,nn,...] [--data-bin BUILD/bench/learn/trees_bench]

Protocol (identical on both sides):
- Data: bench/out/learn_170k_{x,y}.npy, 170,000 x 20, 7.5 % signal, deterministic (made by
  `trees_bench make-data bench/out`; --data-bin runs it when the files are missing).
- One stratified 80/20 split (sklearn train_test_split, stratify=y, random_state=20261122),
  indices sorted and written to bench/out/table1_{train,test}_idx.npy; our program reads them.
- Every row is timed as fit + predict of the test part, including the row's resampling (ours:
  resample() + makeModel() + fit() + predict() inside table1_bench, the same run spec as
  `imbalance-cli run`; data loading and process start are not timed on either side). 2 threads
  everywhere (xgboost nthread=2, sklearn/imblearn n_jobs=2, SMOTE's neighbour search n_jobs=2)
  except PyTorch: torch.set_num_threads(1), because PyTorch with 2 intra-op threads is ~14x
  slower per mini-batch on this shared 2-core machine (nets_bench.py); our network trains on one
  thread as well.
- Rows (the example analysis' Table 1 runs, resources/examples/ww/ww.analysis.json):
  Δφ_jj-like = feature 0 and p_T-like = feature 1 as the score (sign chosen by training AUC);
  RF 100 trees depth 10; weighted RF (class_weight balanced); balanced RF 100 trees with no
  depth limit (the default on both sides); GBDT 1000 trees, lr 0.01,
  depth 6, hist, 256 bins, base score = the (α-weighted) prior; GBDT weighted α = 1 − r
  (α_t as event weights into the built-in logistic objective); GBDT focal α = 0.25, γ = 2
  (xgboost with a Python custom objective: REFERENCE.md's gradient and hessian, hessian floor
  1e-6, the same min_child_weight rescale and max_delta_step 1 our focal path uses, as in
  trees_bench.py); NN 20-150-150-1, BN, ReLU, dropout 0.5, Adam 1e-3, batch 50, inputs
  standardised, output bias at the prior log-odds, a FIXED 2 epochs (no validation split, no
  early stopping); NN focal α = 0.25, γ = 2 the same; random under-sampling (ratio 1) + GBDT;
  SMOTE (k = 5, ratio 1) + GBDT.
- Resampling weights follow REFERENCE.md on both sides: after under-sampling / SMOTE each class
  keeps its original total weight (imblearn's samplers drop weights, so the peer sets them:
  kept background events weigh N_B / N_B,kept, SMOTE-grown signal events N_S / N_S,new);
  training weights are normalised to mean 1 on both sides. The peer's SMOTE runs on
  standardised features (unweighted mean, population std) and maps the synthetics back, as ours
  does.
- AP and AUC of both sides are computed here with scikit-learn on the same test events.
The output: per row ours [s], Python [s], Python / ours, AUC and AP side by side; totals and the
overall ratio (target: ours <= 1/5 of the Python stack's total, i.e. ratio >= 5).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trees_bench import focal_grad_hess  # noqa: E402  (the one numpy focal objective)

# The same libgomp spin count our programs set for themselves (core/util/openmp_env.h); libgomp
# reads it when xgboost / scikit-learn load it, i.e. after this line.
os.environ.setdefault("GOMP_SPINCOUNT", "3000")

# sklearn 1.2's joblib helpers warn once per tree inside imblearn; the noise hides the table.
warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=UserWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "out"))
SEED = 20261122

ROWS = [  # key, label (Table 1 wording)
    ("dphi", "Δφ_jj-like (feature 0)"),
    ("pt", "p_T-like (feature 1)"),
    ("rf", "random forest (100, depth 10)"),
    ("weighted_rf", "weighted RF"),
    ("balanced_rf", "balanced RF (no depth limit)"),
    ("gbdt", "GBDT (1000 trees, lr 0.01)"),
    ("gbdt_weighted", "GBDT weighted (α = 1 − r)"),
    ("gbdt_focal", "GBDT focal (α = 0.25, γ = 2)"),
    ("nn", "NN (2×150, BN, dropout 0.5)"),
    ("nn_focal", "NN focal (α = 0.25, γ = 2)"),
    ("under_gbdt", "under-sampling + GBDT"),
    ("smote_gbdt", "SMOTE + GBDT"),
]

GBDT_TREES, GBDT_ETA, GBDT_DEPTH = 1000, 0.01, 6
NN_EPOCHS = 2
ALPHA, GAMMA, FLOOR = 0.25, 2.0, 1e-6


def loadavg():
    return "%.2f %.2f %.2f" % os.getloadavg()


def quality(y, s):
    from sklearn.metrics import average_precision_score, roc_auc_score
    s = np.asarray(s, dtype=np.float64)
    return roc_auc_score(y, s), average_precision_score(y, s)


# ---------------------------------------------------------------- Python peers (timed parts)

def peer_one_variable(col):
    def run(Xtr, ytr, Xte):
        from sklearn.metrics import roc_auc_score
        sign = 1.0 if roc_auc_score(ytr, Xtr[:, col]) >= 0.5 else -1.0
        return sign * Xte[:, col].astype(np.float64)
    return run


def peer_forest(kind):
    def run(Xtr, ytr, Xte):
        if kind == "balanced":
            from imblearn.ensemble import BalancedRandomForestClassifier
            m = BalancedRandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0)
        else:
            from sklearn.ensemble import RandomForestClassifier
            m = RandomForestClassifier(n_estimators=100, max_depth=10, n_jobs=2, random_state=0,
                                       class_weight="balanced" if kind == "weighted" else None)
        m.fit(Xtr, ytr)
        return m.predict_proba(Xte)[:, 1]
    return run


def xgb_fit_predict(Xtr, ytr, w, Xte, focal=False, at=None):
    """xgboost.train like our GbdtModel: event weights w normalised to mean 1, then times α_t
    (`at`, weighted cross entropy) as the built-in objective's weights; base score = the
    weighted prior; 1000 rounds of hist depth 6 at eta 0.01 on 2 threads."""
    import xgboost as xgb
    w = None if w is None else w / np.mean(np.abs(w))
    params = dict(tree_method="hist", max_depth=GBDT_DEPTH, eta=GBDT_ETA, nthread=2, max_bin=256,
                  objective="binary:logistic", min_child_weight=1.0, verbosity=0, seed=1)
    wt = np.ones(len(ytr)) if w is None else w
    if at is not None:
        wt = wt * at
    obj = None
    if focal:
        at = np.where(ytr == 1, ALPHA, 1 - ALPHA)
        wt = wt * at
        pi = (wt * ytr).sum() / wt.sum()  # the α-weighted prior our model starts from
        z0 = np.full(len(ytr), np.log(pi / (1 - pi)))
        _, h0 = focal_grad_hess(z0, ytr, ALPHA, GAMMA, FLOOR)
        p0 = 1 / (1 + np.exp(-z0))
        params.update(base_score=float(pi), max_delta_step=1.0,
                      min_child_weight=float(h0.sum() / (wt * p0 * (1 - p0)).sum()))
        w_base = 1.0 if w is None else w

        def obj(predt, dtrain):
            g, h = focal_grad_hess(predt, ytr, ALPHA, GAMMA, FLOOR)
            return g * w_base, h * w_base
    else:
        params.update(base_score=float((wt * ytr).sum() / wt.sum()))
    dtr = xgb.DMatrix(Xtr, label=ytr, weight=None if np.all(wt == 1.0) else wt, nthread=2)
    b = xgb.train(params, dtr, GBDT_TREES, obj=obj)
    return b.predict(xgb.DMatrix(Xte, nthread=2), output_margin=focal)


def peer_gbdt(variant):
    def run(Xtr, ytr, Xte):
        if variant == "plain":
            return xgb_fit_predict(Xtr, ytr, None, Xte)
        if variant == "weighted":
            r = ytr.mean()
            return xgb_fit_predict(Xtr, ytr, None, Xte, at=np.where(ytr == 1, 1 - r, r))
        if variant == "focal":
            return xgb_fit_predict(Xtr, ytr, None, Xte, focal=True)
        if variant == "under":
            from imblearn.under_sampling import RandomUnderSampler
            rus = RandomUnderSampler(sampling_strategy=1.0, random_state=1)
            Xr, yr = rus.fit_resample(Xtr, ytr)
            nb, nbk = (ytr == 0).sum(), (yr == 0).sum()
            return xgb_fit_predict(Xr, yr, np.where(yr == 0, nb / nbk, 1.0), Xte)
        if variant == "smote":
            from imblearn.over_sampling import SMOTE
            from sklearn.neighbors import NearestNeighbors
            mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0)
            sd[sd == 0] = 1
            sm = SMOTE(sampling_strategy=1.0, random_state=1,
                       k_neighbors=NearestNeighbors(n_neighbors=6, n_jobs=2))
            Xs, yr = sm.fit_resample((Xtr - mu) / sd, ytr)
            Xr = (Xs * sd + mu).astype(np.float32)
            ns, nsn = (ytr == 1).sum(), (yr == 1).sum()
            return xgb_fit_predict(Xr, yr, np.where(yr == 1, ns / nsn, 1.0), Xte)
        raise ValueError(variant)
    return run


def peer_nn(focal):
    def run(Xtr, ytr, Xte):
        import torch
        from torch import nn
        torch.manual_seed(1)
        mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0)
        sd[sd == 0] = 1
        Xs = torch.from_numpy(((Xtr - mu) / sd).astype(np.float32))
        yt = torch.from_numpy(ytr.astype(np.float32)).unsqueeze(1)
        d = Xtr.shape[1]
        model = nn.Sequential(nn.Linear(d, 150), nn.BatchNorm1d(150), nn.ReLU(), nn.Dropout(0.5),
                              nn.Linear(150, 150), nn.BatchNorm1d(150), nn.ReLU(),
                              nn.Dropout(0.5), nn.Linear(150, 1))
        prior = ytr.mean()
        if focal:  # the α-weighted prior, as the loss sees the classes
            prior = ALPHA * prior / (ALPHA * prior + (1 - ALPHA) * (1 - prior))
        with torch.no_grad():
            model[-1].bias.fill_(float(np.log(prior / (1 - prior))))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        bce = nn.BCEWithLogitsLoss()

        def focal_loss(z, t):
            logp, log1mp = nn.functional.logsigmoid(z), nn.functional.logsigmoid(-z)
            logpt = torch.where(t > 0.5, logp, log1mp)
            pt = torch.exp(logpt)
            at = torch.where(t > 0.5, torch.full_like(z, ALPHA), torch.full_like(z, 1 - ALPHA))
            return (-at * (1 - pt) ** GAMMA * logpt).mean()

        loss_fn = focal_loss if focal else bce
        n = len(Xs)
        for _ in range(NN_EPOCHS):
            model.train()
            perm = torch.randperm(n)
            for i in range(0, n, 50):
                idx = perm[i:i + 50]
                if len(idx) < 2:
                    continue
                opt.zero_grad()
                loss = loss_fn(model(Xs[idx]), yt[idx])
                loss.backward()
                opt.step()
        model.eval()
        with torch.no_grad():
            Xe = torch.from_numpy(((Xte - mu) / sd).astype(np.float32))
            return torch.sigmoid(model(Xe)).numpy().ravel().astype(np.float64)
    return run


PEERS = {
    "dphi": ("one variable (numpy)", peer_one_variable(0)),
    "pt": ("one variable (numpy)", peer_one_variable(1)),
    "rf": ("sklearn RF n_jobs=2", peer_forest("plain")),
    "weighted_rf": ("sklearn RF balanced", peer_forest("weighted")),
    "balanced_rf": ("imblearn BRF", peer_forest("balanced")),
    "gbdt": ("xgboost.train", peer_gbdt("plain")),
    "gbdt_weighted": ("xgboost.train weights", peer_gbdt("weighted")),
    "gbdt_focal": ("xgboost + Python focal obj", peer_gbdt("focal")),
    "nn": ("torch 1 thread", peer_nn(False)),
    "nn_focal": ("torch 1 thread focal", peer_nn(True)),
    "under_gbdt": ("imblearn RUS + xgboost", peer_gbdt("under")),
    "smote_gbdt": ("imblearn SMOTE + xgboost", peer_gbdt("smote")),
}


def ours(binary, key):
    res = subprocess.run([binary, "run", OUT, key], check=True, capture_output=True, text=True)
    line = json.loads(res.stdout.strip().splitlines()[-1])
    return line, np.load(os.path.join(OUT, f"table1_scores_{key}.npy"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="path of the table1_bench executable")
    ap.add_argument("--data-bin", help="trees_bench executable (makes the data when missing)")
    ap.add_argument("--rows", default="all", help="comma-separated row keys (default: all)")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    if not os.path.exists(os.path.join(OUT, "learn_170k_y.npy")):
        if not args.data_bin:
            sys.exit("bench/out/learn_170k_{x,y}.npy missing: pass --data-bin <trees_bench>")
        subprocess.run([args.data_bin, "make-data", OUT], check=True)
    X = np.load(os.path.join(OUT, "learn_170k_x.npy"))
    y = np.load(os.path.join(OUT, "learn_170k_y.npy"))
    from sklearn.model_selection import train_test_split
    tr, te = train_test_split(np.arange(len(y)), test_size=0.2, stratify=y, random_state=SEED)
    tr, te = np.sort(tr).astype(np.int64), np.sort(te).astype(np.int64)
    np.save(os.path.join(OUT, "table1_train_idx.npy"), tr)
    np.save(os.path.join(OUT, "table1_test_idx.npy"), te)
    Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
    keys = [k for k, _ in ROWS] if args.rows == "all" else args.rows.split(",")
    labels = dict(ROWS)
    print(f"data {X.shape[0]} x {X.shape[1]}, signal {y.mean():.4f}; train {len(tr)} "
          f"(signal {ytr.mean():.4f}), test {len(te)}")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores; load average at start {loadavg()}")
    results = []
    for key in keys:
        load_before = loadavg()
        line, s_ours = ours(args.bin, key)
        peer_name, peer = PEERS[key]
        t0 = time.perf_counter()
        s_peer = peer(Xtr, ytr, Xte)
        py_s = time.perf_counter() - t0
        qa, qb = quality(yte, s_ours), quality(yte, s_peer)
        r = dict(row=key, label=labels[key], ours_s=line["seconds"],
                 ours_resample_s=line["resample_seconds"], ours_fit_s=line["fit_seconds"],
                 ours_predict_s=line["predict_seconds"], peer=peer_name, py_s=py_s,
                 auc=qa[0], ap=qa[1], py_auc=qb[0], py_ap=qb[1], load=load_before)
        results.append(r)
        print(f"  {key:14s} ours {r['ours_s']:8.2f} s  AUC {qa[0]:.4f} AP {qa[1]:.4f} | "
              f"{peer_name:28s} {py_s:8.2f} s  AUC {qb[0]:.4f} AP {qb[1]:.4f} | "
              f"python/ours {py_s / max(r['ours_s'], 1e-9):6.1f}x  (load {load_before})",
              flush=True)
    tot_o = sum(r["ours_s"] for r in results)
    tot_p = sum(r["py_s"] for r in results)
    print(f"load average at end {loadavg()}")
    print("\n| row | ours [s] | Python [s] | Python/ours | AUC ours | AUC Python | AP ours | "
          "AP Python | peer |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = r["py_s"] / max(r["ours_s"], 1e-9)
        print(f"| {r['label']} | {r['ours_s']:.2f} | {r['py_s']:.2f} | {ratio:.1f} | "
              f"{r['auc']:.4f} | {r['py_auc']:.4f} | {r['ap']:.4f} | {r['py_ap']:.4f} | "
              f"{r['peer']} |")
    print(f"| **total** | {tot_o:.2f} | {tot_p:.2f} | {tot_p / tot_o:.2f} | | | | | |")
    verdict = "met" if tot_p >= 5 * tot_o else "MISSED"
    print(f"\nours / Python = {tot_o / tot_p:.3f} (target <= 0.2): {verdict}")
    with open(os.path.join(OUT, "table1_results.json"), "w") as f:
        json.dump(dict(rows=results, total_ours_s=tot_o, total_python_s=tot_p), f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
