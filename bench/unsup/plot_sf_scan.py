#!/usr/bin/python3
"""Draws the CSV of `imbalance-cli sf-scan` as an SVG: AUC and max eps_S/sqrt(eps_B) against
S/B (log axis), one line per method. Standard library only (no matplotlib on the build
machines).

usage: /usr/bin/python3 bench/unsup/plot_sf_scan.py scan.csv out.svg [title]
"""
import csv
import math
import sys
from collections import OrderedDict

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rows = list(csv.DictReader(open(sys.argv[1])))
    title = sys.argv[3] if len(sys.argv) > 3 else "signal-fraction scan"
    methods = OrderedDict()
    for r in rows:
        methods.setdefault(r["method"], []).append(r)
    xs = sorted({float(r["s_over_b"]) for r in rows})
    lx0, lx1 = math.log10(xs[0]) - 0.15, math.log10(xs[-1]) + 0.15
    panels = [("AUC (inside the window)", "auc", 0.4, 1.0),
              ("max significance improvement ε_S/√ε_B", "max_sic", 0.0,
               max(1.0, max(float(r["max_sic"]) for r in rows)) * 1.1)]
    W, H, pw, ph, ml, mt = 1010, 400, 340, 270, 70, 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>']
    for p, (label, key, y0, y1) in enumerate(panels):
        ox = ml + p * (pw + 110)
        def X(v):
            return ox + (math.log10(v) - lx0) / (lx1 - lx0) * pw
        def Y(v):
            return mt + ph - (min(max(v, y0), y1) - y0) / (y1 - y0) * ph
        out.append(f'<rect x="{ox}" y="{mt}" width="{pw}" height="{ph}" fill="none" stroke="black"/>')
        out.append(f'<text x="{ox + pw / 2}" y="{mt - 8}" text-anchor="middle">{label}</text>')
        for v in xs:
            out.append(f'<line x1="{X(v):.1f}" y1="{mt + ph}" x2="{X(v):.1f}" y2="{mt + ph + 5}" stroke="black"/>')
            out.append(f'<text x="{X(v):.1f}" y="{mt + ph + 18}" text-anchor="middle">{v * 100:g} %</text>')
        out.append(f'<text x="{ox + pw / 2}" y="{mt + ph + 36}" text-anchor="middle">S/B of the sample</text>')
        for k in range(6):
            v = y0 + (y1 - y0) * k / 5
            out.append(f'<line x1="{ox - 5}" y1="{Y(v):.1f}" x2="{ox + pw}" y2="{Y(v):.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{ox - 8}" y="{Y(v) + 4:.1f}" text-anchor="end">{v:.2f}</text>')
        for m, (name, pts) in enumerate(methods.items()):
            c = COLOURS[m % len(COLOURS)]
            pts = sorted(pts, key=lambda r: float(r["s_over_b"]))
            path = " ".join(f'{X(float(r["s_over_b"])):.1f},{Y(float(r[key])):.1f}' for r in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"/>')
            for r in pts:
                out.append(f'<circle cx="{X(float(r["s_over_b"])):.1f}" cy="{Y(float(r[key])):.1f}" r="3.5" fill="{c}"/>')
            if p == 1:
                ly = mt + 14 + 18 * m
                out.append(f'<line x1="{ox + pw + 12}" y1="{ly}" x2="{ox + pw + 32}" y2="{ly}" stroke="{c}" stroke-width="2"/>')
                out.append(f'<text x="{ox + pw + 36}" y="{ly + 4}">{name}</text>')
    out.append("</svg>")
    open(sys.argv[2], "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
