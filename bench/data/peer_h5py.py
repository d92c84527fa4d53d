"""Peer of bench_data_read: Debian's h5py + numpy on the same file, same cut.

(a) read every column of /events into numpy arrays; (b) read every column, build the mask of the
three-term cut with numpy and keep the selected events of every column.
Prints "<name> <seconds> <events>" lines like bench_data_read. Run with /usr/bin/python3.
"""
import sys
import time

import h5py
import numpy as np


def main():
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with h5py.File(path, "r") as f:
        g = f["events"]
        names = sorted(g.keys())
        for _ in range(repeats):
            t0 = time.perf_counter()
            cols = {k: g[k][:] for k in names}
            n = len(cols[names[0]])
            print(f"a_read_all {time.perf_counter() - t0:.4f} {n}", flush=True)
            del cols
            t0 = time.perf_counter()
            cols = {k: g[k][:] for k in names}
            mask = (cols["x00"] > 0) & (cols["x01"] < 0.5) & (np.abs(cols["x02"]) < 1)
            sel = {k: v[mask] for k, v in cols.items()}
            del cols
            n = len(sel[names[0]])
            print(f"b_read_cut {time.perf_counter() - t0:.4f} {n}", flush=True)
            del sel


if __name__ == "__main__":
    main()
