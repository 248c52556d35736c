"""Logistic models with a group penalty, by the block working-set solver.

Two models share one point solver, the block solver (``_kernels/_block_solver.pyx``)
with the softmax datafit (``_kernels/_block_softmax.pxd``):

* the grouped multinomial (glmnet's ``type.multinomial = "grouped"``): K > 2
  classes, coefficients B of shape (K, p), one group per feature holding its
  K class coefficients::

      1/n Σ_i s_i [log Σ_k e^η_ik − η_{i,y_i}] + α Σ_j v_j (ρ‖B_:,j‖₂ + (1−ρ)/2 ‖B_:,j‖₂²)

* the logistic group lasso: two classes, β of shape (p,), any groups::

      1/n Σ_i s_i [log(1 + e^η_i) − y_i η_i] + α Σ_g w_g (ρ‖β_g‖₂ + (1−ρ)/2 ‖β_g‖₂²)

η = b + xᵀB (or β). The intercepts are unpenalized and exact (joint Newton on
them before every certificate); so are the rows of unpenalized groups
(weight 0), in the same Newton solve, the dual point projected to be
feasible for them (``_kernels/_block_softmax_free.pxd``). Block steps minimize the block's quadratic
bound exactly (the Hessian bound ½ — ¼ binary — times the raw Gram), working
sets, Anderson-extrapolated dual points and Gap Safe screening as for the
squared loss; every solve stops on a certified duality gap ≤ tol · P_null.
"""

import warnings

import numpy as np

from .._grid import alpha_max_from_correlations
from .._groups import block_spectra
from .._kernels import _block_solver, _problem
from .._path import PointResult
from ._block_path import _block_norms, _feature_weights
from ._multinomial import _null_fit as _softmax_null_fit
from ._softmax_block import block_arrays, block_null_residual, center_unpenalized

__all__ = ["BlockLogisticPoint", "warn_unregularized", "block_logistic_alpha_max", "grouped_multinomial_alpha_max",
           "grouped_multinomial_point"]

_WS_START = 10  # blocks in the first working set of an alpha


def warn_unregularized(alphas, stacklevel):
    """The logistic paths' warning for alpha = 0 on the grid."""
    if np.any(alphas == 0):
        warnings.warn("alpha = 0 is unregularized logistic regression: on separable data it "
                      "has no solution, and its duality gap cannot certify it. Use a small "
                      "positive alpha.", UserWarning, stacklevel=stacklevel + 1)


def _null(design, codes, n_classes):
    """(Y − P at the null fit (n × K), the null intercepts (K,), n · null objective)."""
    if n_classes == 2:  # one column: class 1 against class 0 (as the binary model)
        y01 = codes.astype(np.float64)
        if not design.fit_intercept:
            return (y01 - 0.5)[:, None], np.zeros(1), design.n_samples * np.log(2.0)
        q = float(np.average(y01, weights=design.sample_weight))
        null_obj = -design.n_samples * (q * np.log(q) + (1 - q) * np.log1p(-q))
        return (y01 - q)[:, None], np.array([np.log(q) - np.log1p(-q)]), null_obj
    Y, b, null_obj = _softmax_null_fit(design, codes, n_classes)
    P = np.exp(b - np.logaddexp.reduce(b))
    return Y - P, b, null_obj


def block_logistic_alpha_max(design, codes, n_classes, ptr, idx, weights, l1_ratio):
    """max_g ‖X̄_gᵀS(Y − P_null)‖_F / (n ρ w_g): the smallest alpha with every block zero.

    With unpenalized groups (w_g = 0), P_null is the fit of the intercepts and
    those groups alone.
    """
    residual, b, _ = _null(design, codes, n_classes)
    unpen = design.unpenalized(_feature_weights(ptr, idx, weights))
    if unpen.size and n_classes == 2:  # the binary fit as the two-class softmax's
        _, b, _ = _softmax_null_fit(design, codes, 2)
        residual = block_null_residual(design, codes, 2, unpen, b)[:, 1:]
    elif unpen.size:
        residual = block_null_residual(design, codes, n_classes, unpen, b)
    z = design.gradient(residual)
    return alpha_max_from_correlations(_block_norms(z, ptr, idx), design.n_samples, l1_ratio,
                                       weights)


class BlockLogisticPoint:
    """The point solver of the path driver (see ``fastreg._path``) for both models.

    The warm start carried along the path: W (p × K, rows contiguous; K = 1
    binary), r = XW (n × K), the intercepts, and the solver with its dual
    point. ``coef()`` is class-major (row k·p + j holds B[k, j]) for K > 2
    classes, so each column of the path reshapes to coef_ of shape (K, p).
    """

    def __init__(self, design, codes, n_classes, ptr, idx, weights, l1_ratio, coef_init, tol,
                 max_iter, screening):
        n, p = design.n_samples, design.n_features
        binary = n_classes == 2
        K = 1 if binary else n_classes
        self.design, self.K, self.binary = design, K, binary
        self.n_features, self.dtype, self.l1_ratio = p * K, design.dtype, l1_ratio
        self.coef_shape = None if binary else (K, p)
        self.max_iter, self.screening = max_iter, screening
        _, b, self.null_obj = _null(design, codes, n_classes)
        self.tol_abs = tol * self.null_obj
        self.W = np.zeros((p, K))
        if coef_init is not None:
            self.W[:] = np.reshape(coef_init, (K, p)).T
        self.r = np.ascontiguousarray(design.matvec(self.W)) if coef_init is not None \
            else np.zeros((n, K))
        self.offset = np.ascontiguousarray(b, dtype=np.float64)
        # raw columns: a row move touches only its column's samples (the intercepts are
        # separate unknowns, re-solved after every move of the Newton model, so the
        # blocks' curvature is that of the centered Grams)
        view = _problem.DesignView(design, implicit_centering=False)
        lipschitz, norm, eig_val, eig_vec, vec_ptr, grams = block_spectra(
            _problem.DesignView(design), ptr, idx, design.col_sq_norms)
        curvature = 0.25 if binary else 0.5   # p(1 − p) ≤ ¼; diag(p) − ppᵀ ≼ ½ I
        self.alpha_max = (block_logistic_alpha_max(design, codes, n_classes, ptr, idx, weights,
                                                   1.0) / l1_ratio if l1_ratio > 0 else np.inf)
        self.unpen = unpen = design.unpenalized(_feature_weights(ptr, idx, weights))
        free = block_arrays(design, unpen) if unpen.size else None
        self.solver = _block_solver.BlockSolver(
            view, None, ptr, idx, weights, curvature * lipschitz, norm, curvature * eig_val,
            eig_vec, vec_ptr, softmax=(codes, K, binary, design.fit_intercept, free),
            grams=grams, eig_scale=curvature)

    def solve(self, k, alpha, alphas):
        n = self.design.n_samples
        alpha = min(alpha, 2.0 * self.alpha_max)  # all blocks are zero from alpha_max up
        stats = self.solver.solve(
            self.W.reshape(-1), self.r.reshape(-1), self.offset,
            l1=n * alpha * self.l1_ratio, l2=n * alpha * (1.0 - self.l1_ratio),
            tol_abs=self.tol_abs, max_epochs=self.max_iter, ws_start=_WS_START,
            screen=self.screening, dual_known=k > 0)
        return PointResult(
            stats["gap"] / self.null_obj, stats["n_epochs"], 1.0 - stats["loss"] / self.null_obj,
            {name: stats[name] for name in ("n_outer", "n_screened", "ws_size")})

    def coef(self):
        if self.binary:
            return self.W[:, 0]
        if self.unpen.size == 0:
            return self.W.T.ravel()
        return center_unpenalized(self.W, self.unpen).T.ravel()

    def intercept(self):
        if self.binary:
            return float(self.offset[0])
        return self.offset - self.offset.mean()

    def release(self):
        self.solver = None


def _feature_groups(p):
    return np.arange(p + 1, dtype=np.intp), np.arange(p, dtype=np.intp)


def _grouped_weights(factors, l1_ratio, positive):
    """The groups' weights of the grouped multinomial: each feature's penalty factor."""
    l1_factor, l2_factor = factors
    if positive:
        raise ValueError("positive=True is not available with multinomial='grouped' (the "
                         "group penalty has no sign constraint).")
    if l1_ratio < 1.0 and not np.allclose(l1_factor, l2_factor, rtol=1e-12, atol=0.0):
        raise ValueError("standardize=True with multinomial='grouped' needs l1_ratio=1 (one "
                         "weight per group scales both parts of its penalty).")
    return np.ascontiguousarray(l1_factor, dtype=np.float64)


def grouped_multinomial_alpha_max(design, codes, n_classes, l1_ratio, penalty_factor):
    """max_j ‖x̄_jᵀS(Y − P_null)‖₂ / (n ρ v_j) over the K classes of each feature."""
    ptr, idx = _feature_groups(design.n_features)
    return block_logistic_alpha_max(design, codes, n_classes, ptr, idx,
                                    np.asarray(penalty_factor, dtype=np.float64), l1_ratio)


def grouped_multinomial_point(design, codes, n_classes, l1_ratio, factors, positive, coef_init,
                              tol, max_iter, screening):
    """The grouped multinomial's point solver (arguments as ``MultinomialPoint``)."""
    weights = _grouped_weights(factors, l1_ratio, positive)
    ptr, idx = _feature_groups(design.n_features)
    return BlockLogisticPoint(design, codes, n_classes, ptr, idx, weights, l1_ratio, coef_init,
                              tol, max_iter, screening)
