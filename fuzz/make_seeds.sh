#!/usr/bin/env bash
# Writes the seed inputs of the fuzz targets into DIR/<target>/ (not committed: made each run).
#   bash fuzz/make_seeds.sh DIR
# reader: small HDF5 files written by h5py (/usr/bin/python3, python3-h5py) in the layouts the
#         reader detects, plus the first 64 kB of the bundled WW sample;
# model:  the committed small model files of fuzz/seeds/model (one per model file kind);
# expr, analysis: README examples and the bundled analysis file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"
mkdir -p "$out"/{expr,analysis,model,reader}

i=0
while IFS= read -r line; do
  [[ -n "$line" ]] && printf '%s' "$line" >"$out/expr/seed_$((i++))"
done <<'EXPRS'
mjj > 200
pt(j1_px, j1_py) > 30 && abs(eta(j1_px, j1_py, j1_pz)) < 2.5
x > 1 ? sqrt(abs(y)) : -log10(mjj + 1e-3) % 7
jet_pt[0] > 25 && count(jet_pt) >= 2 || max(jet_pt) / sum(jet_pt) < 0.5
deltaR(x, y, mjj, w) < 0.4 && deltaPhi(x, y) > 2 && !isnan(pt_j1)
mass(x, y, mjj, w, x, y, mjj, w) + mass1(x, y, mjj, w) + rapidity(x, y)
min(x, y, mjj) <= max(pow(x, 2), atan2(y, x)) != floor(ceil(round(sign(w))))
EXPRS

cp "$root/resources/examples/ww/ww.analysis.json" "$out/analysis/ww.json"
sed -n '/^```json$/,/^```$/p' "$root/README.md" | sed '1d;$d' >"$out/analysis/readme.json"
printf '%s' '{"formatVersion": 1, "samples": [{"path": "a.h5", "class": "s"}, {"path": "b.h5", "label": {"column": "l", "classes": {"1": "s", "*": "b"}}, "weight": "w * 2"}], "classes": ["b", "s"], "signalClass": "s", "cut": "x > 1", "features": ["x"], "runs": [{"model": {"kind": "gbdt", "trees": 3}, "loss": {"kind": "focal", "alpha": "1-r", "gamma": 2}, "resample": {"kind": "smote", "k": 3}}, {"model": "mlp"}]}' >"$out/analysis/small.json"

cp "$root"/fuzz/seeds/model/* "$out/model/" 2>/dev/null || true

head -c 65536 "$root/resources/examples/ww/ww_polarization_01.h5" >"$out/reader/ww_head.h5"
/usr/bin/python3 - "$out/reader" <<'PY'
import sys, numpy as np, h5py
d = sys.argv[1]
rng = np.random.default_rng(1)
with h5py.File(f"{d}/columns.h5", "w") as f:
    g = f.create_group("events")
    g["x"] = rng.normal(size=20).astype("f4")
    g["n"] = np.arange(20, dtype="i8")
    g["label"] = (np.arange(20) % 2).astype("u1")
    g.create_dataset("s", data=np.array([b"s", b"b"] * 10), dtype="S1")
with h5py.File(f"{d}/matrix.h5", "w") as f:
    ds = f.create_dataset("data", data=rng.normal(size=(12, 3)).astype("f8"))
    ds.attrs["columns"] = np.array([b"a", b"b", b"c"])
with h5py.File(f"{d}/compound.h5", "w") as f:
    t = np.zeros(10, dtype=[("x", "f4"), ("y", "i4"), ("flag", "?")])
    t["x"] = rng.normal(size=10)
    f.create_dataset("table", data=t)
with h5py.File(f"{d}/jagged_chunked.h5", "w") as f:
    g = f.create_group("ev")
    vt = h5py.vlen_dtype(np.dtype("f4"))
    jets = g.create_dataset("jet_pt", (8,), dtype=vt)
    for i in range(8):
        jets[i] = np.arange(i % 3, dtype="f4") + 10
    g.create_dataset("met", data=rng.normal(size=8).astype("f4"), chunks=(4,),
                     compression="gzip", shuffle=True)
PY
