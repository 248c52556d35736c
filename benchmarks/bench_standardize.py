"""asv benchmarks of ``standardize=True``.

* ``StandardizedLassoPath``: the news20 tf-idf Lasso path (100 alphas from
  alpha_max to 1e-2·alpha_max, gap 1e-6, no intercept) with
  ``standardize=True``, against the same path on the explicit column-scaled
  copy X D⁻¹ (the same problem: the ratio is the cost of the mechanism) and
  against the unstandardized path (the cost of the standardized problem,
  whose tf-idf solutions are denser), all measured in the same process.
* ``StandardizedRidge``: ``ridge_path`` on news20 with and without
  standardization (its penalty factors σ² go to the same solvers).
"""

import scipy.sparse as sp

import fastreg
from fastreg._design import Design

from ._data import best_time, load

TOL = 1e-6
EPS = 1e-2
N_ALPHAS = 100


class StandardizedLassoPath:
    timeout = 1200
    number = 1
    repeat = 1

    def setup(self):
        self.X, self.y = load("news20")
        sd = Design(self.X, None, False).col_scale
        self.X_scaled = sp.csc_matrix(self.X @ sp.diags(1.0 / sd))
        self.plain = fastreg.alpha_grid(self.X, self.y, n_alphas=N_ALPHAS, eps=EPS,
                                        fit_intercept=False)
        self.standardized = fastreg.alpha_grid(self.X, self.y, n_alphas=N_ALPHAS, eps=EPS,
                                               fit_intercept=False, standardize=True)

    def _standardized(self):
        return fastreg.lasso_path(self.X, self.y, alphas=self.standardized, fit_intercept=False,
                                  tol=TOL, standardize=True)

    def _copy(self):
        return fastreg.lasso_path(self.X_scaled, self.y, alphas=self.standardized,
                                  fit_intercept=False, tol=TOL)

    def _plain(self):
        return fastreg.lasso_path(self.X, self.y, alphas=self.plain, fit_intercept=False,
                                  tol=TOL)

    def time_standardized_path(self):
        self._standardized()

    def track_epochs(self):
        return int(self._standardized().n_iters.sum())

    track_epochs.unit = "epochs"

    def track_ratio_to_scaled_copy(self):
        """Standardized path time / the scaled copy's (same problem): the mechanism's cost."""
        return best_time(self._standardized, 1) / best_time(self._copy, 1)

    track_ratio_to_scaled_copy.unit = "ratio"

    def track_ratio_to_unstandardized(self):
        """Standardized path time / the unstandardized path's (a different, denser problem)."""
        return best_time(self._standardized, 1) / best_time(self._plain, 1)

    track_ratio_to_unstandardized.unit = "ratio"


class StandardizedRidge:
    timeout = 600

    def setup(self):
        self.X, self.y = load("news20")

    def track_ratio_to_unstandardized(self):
        """20-alpha conjugate-gradient path: standardized time / unstandardized time."""
        def fit(std):
            return lambda: fastreg.ridge_path(self.X, self.y, alphas=[1e-1 * 0.5 ** k
                                                                      for k in range(20)],
                                              standardize=std)
        return best_time(fit(True), 1) / best_time(fit(False), 1)

    track_ratio_to_unstandardized.unit = "ratio"
