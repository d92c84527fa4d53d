#!/usr/bin/python3
"""Network benchmark against PyTorch (helper area "nets"). Run with Debian's /usr/bin/python3:

  /usr/bin/python3 bench/learn/nets_bench.py epoch --bin BUILD/bench/learn/nets_bench [--epochs 2]
      epoch time of the paper's network (20 → 150 → 150 → 1, BN, ReLU, dropout 0.5, Adam 1e-3,
      batch 50, BCE) on bench/out/learn_170k (made by `trees_bench make-data bench/out`),
      ours (threads setting 2; training itself runs on one thread) vs PyTorch with the same
      architecture in the same run. --torch-threads (default 1): on this shared 2-core machine
      PyTorch with 2 intra-op threads was ~14x slower per batch than with 1, so 1 is the fair
      peer. --torch-batches B times B batches and scales to the full epoch (said in the output).
      PyTorch draws batches by slicing a shuffled index (the fastest plain-PyTorch loop; a
      DataLoader over a TensorDataset is slower still and is reported too).
  /usr/bin/python3 bench/learn/nets_bench.py ww --bin BUILD/bench/learn/nets_bench
      5-fold AP / AUC of the network (plain and focal α = 0.25, γ = 2) on the WW example,
      ours vs PyTorch on the same folds, validation split and early stopping (patience 5).
      --seeds S1,S2,..: repeat with each seed offset (fold k trains with seed k + 1 + offset
      on both sides) and also print the mean over all folds × seeds (default: 0).
      --variants nn,nn-focal picks the networks; --patience, --max-epochs (default 5, 50);
      --json FILE writes every fold (with its per-epoch losses) to FILE.
"""
import argparse, json, os, subprocess, sys, time
import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "bench", "out")


def net(d):
    """The same model as ours: He N(0, 2/fan_in) hidden weights, N(0, 0.01²) output weights,
    zero biases (the output bias is then set to the prior log-odds), BN γ = 1, β = 0.
    PyTorch's default Linear init (U(±1/√fan_in)) would be a different model."""
    m = nn.Sequential(nn.Linear(d, 150), nn.BatchNorm1d(150), nn.ReLU(), nn.Dropout(0.5),
                      nn.Linear(150, 150), nn.BatchNorm1d(150), nn.ReLU(), nn.Dropout(0.5),
                      nn.Linear(150, 1))
    with torch.no_grad():
        for mod in m:
            if isinstance(mod, nn.Linear):
                nn.init.normal_(mod.weight, 0.0, (2.0 / mod.in_features) ** 0.5)
                nn.init.zeros_(mod.bias)
        nn.init.normal_(m[-1].weight, 0.0, 0.01)
    return m


def focal_loss(z, t, alpha, gamma):
    p = torch.sigmoid(z)
    pt = torch.where(t > 0.5, p, 1 - p)
    at = torch.where(t > 0.5, torch.full_like(p, alpha), torch.full_like(p, 1 - alpha))
    logpt = torch.where(t > 0.5, nn.functional.logsigmoid(z), nn.functional.logsigmoid(-z))
    return (-at * (1 - pt) ** gamma * logpt).mean()


def train_epochs(X, y, epochs, prior, loss_fn=None, Xv=None, yv=None, patience=5, seed=1,
                 max_batches=None):
    torch.manual_seed(seed)
    model = net(X.shape[1])
    with torch.no_grad():
        model[-1].bias.fill_(float(np.log(prior / (1 - prior))))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    bce = nn.BCEWithLogitsLoss()
    loss_fn = loss_fn or (lambda z, t: bce(z, t))
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.float32)).unsqueeze(1)
    best, best_state, wait, times = np.inf, None, 0, []
    hist = {"train_loss": [], "val_loss": [], "best_epoch": 0}
    for ep in range(epochs):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(len(Xt))
        tl, tn = 0.0, 0
        for i in range(0, len(Xt), 50):
            if max_batches is not None and i // 50 >= max_batches:
                break
            idx = perm[i:i + 50]
            if len(idx) < 2:
                continue
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            tl += float(loss) * len(idx)
            tn += len(idx)
        times.append(time.perf_counter() - t0)
        if Xv is not None:
            model.eval()
            with torch.no_grad():
                vl = float(loss_fn(model(torch.from_numpy(Xv)),
                                   torch.from_numpy(yv.astype(np.float32)).unsqueeze(1)))
            hist["train_loss"].append(tl / max(tn, 1))
            hist["val_loss"].append(vl)
            if vl < best:
                best, wait = vl, 0
                hist["best_epoch"] = ep + 1
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
            else:
                wait += 1
                if wait >= patience:
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    train_epochs.history = hist
    return model, times


def dataloader_epoch(X, y):
    torch.manual_seed(1)
    model = net(X.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    bce = nn.BCEWithLogitsLoss()
    ds = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y.astype(np.float32)).unsqueeze(1))
    dl = torch.utils.data.DataLoader(ds, batch_size=50, shuffle=True, drop_last=True)
    t0 = time.perf_counter()
    for xb, yb in dl:
        opt.zero_grad()
        bce(model(xb), yb).backward()
        opt.step()
    return time.perf_counter() - t0


def standardise(Xtr, *others):
    m, s = Xtr.mean(0), Xtr.std(0)
    s[s == 0] = 1
    return [((a - m) / s).astype(np.float32) for a in (Xtr,) + others]


def cmd_epoch(a):
    """--torch-batches B times only B mini-batches of PyTorch and scales to a full epoch
    (3,400 batches), said so in the output; the DataLoader variant only with --dataloader."""
    torch.set_num_threads(a.torch_threads)
    X = np.load(os.path.join(OUT, "learn_170k_x.npy"))
    y = np.load(os.path.join(OUT, "learn_170k_y.npy"))
    ours = json.loads(subprocess.check_output([a.bin, "epoch", OUT, str(a.epochs), "2"]))
    (Xs,) = standardise(X)
    batches = (len(Xs) + 49) // 50
    _, times = train_epochs(Xs, y, 1, y.mean(), max_batches=a.torch_batches)
    used = min(batches, a.torch_batches or batches)
    torch_epoch = float(np.mean(times)) * batches / used
    out = {"ours_epoch_s": ours["epoch_seconds"], "torch_threads": a.torch_threads,
           "torch_batches_timed": used, "torch_epoch_s": torch_epoch,
           "ratio_ours_over_torch": ours["epoch_seconds"] / torch_epoch}
    if a.dataloader:
        out["torch_dataloader_epoch_s"] = dataloader_epoch(Xs, y)
    print(json.dumps(out, indent=1))


def print_ww(variant, seed, who, r):
    """One line: AP, AUC (mean ± std over the folds given) and fit time; for several seeds the
    std is over all folds × seeds and the mean of the per-seed fold stds is printed too."""
    ap = np.array([f["ap"] for f in r]); auc = np.array([f["auc"] for f in r])
    t = np.array([f["fit_seconds"] for f in r]); ep = np.array([f["epochs"] for f in r])
    offs = sorted({f["seed_offset"] for f in r})
    extra = ""
    if len(offs) > 1:
        per = lambda v: np.mean([np.std([f[v] for f in r if f["seed_offset"] == o], ddof=1)
                                 for o in offs])
        seedm = lambda v: np.std([np.mean([f[v] for f in r if f["seed_offset"] == o])
                                  for o in offs], ddof=1)
        extra = (f"  [fold std per seed: AP {per('ap'):.3f} AUC {per('auc'):.3f}; std of the "
                 f"seed means: AP {seedm('ap'):.3f} AUC {seedm('auc'):.3f}]")
    print(f"{variant:9s} {seed:8s} {who:6s} AP {ap.mean():.3f} ± {ap.std(ddof=1):.3f}  "
          f"AUC {auc.mean():.3f} ± {auc.std(ddof=1):.3f}  t_fit {t.mean():.1f} ± "
          f"{t.std(ddof=1):.1f} s  epochs {ep.mean():.1f}{extra}", flush=True)


def cmd_ww(a):
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    torch.set_num_threads(a.torch_threads)
    # The WW example's features after its cut, exported by our own loader so both sides see
    # the same events.
    subprocess.check_call([a.bin, "ww-export",
                           os.path.join(ROOT, "resources/examples/ww/ww.analysis.json"), OUT])
    X = np.load(os.path.join(OUT, "ww_x.npy"))
    y = np.load(os.path.join(OUT, "ww_y.npy"))
    folds = np.full(len(y), -1, dtype=np.int64)
    for k, (_, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=1).split(X, y)):
        folds[te] = k
    np.save(os.path.join(OUT, "ww_folds.npy"), folds)
    res = {}
    seeds = [int(v) for v in a.seeds.split(",")]
    for variant in a.variants.split(","):
        res[variant] = {"ours": [], "torch": []}
        for off in seeds:
            ours = json.loads(subprocess.check_output([a.bin, "ww-" + variant, OUT, str(off),
                                                       str(a.patience), str(a.max_epochs)]))
            # Both sides scored by scikit-learn (ours' own AP / AUC kept as *_imbw: the same to
            # rounding).
            s_ours = np.load(os.path.join(
                OUT, f"ww_nn_scores_{'focal_' if variant == 'nn-focal' else ''}{off}.npy"))
            for f in ours:
                te = folds == f["fold"]
                f["ap_imbw"], f["auc_imbw"] = f["ap"], f["auc"]
                f["ap"] = average_precision_score(y[te], s_ours[te])
                f["auc"] = roc_auc_score(y[te], s_ours[te])
            peer = []
            for k in range(5):
                te = np.where(folds == k)[0]
                rest = np.where(folds != k)[0]
                va, tr = rest[0::10], np.array([i for j, i in enumerate(rest) if j % 10 != 0])
                Xtr, Xva, Xte = standardise(X[tr], X[va], X[te])
                lf = (lambda z, t: focal_loss(z, t, 0.25, 2.0)) if variant == "nn-focal" else None
                t0 = time.perf_counter()
                model, times = train_epochs(Xtr, y[tr], a.max_epochs, y[tr].mean(), lf, Xva,
                                            y[va], patience=a.patience, seed=k + 1 + off)
                fit = time.perf_counter() - t0
                model.eval()
                with torch.no_grad():
                    s = torch.sigmoid(model(torch.from_numpy(Xte))).numpy().ravel()
                peer.append({"fold": k, "ap": average_precision_score(y[te], s),
                             "auc": roc_auc_score(y[te], s), "fit_seconds": fit,
                             "epochs": len(times), **train_epochs.history})
            for f in ours:
                f["seed_offset"] = off
            for f in peer:
                f["seed_offset"] = off
            res[variant]["ours"] += ours
            res[variant]["torch"] += peer
            for who, r in (("ours", ours), ("torch", peer)):
                print_ww(variant, f"seed+{off}", who, r)
        if len(seeds) > 1:
            for who in ("ours", "torch"):
                print_ww(variant, "all", who, res[variant][who])
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["epoch", "ww"])
    p.add_argument("--bin", required=True)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--torch-threads", type=int, default=1)
    p.add_argument("--torch-batches", type=int, default=0)
    p.add_argument("--dataloader", action="store_true")
    p.add_argument("--seeds", default="0", help="ww: comma-separated seed offsets")
    p.add_argument("--variants", default="nn,nn-focal", help="ww: nn, nn-focal")
    p.add_argument("--patience", type=int, default=5, help="ww: early-stopping patience")
    p.add_argument("--max-epochs", type=int, default=50, help="ww: epoch limit")
    p.add_argument("--json", help="ww: also write the per-fold results (loss curves) here")
    a = p.parse_args()
    {"epoch": cmd_epoch, "ww": cmd_ww}[a.what](a)
