"""imbalanced-learn peer of bench_smote: SMOTE(k_neighbors=5) on the same .npy events."""
import sys
import time

import numpy as np
from imblearn.over_sampling import SMOTE

out = sys.argv[1]
x = np.load(f"{out}/smote_x.npy")
y = np.load(f"{out}/smote_y.npy")
c0 = time.process_time()
t0 = time.perf_counter()
xr, yr = SMOTE(k_neighbors=5, random_state=0).fit_resample(x, y)
t1 = time.perf_counter()
c1 = time.process_time()
print(f"rows_in {len(y)} rows_out {len(yr)}")
print(f"peer_seconds {t1 - t0:.4f}")
print(f"peer_cpu_seconds {c1 - c0:.4f}")
