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
  /usr/bin/python3 bench/learn/nets_bench.py ww --bin BUILD/bench/learn/nets_bench --build BUILD
      5-fold AP / AUC of the network (plain and focal α = 0.25, γ = 2) on the WW example,
      ours vs PyTorch on the same folds, validation split and early stopping (patience 5).
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
    for ep in range(epochs):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(len(Xt))
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
        times.append(time.perf_counter() - t0)
        if Xv is not None:
            model.eval()
            with torch.no_grad():
                vl = float(loss_fn(model(torch.from_numpy(Xv)),
                                   torch.from_numpy(yv.astype(np.float32)).unsqueeze(1)))
            if vl < best:
                best, wait = vl, 0
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
            else:
                wait += 1
                if wait >= patience:
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
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
    for variant in ("nn", "nn-focal"):
        ours = json.loads(subprocess.check_output([a.bin, "ww-" + variant, OUT]))
        peer = []
        for k in range(5):
            te = np.where(folds == k)[0]
            rest = np.where(folds != k)[0]
            va, tr = rest[0::10], np.array([i for j, i in enumerate(rest) if j % 10 != 0])
            Xtr, Xva, Xte = standardise(X[tr], X[va], X[te])
            lf = (lambda z, t: focal_loss(z, t, 0.25, 2.0)) if variant == "nn-focal" else None
            t0 = time.perf_counter()
            model, times = train_epochs(Xtr, y[tr], 50, y[tr].mean(), lf, Xva, y[va], seed=k + 1)
            fit = time.perf_counter() - t0
            model.eval()
            with torch.no_grad():
                s = torch.sigmoid(model(torch.from_numpy(Xte))).numpy().ravel()
            peer.append({"fold": k, "ap": average_precision_score(y[te], s),
                         "auc": roc_auc_score(y[te], s), "fit_seconds": fit, "epochs": len(times)})
        res[variant] = {"ours": ours, "torch": peer}
        for who in ("ours", "torch"):
            r = res[variant][who]
            ap = np.array([f["ap"] for f in r]); auc = np.array([f["auc"] for f in r])
            t = np.array([f["fit_seconds"] for f in r])
            print(f"{variant:9s} {who:6s} AP {ap.mean():.3f} ± {ap.std(ddof=1):.3f}  "
                  f"AUC {auc.mean():.3f} ± {auc.std(ddof=1):.3f}  t_fit {t.mean():.1f} ± {t.std(ddof=1):.1f} s")
    print(json.dumps(res))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["epoch", "ww"])
    p.add_argument("--bin", required=True)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--torch-threads", type=int, default=1)
    p.add_argument("--torch-batches", type=int, default=0)
    p.add_argument("--dataloader", action="store_true")
    a = p.parse_args()
    {"epoch": cmd_epoch, "ww": cmd_ww}[a.what](a)
