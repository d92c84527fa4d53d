"""scikit-learn peer for bench_eval_metrics: reads the same .npy inputs and times
roc_curve + precision_recall_curve + average_precision_score (weighted). Run with Debian's
/usr/bin/python3 (sklearn 1.2.1). Prints "key value" lines like the C++ program."""
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_curve

out = sys.argv[1]
scores = np.load(f"{out}/eval_scores.npy")
labels = np.load(f"{out}/eval_labels.npy")
weights = np.load(f"{out}/eval_weights.npy")

t0 = time.perf_counter()
c0 = time.process_time()
# drop_intermediate=False: the full curve, which is what ours returns.
fpr, tpr, _ = roc_curve(labels, scores, sample_weight=weights, drop_intermediate=False)
precision, recall, _ = precision_recall_curve(labels, scores, sample_weight=weights)
ap = average_precision_score(labels, scores, sample_weight=weights)
# sklearn.metrics.auc refuses a curve that steps back (negative weights); this is its formula.
auc = float(np.trapz(tpr, fpr))
t1 = time.perf_counter()
c1 = time.process_time()

print(f"sklearn {sklearn.__version__}")
print(f"events {scores.size}")
print(f"roc_points {fpr.size}")
print(f"auc {auc:.15g}")
print(f"ap {ap:.15g}")
print(f"seconds {t1 - t0:.4f}")
print(f"cpu_seconds {c1 - c0:.4f}")
