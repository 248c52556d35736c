"""Cross-validation errors of Ridge for many alphas.

* Leave-one-out (exact) and GCV come from the eigendecomposition of the Gram
  or kernel already used for the path: after it, each alpha costs O(n·p)
  (primal) or O(n²) (dual) instead of n refits.
* k-fold is not here: RidgeCV runs it on the cross-validation machinery of
  every model (``fastreg._folds``), one ridge_path per training fold.

Leave-one-out keeps the absolute strength of the penalty, nα Σ v_j β_j², when
a sample is removed, as scikit-learn's RidgeCV does (its α is this nα): a
brute-force refit on the n − 1 remaining samples with this library's
normalization uses α·n / (n − s_i). Errors are weighted means Σ s_i e_i² / n.
"""

import numpy as np

from .._kernels import _dense_products, _ridge_loo
from ._direct import inverse_shifted

__all__ = ["loo_errors", "gcv_errors"]

# Rows of Xc Q̃ materialized at once by the primal leave-one-out.
LOO_BLOCK_BYTES = 1 << 23


def loo_errors(system, alphas):
    """Weighted mean squared leave-one-out errors, shape (n_alphas, n_targets)."""
    if system.kind == "primal":
        return _loo_primal(system, np.asarray(alphas))
    return _loo_dual(system, np.asarray(alphas))


def _loo_primal(system, alphas):
    data = system.data
    n = data.n_samples
    lam, Qs, C = system.spectrum()
    p, k, m = lam.shape[0], C.shape[1], alphas.shape[0]
    D = np.asfortranarray(inverse_shifted(lam, n * alphas))
    Cm = np.asfortranarray((D[:, :, None] * C[:, None, :]).reshape(p, m * k))
    lev0 = 1.0 / n if data.fit_intercept else 0.0
    shift = data.x_mean @ Qs if data.fit_intercept else np.empty(0)
    sw = data.weights_or_empty
    Yc = system.Yc
    csr = data.X.tocsr() if data.sparse else None
    err = np.zeros((m, k))
    rows = min(n, max(64, LOO_BLOCK_BYTES // (8 * max(p, m * k))))
    # Work arrays are reused across blocks (fresh pages cost as much as the arithmetic).
    work = [np.empty(shape, order="F") for shape in ((rows, p), (rows, p), (rows, m),
                                                     (rows, m * k))]
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        if stop - start < rows:
            work = [np.empty((stop - start, w.shape[1]), order="F") for w in work]
        A = work[0]
        if data.sparse:
            A[:] = csr[start:stop] @ Qs
        else:
            _dense_products.x_matmat(data.X, start, stop, Qs, A)
        _ridge_loo.loo_accumulate(A, shift, D, Cm, np.asfortranarray(Yc[start:stop]),
                                  sw[start:stop] if sw.shape[0] else sw, lev0, err, *work[1:])
    return err / n


def _loo_dual(system, alphas):
    data = system.data
    n = data.n_samples
    lam, U, E = system.spectrum()
    m, k = alphas.shape[0], E.shape[1]
    F = lam[:, None] * inverse_shifted(lam, n * alphas)            # eigenvalues of H_c
    lev = (U * U) @ F                                                # (n, m)
    if data.fit_intercept:
        s = np.ones(n) if data.sample_weight is None else data.sample_weight
        lev += s[:, None] / n
    fitted = (U @ (F[:, :, None] * E[:, None, :]).reshape(n, m * k)).reshape(n, m, k)
    # scaled residuals √s_i r_i, so (res / (1 − h))² = s_i e_i²
    res = system.T[:, None, :] - fitted
    with np.errstate(divide="ignore", invalid="ignore"):
        loo = res / (1.0 - lev)[:, :, None]
    return np.einsum("iat,iat->at", loo, loo) / n


def gcv_errors(system, alphas):
    """Generalized cross-validation RSS/n / (1 − df/n)², shape (n_alphas, n_targets)."""
    data = system.data
    n = data.n_samples
    alphas = np.asarray(alphas)
    lam, basis, coords = system.spectrum()
    D = inverse_shifted(lam, n * alphas)                              # (size, m)
    shrink = lam[:, None] * D                                         # λ/(λ + nα)
    c2 = coords * coords                                              # (size, k)
    if system.kind == "primal":
        # ‖t − Zβ‖² = ‖t‖² − 2 Σ c²D + Σ λ c² D²  (c = Q̃ᵀB)
        rss = system.yy[None, :] - 2.0 * D.T @ c2 + (lam[:, None] * D * D).T @ c2
    else:
        # T = U E: the residual keeps (1 − λD) of each coordinate
        rss = ((1.0 - shrink) ** 2).T @ c2
    df = shrink.sum(axis=0) + (1.0 if data.fit_intercept else 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(rss, 0.0) / n / ((1.0 - df / n) ** 2)[:, None]
