"""
A sparse additive model on cpusmall with the group lasso
========================================================

Each of cpusmall's 12 inputs (system activity counters) is expanded in a
cubic B-spline basis; a group lasso with one group per input then selects
the inputs that matter and fits a smooth function of each: a sparse additive
model ``y ≈ b + Σ_j f_j(x_j)``. The group penalty keeps or drops an input's
whole basis at once, so the selection is by input, not by basis function.

The regularization strength is chosen on a held-out quarter of the data
along the path: the largest alpha whose held-out error is within 5% of the
best, a sparser model that predicts nearly as well. Run from the top of the repository (matplotlib is needed)::

    FASTREG_DATA=/path/to/data python examples/plot_sparse_additive_model.py
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.preprocessing import SplineTransformer

import fastreg

try:
    HERE = Path(__file__).resolve().parent
except NameError:  # run by the gallery (from examples/) or interactively
    HERE = Path.cwd()
DATA = Path(os.environ.get("FASTREG_DATA", HERE.parent / "data"))
NAMES = ["lread", "lwrite", "scall", "sread", "swrite", "fork", "exec", "rchar", "wchar",
         "runqsz", "freemem", "freeswap"]  # cpusmall's inputs, in the LIBSVM order

data = np.load(DATA / "cpusmall.npz")
X, y = data["X"], data["y"]
rng = np.random.default_rng(0)
test = rng.random(len(y)) < 0.25

# %%
# One group of 9 spline columns per input.
splines = SplineTransformer(n_knots=8, degree=3, include_bias=False).fit(X[~test])
Z = splines.transform(X)
per_input = Z.shape[1] // X.shape[1]
groups = np.repeat(np.arange(X.shape[1]), per_input)

path = fastreg.group_lasso_path(Z[~test], y[~test], groups, n_alphas=50, eps=1e-3)
errors = [np.mean((y[test] - Z[test] @ path.coef_at(i) - path.intercepts[i]) ** 2)
          for i in range(len(path))]
best = int(np.flatnonzero(np.array(errors) <= 1.05 * min(errors))[0])
coef = path.coef_at(best).reshape(X.shape[1], per_input)
selected = np.flatnonzero(np.any(coef != 0, axis=1))
print(f"alpha {path.alphas[best]:.3g}: {selected.size} of {X.shape[1]} inputs, held-out MSE "
      f"{errors[best]:.2f} (variance {np.var(y[test]):.1f}), max gap {path.dual_gaps.max():.1e}")

# %%
# The fitted function of each selected input, centered over the training data.
cols = 4
rows = -(-selected.size // cols)
fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 2.4 * rows), squeeze=False)
for ax, j in zip(axes.ravel(), selected):
    grid = np.linspace(*np.quantile(X[~test, j], [0.01, 0.99]), 200)
    inputs = np.tile(np.median(X[~test], axis=0), (grid.size, 1))
    inputs[:, j] = grid
    basis = splines.transform(inputs)[:, j * per_input:(j + 1) * per_input]
    f_j = basis @ coef[j]
    f_j -= np.mean(Z[~test, j * per_input:(j + 1) * per_input] @ coef[j])
    ax.plot(grid, f_j)
    ax.set_title(NAMES[j] if j < len(NAMES) else f"x{j}", fontsize=9)
for ax in axes.ravel()[selected.size:]:
    ax.set_visible(False)
fig.suptitle("Sparse additive model of cpusmall: fitted f_j of the selected inputs")
fig.tight_layout()
plt.show()
