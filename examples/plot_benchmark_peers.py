"""
Speed against other solvers, at equal accuracy
==============================================

The same 100-alpha Lasso path (alpha_max down to 1e-2 · alpha_max, no
intercept) on the Debian description tf-idf, fitted by fastreg,
scikit-learn, celer, skglm, python-glmnet and adelie. Every library's
tolerance means something different, so ``benchmarks/compare_peers.py``
compares them at equal *measured* accuracy: it tightens each solver's own
tolerance until the relative suboptimality ``(P(β) − P*) / P(0)``, checked
against a certified reference, is at most 1e-6 at every alpha, then times that
setting (best of several runs).

This example only draws the numbers stored by one run of the script
(``--out``), in ``benchmarks/results/lasso_path_debian.json``; it measures
nothing itself. The machine, the date and the versions are in the file; it
was a 2-core machine shared with other work, so single timings are noisy
and the ratios within the run say more than the absolute times.
To measure on your machine::

    pip install ".[bench]"
    python benchmarks/compare_peers.py --data debian --out results.json
"""

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

try:
    HERE = Path(__file__).resolve().parent
except NameError:  # run interactively
    HERE = Path.cwd()
RESULTS = HERE.parent / "benchmarks" / "results" / "lasso_path_debian.json"

results = json.loads(RESULTS.read_text(encoding="utf-8"))
dataset = results["datasets"][0]
print(f"{dataset['label']}, measured {results['date']} on {results['machine']['platform']}")
print("versions:", ", ".join(f"{k} {v}" for k, v in results["versions"].items() if v))

# %%
# The time of each solver at the loosest of its own tolerances that reaches
# the target (ratio to fastreg on each bar). ``fastreg tol=1e-06`` is fastreg
# at its default tolerance, whose certified gaps are far below the target.
solvers = {name: r for name, r in dataset["solvers"].items() if r and r.get("seconds")}
names = sorted(solvers, key=lambda name: solvers[name]["seconds"])
seconds = np.array([solvers[name]["seconds"] for name in names])
base = solvers["fastreg"]["seconds"]

fig, ax = plt.subplots(figsize=(8, 4))
bars = ax.barh(names, seconds, color=["C0" if n.startswith("fastreg") else "C7" for n in names])
for bar, s in zip(bars, seconds):
    ax.text(s * 1.05, bar.get_y() + bar.get_height() / 2, f"{s:.2f} s ({s / base:.2g}×)",
            va="center", fontsize=9)
ax.set_xscale("log")
ax.set_xlim(right=seconds.max() * 4)
ax.invert_yaxis()
ax.set_xlabel("seconds for the whole path (log scale)")
ax.set_title(f"Lasso path at relative suboptimality ≤ {results['target_subopt']:g}")
fig.tight_layout()

# %%
# Accuracy against time: every tolerance each solver was run at on its way
# to the target (the ``tried`` ladder), as the worst relative suboptimality
# over the path against the time of that run. Lower and further left is
# better; the dotted line is the target.
fig, ax = plt.subplots(figsize=(8, 4.5))
for name, r in dataset["solvers"].items():
    if not r or not r.get("tried"):
        continue
    tried = r["tried"]
    ax.plot([t["seconds"] for t in tried], [max(t["subopt"], 1e-16) for t in tried], "o-",
            label=name, lw=2 if name == "fastreg" else 1)
ax.axhline(results["target_subopt"], ls=":", color="k")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("seconds per path (one run)")
ax.set_ylabel("max relative suboptimality over the path")
ax.legend(fontsize=8)
fig.tight_layout()
