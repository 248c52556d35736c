"""The block point solver shared by the group lasso and the multi-task models.

Both minimize, for W of shape (n_features, n_tasks), sample weights s
(summing to n), group weights w_g and l1_ratio ρ::

    1/(2n) Σ_i s_i ‖y_i − b − x_iᵀW‖² + α Σ_g w_g (ρ‖W_g‖ + (1−ρ)/2 ‖W_g‖²)

with W_g the rows of group g (all tasks) and ‖·‖ the Frobenius norm: the
group lasso is one task, the multi-task models groups of one feature. Each
alpha is solved by the block working-set solver (``_kernels/_block_solver.pyx``),
warm started by the path driver (``fastreg._path``).
"""

import warnings

import numpy as np

from .._design import Design
from .._grid import alpha_max_from_correlations, path_alphas
from .._groups import block_spectra
from .._kernels import _block_solver, _problem
from .._path import PointResult, run_path
from .._validation import check_l1_ratio, check_max_iter, check_tol
from ._enet_path import _unpenalized_fit, _unpenalized_products, _y_scale

__all__ = ["block_alpha_max", "block_path"]

_WS_START = 10  # blocks in the first working set of an alpha
# The covariance method (``_kernels/_block_gram.pxd``) for dense X with at most
# this many features and at least twice as many samples: the Gram costs n·p²
# once (BLAS), about p/2 epochs, and then a block step costs p·|g|, not 2n·|g|.
_GRAM_MAX_FEATURES = 512


def _feature_weights(ptr, idx, weights):
    """Each feature's group weight (0 marks the unpenalized features)."""
    pf = np.empty(idx.size)
    pf[idx] = np.repeat(weights, np.diff(ptr))
    return pf


def _block_norms(z, ptr, idx):
    """‖z_g‖ (Frobenius over the group's rows and every task) for every group."""
    row_sq = z * z if z.ndim == 1 else np.sum(z * z, axis=1)
    return np.sqrt(np.add.reduceat(row_sq[idx], ptr[:-1])) if idx.size else np.zeros(0)


def covariance_gram(design, Y_c):
    """(X̄ᵀSX̄, X̄ᵀSY_c) in float64 when the covariance method pays, else None."""
    n, p = design.n_samples, design.n_features
    if design.sparse or p > _GRAM_MAX_FEATURES or n < 2 * p:
        return None
    Xc = np.asarray(design.X, dtype=np.float64) - design.x_mean
    if design.sample_weight is not None:
        Xc *= np.sqrt(design.sample_weight)[:, None]
    return Xc.T @ Xc, design.gradient(Y_c)


def block_alpha_max(design, Y_c, ptr, idx, weights, l1_ratio):
    """alpha_max at the fit of the unpenalized groups (and the intercept).

    Above it the solution is the least-squares fit of the unpenalized
    groups alone, and the first group to leave zero is the one whose
    correlation with that fit's residual, relative to its weight, is largest.
    """
    z = design.gradient(Y_c)
    unpen, cross, y_cross = _unpenalized_products(design, Y_c, _feature_weights(ptr, idx, weights))
    if unpen.size:
        z = z - cross @ _unpenalized_fit(cross[unpen], y_cross, False)
    return alpha_max_from_correlations(_block_norms(z, ptr, idx), design.n_samples, l1_ratio,
                                       weights)


class _BlockPoint:
    """The block point solver of the path driver (see ``fastreg._path``).

    Holds W (p × K, rows contiguous), the residual r = Y_c − XW (n × K), the
    offsets WᵀM and the solver with its dual point. ``coef()`` returns W
    flattened: task-major (row k·p + j holds W[j, k]) when ``multitask``,
    so each column of the path reshapes to scikit-learn's coef_ of shape (K, p).
    """

    def __init__(self, design, Y_c, y_mean, ptr, idx, weights, l1_ratio, coef_init, tol,
                 max_iter, screening, multitask):
        p, K = design.n_features, Y_c.shape[1]
        self.design, self.y_mean, self.multitask = design, y_mean, multitask
        self.n_features, self.dtype, self.l1_ratio = p * K, design.dtype, l1_ratio
        self.coef_shape = (K, p) if multitask else None
        self.max_iter, self.screening, self.K = max_iter, screening, K
        self.scale = _y_scale(Y_c)
        Y_c = np.ascontiguousarray(Y_c / self.scale)
        self.null_obj = 0.5 * float(np.sum(design.weighted_sq_norm(Y_c)))  # n · P_null
        self.tol_abs = tol * self.null_obj
        self.W = np.zeros((p, K))
        if coef_init is not None:
            self.W[:] = coef_init / self.scale
        # the residual at W (one product with X, only for a given warm start)
        self.r = (np.ascontiguousarray(Y_c - design.matvec(self.W)) if coef_init is not None
                  else Y_c.copy())
        self.offset = design.x_mean @ self.W
        view = _problem.DesignView(design)
        *spectra, grams = block_spectra(view, ptr, idx, design.col_sq_norms)
        pf = _feature_weights(ptr, idx, weights)
        unpen, cross, y_cross = _unpenalized_products(design, Y_c, pf)
        self.alpha_max = (block_alpha_max(design, Y_c, ptr, idx, weights, 1.0)
                          * self.scale / l1_ratio if l1_ratio > 0 else np.inf)
        self.solver = _block_solver.BlockSolver(
            view, Y_c, ptr, idx, weights, *spectra, unpenalized=unpen, cross=cross,
            y_cross=np.reshape(y_cross, (unpen.size, K)), grams=grams,
            gram=covariance_gram(design, Y_c) if unpen.size == 0 else None)

    def solve(self, k, alpha, alphas):
        n = self.design.n_samples
        if self.null_obj == 0:
            self.W[:] = 0.0
            return PointResult(0.0, 0, 0.0)
        alpha = min(alpha, 2.0 * self.alpha_max)  # all blocks are zero from alpha_max up
        stats = self.solver.solve(
            self.W.reshape(-1), self.r.reshape(-1), self.offset,
            l1=n * alpha * self.l1_ratio / self.scale, l2=n * alpha * (1.0 - self.l1_ratio),
            tol_abs=self.tol_abs, max_epochs=self.max_iter, ws_start=_WS_START,
            screen=self.screening, dual_known=k > 0)
        return PointResult(
            stats["gap"] / self.null_obj, stats["n_epochs"], 1.0 - stats["loss"] / self.null_obj,
            {name: stats[name] for name in ("n_outer", "n_screened", "ws_size")})

    def _scaled(self):
        return self.W if self.scale == 1.0 else self.W * self.scale

    def coef(self):
        W = self._scaled()
        return W.T.ravel() if self.multitask else W.reshape(-1)

    def intercept(self):
        b = self.design.intercept(self._scaled(), self.y_mean)
        return b if self.multitask else float(np.ravel(b)[0])

    def release(self):
        self.solver = None


def block_path(design, Y_c, y_mean, ptr, idx, weights, *, l1_ratio, alphas, n_alphas, eps,
               tol, max_iter, screening, coef_init, verbose, multitask, method):
    """The warm-started path of a block model (the shared body of the public path functions)."""
    l1_ratio = check_l1_ratio(l1_ratio)
    tol = check_tol(tol)
    max_iter = check_max_iter(max_iter)
    Y_c = Y_c.reshape(design.n_samples, -1)
    alphas = path_alphas(alphas, lambda: block_alpha_max(design, Y_c, ptr, idx, weights,
                                                         l1_ratio),
                         n_alphas, eps, design)
    point = _BlockPoint(design, Y_c, y_mean, ptr, idx, weights, l1_ratio, coef_init, tol,
                        max_iter, screening, multitask)
    if point.null_obj == 0:
        warnings.warn("y is constant (after centering, with the sample weights): there is "
                      "nothing to fit, and every coefficient is zero.", UserWarning, stacklevel=3)
    elif np.any(alphas == 0):
        warnings.warn("alpha = 0 is unregularized least squares; block coordinate descent "
                      "converges slowly there and its duality gap cannot certify it.",
                      UserWarning, stacklevel=3)
    return run_path(point, alphas, tol=tol, max_iter=max_iter, verbose=verbose, method=method)


def make_design(X, sample_weight, fit_intercept):
    """The Design of a block model's call."""
    return Design(X, sample_weight, fit_intercept)
