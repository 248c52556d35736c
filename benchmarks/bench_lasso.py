"""asv benchmarks of Lasso paths.

The path everywhere: 100 alphas from alpha_max down to 1e-2·alpha_max, no
intercept unless stated, stopped at a certified relative duality gap of
1e-6 (which bounds the relative suboptimality at every alpha by 1e-6).

* ``LassoPath``: time, epochs and full-gradient passes of the path on news20
  tf-idf and golub, and the largest gap reached.
* ``EpochCost``: one full coordinate-descent epoch, and the whole path, in
  units of one ``X.T @ r`` product (the memory-bandwidth floor of a gradient
  pass) on sparse data.
* ``PathMemory``: peak memory of a path on news20 tf-idf, and the ratio of
  that peak to the floor (X in CSC + the sparse path).
* ``Float32Path``: the news20 path in float32 against float64.
* ``UnpenalizedPath``: news20 with an intercept and three unpenalized words.
* ``SyntheticTextPath``: text-like sparse data at growing size.
"""

import tracemalloc

import numpy as np
import scipy.sparse as sp

import fastreg

from ._data import best_time, load, synthetic_text

TOL = 1e-6
EPS = 1e-2
N_ALPHAS = 100


def grid(X, y, fit_intercept=False):
    return fastreg.alpha_grid(X, y, n_alphas=N_ALPHAS, eps=EPS, fit_intercept=fit_intercept)


def fit_path(X, y, alphas, fit_intercept=False):
    return fastreg.lasso_path(X, y, alphas=alphas, fit_intercept=fit_intercept, tol=TOL)


class LassoPath:
    """The benchmark path on the real datasets."""

    params = ["news20", "golub"]
    param_names = ["data"]
    timeout = 600

    def setup(self, data):
        self.X, self.y = load(data)
        self.alphas = grid(self.X, self.y)

    def time_path(self, data):
        fit_path(self.X, self.y, self.alphas)

    def track_epochs(self, data):
        """Coordinate-descent epochs summed over the path (deterministic)."""
        return int(fit_path(self.X, self.y, self.alphas).n_iters.sum())

    track_epochs.unit = "epochs"

    def track_gradient_passes(self, data):
        """Full gradient passes (Xᵀr over all columns) summed over the path."""
        path = fit_path(self.X, self.y, self.alphas)
        passes = path.info.get("n_passes")
        return int(np.sum(passes)) if passes is not None else float("nan")

    track_gradient_passes.unit = "passes"

    def track_max_gap(self, data):
        """Largest certified duality gap on the path, in units of tol."""
        return float(np.max(fit_path(self.X, self.y, self.alphas).dual_gaps) / TOL)

    track_max_gap.unit = "tol"


class EpochCost:
    """The cost of coordinate descent in units of one ``X.T @ r`` product.

    ``X.T @ r`` reads every stored entry of X once: a coordinate-descent
    epoch over all columns cannot be much cheaper, and a good kernel is not
    much dearer. One epoch is timed with the kernel's plain cyclic sweep
    (``_sweeps.cd_epochs``: every feature, no working set, no gap check),
    at the middle alpha of the benchmark grid, from the solution there.
    """

    params = ["news20", "synthetic"]
    param_names = ["data"]
    timeout = 600
    epochs_per_call = 5

    def setup(self, data):
        from fastreg._design import Design
        from fastreg._kernels import _problem, _sweeps

        self.X, self.y = load(data)
        self.alphas = grid(self.X, self.y)
        self.r = np.array(self.y)
        self.xtr_seconds = best_time(lambda: self.X.T @ self.r, 30)

        design = Design(self.X, None, fit_intercept=False)
        y_c, _ = design.center_y(self.y)
        alpha = self.alphas[len(self.alphas) // 2]
        w = fit_path(self.X, self.y, [alpha]).coef_at(0).astype(np.float64)
        r = y_c - design.matvec(w)
        view = _problem.DesignView(design)
        penalty = _problem.ElasticNetPenalty(np.ones(design.n_features),
                                            l1=design.n_samples * alpha, l2=0.0)
        offset = np.zeros(1)
        self.sweep = lambda: _sweeps.cd_epochs(view, penalty, w, r, offset, self.epochs_per_call)

    def time_xtr(self, data):
        self.X.T @ self.r

    def time_cd_epoch(self, data):
        self.sweep()

    time_cd_epoch.unit = "seconds per 5 epochs"

    def track_cd_epoch_over_xtr(self, data):
        """Time of one full coordinate-descent epoch / time of one X.T @ r."""
        epoch = best_time(self.sweep, 10) / self.epochs_per_call
        return epoch / self.xtr_seconds

    track_cd_epoch_over_xtr.unit = "X.T@r"

    def track_path_over_xtr(self, data):
        """Time of the whole path in units of one X.T @ r."""
        seconds = best_time(lambda: fit_path(self.X, self.y, self.alphas), 3)
        return seconds / self.xtr_seconds

    track_path_over_xtr.unit = "X.T@r"


def _sparse_bytes(M):
    return M.data.nbytes + M.indices.nbytes + M.indptr.nbytes


class PathMemory:
    """Memory of a path on news20 tf-idf (X already in CSC, as the solver reads it)."""

    params = ["news20"]
    param_names = ["data"]
    timeout = 600

    def setup(self, data):
        X, self.y = load(data)
        self.X = sp.csc_matrix(X)
        self.alphas = grid(self.X, self.y)

    def peakmem_path(self, data):
        fit_path(self.X, self.y, self.alphas)

    def track_peak_over_floor(self, data):
        """(X + peak memory allocated by the path) / (X + the returned path).

        Allocations are traced by tracemalloc, which sees every NumPy buffer
        and the solver's workspace (allocated with Python's raw allocator).
        """
        tracemalloc.start()
        try:
            path = fit_path(self.X, self.y, self.alphas)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        x_bytes = _sparse_bytes(self.X)
        path_bytes = _sparse_bytes(path.coefs) + sum(
            np.asarray(a).nbytes for a in (path.alphas, path.intercepts, path.dual_gaps,
                                           path.n_iters, path.dev_ratios))
        return (x_bytes + peak) / (x_bytes + path_bytes)

    track_peak_over_floor.unit = "ratio"


class Float32Path:
    """news20 tf-idf in float32 and float64: float32 must not be slower."""

    params = ["float32", "float64"]
    param_names = ["dtype"]
    timeout = 600

    def setup(self, dtype):
        X, self.y = load("news20")
        self.X = X.astype(dtype)
        self.alphas = grid(X, self.y)

    def time_path(self, dtype):
        fit_path(self.X, self.y, self.alphas)


class UnpenalizedPath:
    """news20 tf-idf with an intercept and its three most correlated words unpenalized.

    Unpenalized features make the solver project its dual point; the
    certificate and the bounds that keep zero coefficients out of full
    gradient passes must work through that projection.
    """

    timeout = 600

    def setup(self):
        self.X, self.y = load("news20")
        corr = np.abs(self.X.T @ (self.y - self.y.mean()))
        self.penalty_factor = np.ones(self.X.shape[1])
        self.penalty_factor[np.argsort(corr)[-3:]] = 0.0
        self.alphas = fastreg.alpha_grid(self.X, self.y, n_alphas=N_ALPHAS, eps=EPS,
                                         penalty_factor=self.penalty_factor)

    def _fit(self):
        return fastreg.lasso_path(self.X, self.y, alphas=self.alphas, tol=TOL,
                                  penalty_factor=self.penalty_factor)

    def time_path(self):
        self._fit()

    def track_gradient_passes(self):
        """Full gradient passes summed over the path."""
        return int(np.sum(self._fit().info["n_passes"]))

    track_gradient_passes.unit = "passes"


class SyntheticTextPath:
    """Text-like data at growing size, with and without an intercept."""

    params = ([20_000, 100_000], [False, True])
    param_names = ["n_samples", "fit_intercept"]
    timeout = 900

    def setup(self, n_samples, fit_intercept):
        self.X, self.y = synthetic_text(n_samples=n_samples, n_features=5 * n_samples // 2)
        self.alphas = grid(self.X, self.y, fit_intercept)

    def time_path(self, n_samples, fit_intercept):
        fit_path(self.X, self.y, self.alphas, fit_intercept)

    def track_epochs(self, n_samples, fit_intercept):
        return int(fit_path(self.X, self.y, self.alphas, fit_intercept).n_iters.sum())

    track_epochs.unit = "epochs"
