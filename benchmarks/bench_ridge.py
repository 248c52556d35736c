"""asv benchmarks of Ridge.

Alphas are on this library's scale (scikit-learn's alpha is n times larger).

* ``DenseFit``: ``Ridge.fit`` on dense n ≫ p data (one alpha) with the
  references measured in the same process: scipy's DSYRK + POTRF + POTRS on
  the same data, scikit-learn's ``Ridge(solver="cholesky")``, and the
  hardware floor (the Gram's n·p·(p+1) flops at the speed of one large
  DGEMM). ``track_*`` report the time ratios.
* ``DenseManyAlphas``: 100 alphas on the same data by ``ridge_path`` (one
  eigendecomposition) and by ``RidgeCV`` (exact leave-one-out), as multiples
  of one single-alpha fit.
* ``SparsePath``: news20 tf-idf, 20 alphas from 1e-1 to 1e-5 by the
  conjugate-gradient path at relative KKT residual ≤ 1e-6, against
  scikit-learn's ``Ridge(solver="sparse_cg", tol=1e-8)`` fitted once per
  alpha (the tolerance it needs to reach 1e-6 at every alpha); the largest
  residual of both is tracked too.
* ``SparsePathMemory``: peak memory of that path, and its ratio to the floor
  (X in CSC plus the dense coefficients returned).
* ``GolubCV``: the p ≫ n dual path and leave-one-out on golub.
"""

import tracemalloc

import numpy as np
from scipy.linalg import blas, lapack

import fastreg

from ._data import best_time, load

N_DENSE, P_DENSE = 200_000, 500
DENSE_ALPHA = 1e-3
SPARSE_ALPHAS = np.geomspace(1e-1, 1e-5, 20)
SPARSE_TOL = 1e-6


def dense_problem(n=N_DENSE, p=P_DENSE, seed=0):
    """Gaussian X (Fortran order, nonzero means) and a noisy linear target."""
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)) + rng.uniform(-1, 1, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    return X, y


def scipy_cholesky(X, y, alpha):
    """Ridge with intercept by scipy's DSYRK, a rank-one centering, POTRF and POTRS."""
    n, p = X.shape
    mean = X.mean(axis=0)
    G = blas.dsyrk(1.0, X, trans=1, lower=1)
    G -= n * np.outer(mean, mean)
    G[np.diag_indices(p)] += n * alpha
    factor, _ = lapack.dpotrf(G, lower=1)
    coef, _ = lapack.dpotrs(factor, X.T @ (y - y.mean()), lower=1)
    return coef


def gemm_floor(X):
    """Time of the Gram's n·p·(p+1) flops at the speed of one full DGEMM."""
    n, p = X.shape
    t = best_time(lambda: blas.dgemm(1.0, X, X, trans_a=1), 3)
    return t * (p + 1) / (2 * p)


def sparse_kkt(X, y, coef, intercept, alpha):
    """Relative KKT residual ‖XcᵀS(y − β0 − Xβ) − nαβ‖ / ‖XcᵀS(y − ȳ)‖ (unit weights)."""
    n = X.shape[0]
    mean = np.asarray(X.mean(axis=0)).ravel()
    r = y - intercept - X @ coef
    grad = X.T @ r - mean * r.sum() - n * alpha * coef
    yc = y - y.mean()
    return np.linalg.norm(grad) / np.linalg.norm(X.T @ yc - mean * yc.sum())


def sklearn_sparse_path(X, y, alphas):
    from sklearn.linear_model import Ridge as SkRidge

    n = X.shape[0]
    return [SkRidge(alpha=n * a, solver="sparse_cg", tol=1e-8).fit(X, y) for a in alphas]


class DenseFit:
    """One alpha on dense 200000 × 500 data."""

    timeout = 900
    repeat = 3

    def setup(self):
        self.X, self.y = dense_problem()

    def time_ridge_fit(self):
        fastreg.Ridge(alpha=DENSE_ALPHA).fit(self.X, self.y)

    def time_scipy_syrk_potrf_potrs(self):
        scipy_cholesky(self.X, self.y, DENSE_ALPHA)

    def track_ratio_to_scipy(self):
        ours = best_time(lambda: fastreg.Ridge(alpha=DENSE_ALPHA).fit(self.X, self.y), 3)
        ref = best_time(lambda: scipy_cholesky(self.X, self.y, DENSE_ALPHA), 3)
        return ours / ref

    track_ratio_to_scipy.unit = "ratio"

    def track_ratio_to_sklearn_cholesky(self):
        from sklearn.linear_model import Ridge as SkRidge

        n = self.X.shape[0]
        ours = best_time(lambda: fastreg.Ridge(alpha=DENSE_ALPHA).fit(self.X, self.y), 3)
        ref = best_time(
            lambda: SkRidge(alpha=n * DENSE_ALPHA, solver="cholesky").fit(self.X, self.y), 2)
        return ours / ref

    track_ratio_to_sklearn_cholesky.unit = "ratio"

    def track_ratio_to_gemm_floor(self):
        ours = best_time(lambda: fastreg.Ridge(alpha=DENSE_ALPHA).fit(self.X, self.y), 3)
        return ours / gemm_floor(self.X)

    track_ratio_to_gemm_floor.unit = "ratio"

    def peakmem_ridge_fit(self):
        fastreg.Ridge(alpha=DENSE_ALPHA).fit(self.X, self.y)


class DenseManyAlphas:
    """100 alphas on the dense problem, as multiples of one fit."""

    timeout = 1800
    repeat = 2

    def setup(self):
        self.X, self.y = dense_problem()
        self.alphas = np.geomspace(1.0, 1e-6, 100)

    def time_ridge_path(self):
        fastreg.ridge_path(self.X, self.y, alphas=self.alphas)

    def time_ridgecv_loo(self):
        fastreg.RidgeCV(alphas=self.alphas).fit(self.X, self.y)

    def _ratio(self, func):
        one = best_time(lambda: fastreg.Ridge(alpha=DENSE_ALPHA).fit(self.X, self.y), 2)
        return best_time(func, 2) / one

    def track_path_over_one_fit(self):
        return self._ratio(lambda: fastreg.ridge_path(self.X, self.y, alphas=self.alphas))

    track_path_over_one_fit.unit = "ratio"

    def track_loo_over_one_fit(self):
        return self._ratio(lambda: fastreg.RidgeCV(alphas=self.alphas).fit(self.X, self.y))

    track_loo_over_one_fit.unit = "ratio"


class SparsePath:
    """news20 tf-idf, 20 alphas from 1e-1 to 1e-5, conjugate gradients."""

    timeout = 900
    repeat = 3

    def setup(self):
        self.X, self.y = load("news20")

    def _path(self):
        return fastreg.ridge_path(self.X, self.y, alphas=SPARSE_ALPHAS, tol=SPARSE_TOL)

    def time_cg_path(self):
        self._path()

    def time_sklearn_sparse_cg_per_alpha(self):
        sklearn_sparse_path(self.X, self.y, SPARSE_ALPHAS)

    def track_speedup_vs_sklearn(self):
        ours = best_time(self._path, 3)
        ref = best_time(lambda: sklearn_sparse_path(self.X, self.y, SPARSE_ALPHAS), 2)
        return ref / ours

    track_speedup_vs_sklearn.unit = "ratio"

    def track_max_kkt_residual(self):
        path = self._path()
        return max(sparse_kkt(self.X, self.y, path.coefs[:, i], path.intercepts[i], a)
                   for i, a in enumerate(SPARSE_ALPHAS))

    track_max_kkt_residual.unit = "relative residual"

    def track_max_kkt_residual_sklearn(self):
        fits = sklearn_sparse_path(self.X, self.y, SPARSE_ALPHAS)
        return max(sparse_kkt(self.X, self.y, m.coef_, m.intercept_, a)
                   for m, a in zip(fits, SPARSE_ALPHAS))

    track_max_kkt_residual_sklearn.unit = "relative residual"

    def track_matvecs(self):
        """Products with the system matrix used by the whole path (the seed's iterations)."""
        return int(self._path().n_iters.max())

    track_matvecs.unit = "products"


class SparsePathMemory:
    """Peak memory of the news20 path against X plus the coefficients returned."""

    timeout = 900

    def setup(self):
        self.X, self.y = load("news20")

    def peakmem_cg_path(self):
        fastreg.ridge_path(self.X, self.y, alphas=SPARSE_ALPHAS, tol=SPARSE_TOL)

    def track_peak_over_floor(self):
        X = self.X
        x_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
        floor = x_bytes + 8 * X.shape[1] * len(SPARSE_ALPHAS)     # + the dense coefs returned
        tracemalloc.start()
        fastreg.ridge_path(X, self.y, alphas=SPARSE_ALPHAS, tol=SPARSE_TOL)
        _, peak = tracemalloc.get_traced_memory()                 # allocated during the call
        tracemalloc.stop()
        return (x_bytes + peak) / floor

    track_peak_over_floor.unit = "ratio"


class GolubCV:
    """p ≫ n: the dual (kernel) path and leave-one-out on golub."""

    def setup(self):
        self.X, self.y = load("golub")
        self.alphas = np.geomspace(1e3, 1e-3, 100)

    def time_ridge_path(self):
        fastreg.ridge_path(self.X, self.y, alphas=self.alphas)

    def time_ridgecv_loo(self):
        fastreg.RidgeCV(alphas=self.alphas).fit(self.X, self.y)
