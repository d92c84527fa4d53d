#!/usr/bin/python3
"""Issue 12 "many events on one machine": writes N events x 30 columns (28 float32 features,
a float32 event weight, an int8 truth label) as one HDF5 group of 1-D datasets, plus an analysis
file that uses every feature, the label (1 = signal) and the weight, with a two-term cut.

Physics-like on purpose: about 3 % signal; background falls exponentially in the momenta and
the missing energy, signal is harder and more central; weights are mostly around 1 with 2 %
negative ones (NLO-like). Deterministic (seed 12). Written in blocks of 1M events, so the
generator itself needs ~200 MB whatever N is.

Usage: /usr/bin/python3 bench/scale/gen_events.py N OUTDIR   (e.g. 1000000 /tmp/imbw_scale)
Writes OUTDIR/events_<N>.h5 and OUTDIR/events_<N>.analysis.json (never committed).
"""
import json
import os
import sys

import h5py
import numpy as np

FEATURES = (
    [f"jet{j}_{q}" for j in range(1, 5) for q in ("pt", "eta", "phi", "m")]  # 16
    + ["lep_pt", "lep_eta", "lep_phi", "met", "met_phi", "ht", "mjj", "detajj",
       "dphi_lep_met", "mt", "njets", "nbjets"]  # 12
)
assert len(FEATURES) == 28
SIGNAL_FRACTION = 0.03
BLOCK = 1_000_000


def block(rng, n):
    y = (rng.random(n) < SIGNAL_FRACTION).astype(np.int8)
    s = y.astype(np.float32)
    cols = {}
    for j in range(1, 5):
        scale = (60.0 / j) * (1.0 + 0.4 * s)
        cols[f"jet{j}_pt"] = 20.0 + rng.exponential(1.0, n).astype(np.float32) * scale
        cols[f"jet{j}_eta"] = rng.normal(0.0, 2.2 - 0.8 * s, n).astype(np.float32)
        cols[f"jet{j}_phi"] = rng.uniform(-np.pi, np.pi, n).astype(np.float32)
        cols[f"jet{j}_m"] = (5.0 + rng.gamma(2.0, 4.0 + 2.0 * s, n)).astype(np.float32)
    cols["lep_pt"] = (25.0 + rng.exponential(1.0, n) * (35.0 + 15.0 * s)).astype(np.float32)
    cols["lep_eta"] = rng.normal(0.0, 1.6 - 0.5 * s, n).astype(np.float32)
    cols["lep_phi"] = rng.uniform(-np.pi, np.pi, n).astype(np.float32)
    cols["met"] = (rng.exponential(1.0, n) * (30.0 + 40.0 * s)).astype(np.float32)
    cols["met_phi"] = rng.uniform(-np.pi, np.pi, n).astype(np.float32)
    cols["ht"] = sum(cols[f"jet{j}_pt"] for j in range(1, 5)).astype(np.float32)
    cols["mjj"] = (np.sqrt(2.0 * cols["jet1_pt"] * cols["jet2_pt"]
                           * (np.cosh(cols["jet1_eta"] - cols["jet2_eta"]) + 1.0)) * 0.5
                   ).astype(np.float32)
    cols["detajj"] = np.abs(cols["jet1_eta"] - cols["jet2_eta"]).astype(np.float32)
    d = np.abs(cols["lep_phi"] - cols["met_phi"])
    cols["dphi_lep_met"] = np.where(d > np.pi, 2 * np.pi - d, d).astype(np.float32)
    cols["mt"] = np.sqrt(2.0 * cols["lep_pt"] * cols["met"]
                         * (1.0 - np.cos(cols["dphi_lep_met"]))).astype(np.float32)
    cols["njets"] = (2 + rng.poisson(1.2 + 0.8 * s, n)).astype(np.float32)
    cols["nbjets"] = rng.binomial(2, 0.15 + 0.25 * s, n).astype(np.float32)
    w = rng.normal(1.0, 0.1, n)
    w[rng.random(n) < 0.02] *= -1.0
    return cols, w.astype(np.float32), y


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    h5 = os.path.join(out, f"events_{n}.h5")
    rng = np.random.default_rng(12)
    with h5py.File(h5, "w") as f:
        g = f.create_group("events")
        ds = {name: g.create_dataset(name, (n,), dtype="f4") for name in FEATURES}
        ds["weight"] = g.create_dataset("weight", (n,), dtype="f4")
        ds["label"] = g.create_dataset("label", (n,), dtype="i1")
        for start in range(0, n, BLOCK):
            m = min(BLOCK, n - start)
            cols, w, y = block(rng, m)
            for name in FEATURES:
                ds[name][start:start + m] = cols[name]
            ds["weight"][start:start + m] = w
            ds["label"][start:start + m] = y
    analysis = {
        "formatVersion": 2,
        "name": f"scale {n} events",
        "samples": [{"path": os.path.basename(h5), "label": {"column": "label",
                     "classes": {"1": "signal", "0": "background"}}, "weight": "weight"}],
        "classes": ["background", "signal"],
        "signalClass": "signal",
        "cut": "lep_pt > 30 && njets >= 3",
        "features": FEATURES,
        "runs": [],
    }
    with open(os.path.join(out, f"events_{n}.analysis.json"), "w") as f:
        json.dump(analysis, f, indent=1)
    print(h5)


if __name__ == "__main__":
    main()
