"""The alpha grid: ``alpha_max`` from the correlations at β = 0, and the geometric grid.

Every model's grid runs from its alpha_max (the smallest alpha at which all
penalized coefficients are zero) down to ``eps · alpha_max`` in ``n_alphas``
geometric steps; the models differ only in how they correlate the columns
with the residual at β = 0, which they pass in here.
"""

import numbers

import numpy as np

from ._validation import check_alphas, check_scalar

__all__ = ["MIN_GRID_L1_RATIO", "alpha_max_from_correlations", "default_eps", "geometric_grid",
           "path_alphas"]

# l1_ratio used for the grid when ρ = 0 (pure ridge has no alpha_max), as glmnet does.
MIN_GRID_L1_RATIO = 1e-3


def default_eps(n_samples, n_features):
    """glmnet's default grid ratio: 1e-3 when n_samples > n_features, else 1e-2."""
    return 1e-3 if n_samples > n_features else 1e-2


def alpha_max_from_correlations(z, n_samples, l1_ratio, penalty_factor, positive=False):
    """max_j |z_j| / (n ρ v_j) over penalized features, z_j = x̄_jᵀ S r at β = 0.

    ``z`` has shape (n_features,) or (n_features, n_targets); a row's norm
    over targets is used for the latter (the multi-target penalties act on
    rows). Only positive correlations count with ``positive``.
    """
    z = np.asarray(z, dtype=np.float64)
    if positive:
        z = np.maximum(z, 0.0)
    size = np.abs(z) if z.ndim == 1 else np.sqrt(np.sum(z * z, axis=1))
    penalized = penalty_factor > 0
    if not np.any(penalized):
        return 0.0
    rho = max(l1_ratio, MIN_GRID_L1_RATIO)
    return float(np.max(size[penalized] / penalty_factor[penalized]) / (n_samples * rho))


def geometric_grid(a_max, n_alphas, eps, n_samples, n_features):
    """``n_alphas`` decreasing values from ``a_max`` to ``eps · a_max`` (eps ∈ (0, 1]).

    A zero ``a_max`` (nothing to fit) gives the one-point grid [0].
    """
    if eps is None:
        eps = default_eps(n_samples, n_features)
    eps = check_scalar(eps, "eps", low=0.0, high=1.0, low_open=True)
    n_alphas = check_scalar(n_alphas, "n_alphas", low=1, kind=numbers.Integral)
    if a_max <= 0:
        return np.full(1, 0.0)
    return np.geomspace(a_max, a_max * eps, n_alphas)


def path_alphas(alphas, alpha_max, n_alphas, eps, design):
    """A path's grid: ``alphas`` validated, or, when None, the geometric grid from
    ``alpha_max()`` (a function: computed only then) on ``design``'s shape."""
    if alphas is None:
        return geometric_grid(alpha_max(), n_alphas, eps, design.n_samples, design.n_features)
    return check_alphas(alphas)
