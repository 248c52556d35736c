"""
L1 versus L2: why the Lasso gives exact zeros
=============================================

A penalized fit ``min_β loss(β) + α·penalty(β)`` has the same solution as the
constrained fit ``min_β loss(β)`` subject to ``penalty(β) ≤ t``, for the
``t`` that the solution reaches. With two coefficients the constraint region
is a diamond for the L1 norm and a disc for the L2 norm, and the solution is
where the smallest reachable least-squares contour (an ellipse) touches it.

The diamond has corners on the axes; an ellipse usually touches it first at
a corner, where one coefficient is exactly zero. The disc has no corners: the
contact point generically has both coefficients nonzero, only shrunk.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import fastreg

# Two correlated features; the least-squares solution is close to (2, 0.6).
rng = np.random.default_rng(0)
n = 200
X = rng.standard_normal((n, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
X -= X.mean(axis=0)
beta_ls = np.array([2.0, 0.6])
y = X @ beta_ls + 0.1 * rng.standard_normal(n)
y -= y.mean()
beta_ls = np.linalg.lstsq(X, y, rcond=None)[0]


G = X.T @ X / n
floor = ((y - X @ beta_ls) ** 2).mean() / 2


def loss(b):
    """fastreg's datafit 1/(2n) ‖y − Xb‖², for b of shape (..., 2).

    It is a quadratic around the least-squares solution:
    floor + ½ (b − β_ls)ᵀ G (b − β_ls), with G = XᵀX / n.
    """
    d = np.asarray(b) - beta_ls
    return floor + 0.5 * np.einsum("...i,ij,...j->...", d, G, d)


# %%
# Solve both problems with fastreg at one alpha each (no intercept: the data
# is centered), then draw the penalty ball of each solution and the loss
# contour through it.
lasso = fastreg.Lasso(alpha=1.2, fit_intercept=False).fit(X, y)
ridge = fastreg.Ridge(alpha=0.5, fit_intercept=False).fit(X, y)
print(f"least squares {beta_ls.round(3)}, Lasso {lasso.coef_.round(3)}, "
      f"Ridge {ridge.coef_.round(3)}")

grid = np.linspace(-1.5, 3, 301)
B = np.stack(np.meshgrid(grid, grid), axis=-1)
L = loss(B)

fig, axes = plt.subplots(1, 2, figsize=(10, 5), sharey=True)
for ax, model, name in ((axes[0], lasso, "L1 (Lasso)"), (axes[1], ridge, "L2 (Ridge)")):
    b = model.coef_
    ax.contour(grid, grid, L, levels=floor + np.geomspace(1e-2, L.max() - floor, 12),
               colors="0.75", linewidths=0.8)
    ax.contour(grid, grid, L, levels=[loss(b)], colors="C0", linewidths=2)
    if name.startswith("L1"):
        t = np.abs(b).sum()
        ax.fill([t, 0, -t, 0], [0, t, 0, -t], color="C1", alpha=0.35, label="‖β‖₁ ≤ t")
    else:
        t = np.hypot(*b)
        ax.add_patch(plt.Circle((0, 0), t, color="C1", alpha=0.35, label="‖β‖₂ ≤ t"))
    ax.plot(*beta_ls, "k+", ms=12, label="least squares")
    ax.plot(*b, "o", color="C3", label=f"solution ({b[0]:.2f}, {b[1]:.2f})")
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_xlim(-1.5, 3)
    ax.set_ylim(-1.5, 3)
    ax.set_aspect("equal")
    ax.set_xlabel("β₁")
    ax.set_title(name)
    ax.legend(loc="upper left", fontsize=8)
axes[0].set_ylabel("β₂")
fig.tight_layout()

# %%
# The Lasso's solution sits on the β₁ axis: β₂ is exactly zero, although
# the least-squares β₂ is not. Ridge's keeps both coefficients, shrunk
# toward zero. In many dimensions the L1 ball has many more corners and
# edges (lower-dimensional faces), which is why most Lasso coefficients are
# zero on wide data.
