#!/usr/bin/python3
"""Reference for test_sideband_fit: the Poisson maximum-likelihood power law
mu(m) = exp(a + b ln m) fitted by scipy.optimize to a small histogram with empty bins
(the bins whose centre is in the sidebands [2900, 3300) and (3700, 4100]).
Run: /usr/bin/python3 tests/reference/sideband_fit/make_reference.py > tests/reference/sideband_fit/reference.txt"""
import numpy as np
from scipy.optimize import minimize

edges = np.arange(2700.0, 4300.0 + 1, 40.0)
centre = 0.5 * (edges[:-1] + edges[1:])
# 40 bins; counts like a 1 % cut of a falling spectrum: small, with zeros.
counts = np.array([5, 3, 4, 2, 0, 3, 1, 2, 0, 1, 2, 1, 0, 1, 0, 6, 9, 12, 10, 8,
                   7, 4, 2, 0, 1, 0, 0, 1, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1], dtype=float)
lo, hi, width = 3300.0, 3700.0, 400.0
side = ((centre >= lo - width) & (centre < lo)) | ((centre > hi) & (centre <= hi + width))
x = np.log(centre[side])
n = counts[side]

def nll(p):
    mu = np.exp(p[0] + p[1] * x)
    return np.sum(mu - n * np.log(mu))

m0 = np.exp(x.mean())
res = minimize(lambda q: nll([q[0] - q[1] * np.log(m0), q[1]]), [np.log(n.mean()), 0.0],
               method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000})
b = res.x[1]
a = res.x[0] - b * np.log(m0)
win = (centre >= lo) & (centre <= hi)
expected = np.exp(a + b * np.log(centre[win])).sum()
observed = counts[win].sum()
print(repr(a), repr(b), repr(expected), repr(observed))
