"""numpy peer of bench_expr: the same three-term cut on 10,000,000 x 20 float32 columns in memory.

numpy is single-threaded here; it evaluates each term as a whole-array pass. Prints one line
"numpy best of 5: <s> s  <ns> ns/event  (kept <k>)". Run with Debian's /usr/bin/python3.
"""
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
rng = np.random.default_rng(20261122)
cols = [rng.random(n, dtype=np.float32) for _ in range(20)]
c0, c1, c2, c3 = cols[:4]

best = float("inf")
for _ in range(5):
    t0 = time.perf_counter()
    keep = ((c0 > 0.2) & (c1 < 0.7)) | (c2 * c3 > 0.1)
    best = min(best, time.perf_counter() - t0)
print(f"numpy best of 5: {best:.4f} s  {best * 1e9 / n:.2f} ns/event  (kept {int(keep.sum())})")
