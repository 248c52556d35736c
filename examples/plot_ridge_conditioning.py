"""
Ridge and ill-conditioning
==========================

With nearly collinear columns, least squares is ill-conditioned: XᵀX has
tiny eigenvalues, and the coefficients swing wildly with small changes in the
data. fastreg's Ridge minimizes ``1/(2n) ‖y − Xβ‖² + α/2 ‖β‖²``, whose normal
equations are ``(XᵀX + nα I) β = Xᵀy``: the penalty adds ``nα`` to every
eigenvalue, so the condition number falls from ``λ_max / λ_min`` to
``(λ_max + nα) / (λ_min + nα)``.

(scikit-learn's ``Ridge(alpha=a)`` is ``fastreg.Ridge(alpha=a / n)``.)
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import fastreg

rng = np.random.default_rng(0)
n, p = 100, 10
# Ten columns that are noisy copies of three latent factors: nearly collinear.
factors = rng.standard_normal((n, 3))
X = factors[:, rng.integers(0, 3, p)] + 0.02 * rng.standard_normal((n, p))
X -= X.mean(axis=0)
beta = rng.standard_normal(p)


def sample_target():
    y = X @ beta + 0.5 * rng.standard_normal(n)
    return y - y.mean()


eigenvalues = np.linalg.eigvalsh(X.T @ X)
alphas = np.geomspace(1e-6, 10, 40)
condition = (eigenvalues.max() + n * alphas) / (eigenvalues.min() + n * alphas)
print(f"cond(XᵀX) = {eigenvalues.max() / eigenvalues.min():.3g}")

# %%
# Coefficient stability: refit on 30 noisy draws of y and measure how much
# the coefficients vary (their standard deviation, averaged over features),
# at each alpha. ``ridge_path`` solves the whole grid from one factorization.
draws = np.stack([fastreg.ridge_path(X, sample_target(), alphas=alphas,
                                     fit_intercept=False).coefs for _ in range(30)])
# draws: (30 draws, p features, n_alphas); the path's alphas are decreasing
spread = draws.std(axis=0).mean(axis=0)[::-1]
size = np.abs(draws).mean(axis=(0, 1))[::-1]

fig, (ax_cond, ax_coef) = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
ax_cond.loglog(alphas, condition)
ax_cond.axhline(eigenvalues.max() / eigenvalues.min(), ls=":", color="0.5",
                label="least squares (α = 0)")
ax_cond.set_ylabel("condition number of XᵀX + nαI")
ax_cond.legend()
ax_coef.loglog(alphas, spread, label="standard deviation over draws of y")
ax_coef.loglog(alphas, size, label="absolute value")
ax_coef.set_ylabel("coefficients (mean over features)")
ax_coef.legend(fontsize=8)
for ax in (ax_cond, ax_coef):
    ax.set_xlabel("alpha")
    ax.grid(alpha=0.3)
fig.tight_layout()

# %%
# Near alpha = 0 the coefficients vary between draws of the noise more than
# their own size: the data cannot tell the collinear columns apart. A small
# alpha already divides the condition number by orders of magnitude and
# makes the coefficients stable; a large one shrinks them all toward zero. fastreg.RidgeCV chooses alpha by exact leave-one-out (or
# K-fold) cross-validation on the whole grid at once.
