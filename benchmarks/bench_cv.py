"""asv benchmarks of cross-validated Lasso and logistic regression.

The CV everywhere: 5 shuffled folds (seed 0), the 100-alpha benchmark grid
(alpha_max down to 1e-2·alpha_max, from the full data), no intercept, tol
1e-6 for the final refit (included) and the folds at the default
``cv_tol=1e-4``; ``time_cv_tight_folds`` solves the folds at 1e-6 too.

* ``LassoCV``: time on news20 and Debian tf-idf with one worker, with two
  threads, and with ``patience=10``; the ratio of the CV time to one path on
  all the data (the floor is about 4–5 paths on 80% of the rows plus the
  refit); epochs summed over folds; and how many alphas ``patience=10``
  solves per fold, in percent of the full grid.
* ``LogisticRegressionCV``: the same on news20 (the ±1 target, with an
  intercept, stratified folds, deviance scoring) on the 100-alpha grid from
  ``logistic_alpha_max`` down to 1e-2 of it.
"""

import numpy as np

import fastreg

from ._data import best_time, load

TOL = 1e-6
EPS = 1e-2
N_ALPHAS = 100
N_FOLDS = 5
PATIENCE = 10


def grid(X, y):
    return fastreg.alpha_grid(X, y, n_alphas=N_ALPHAS, eps=EPS, fit_intercept=False)


def lasso_cv(X, y, alphas, **options):
    return fastreg.LassoCV(alphas=alphas, cv=N_FOLDS, random_state=0, fit_intercept=False,
                           tol=TOL, selection="min", **options).fit(X, y)


class _OneRun:
    """One timed run per benchmark: a CV is long and deterministic."""

    param_names = ["data"]
    timeout = 900
    number = 1
    repeat = 1


class LassoCV(_OneRun):
    """5-fold CV of the benchmark path on the real text datasets."""

    params = ["news20", "debian"]

    def setup(self, data):
        self.X, self.y = load(data)
        if data == "debian":
            self.y = self.y - self.y.mean()  # no intercept: center the target
        self.alphas = grid(self.X, self.y)

    def time_cv(self, data):
        lasso_cv(self.X, self.y, self.alphas, n_jobs=1)

    def time_cv_two_threads(self, data):
        lasso_cv(self.X, self.y, self.alphas, n_jobs=2)

    def time_cv_tight_folds(self, data):
        lasso_cv(self.X, self.y, self.alphas, n_jobs=1, cv_tol=None)

    def time_cv_patience(self, data):
        lasso_cv(self.X, self.y, self.alphas, n_jobs=1, patience=PATIENCE)

    def track_cv_over_path(self, data):
        """CV time (5 folds + refit) in units of one path on all the data."""
        path = best_time(lambda: fastreg.lasso_path(self.X, self.y, alphas=self.alphas,
                                                    fit_intercept=False, tol=TOL), 1)
        cv = best_time(lambda: lasso_cv(self.X, self.y, self.alphas, n_jobs=1), 1)
        return cv / path

    track_cv_over_path.unit = "paths"

    def track_patience_alphas_percent(self, data):
        """Alphas solved per fold with patience=10, in percent of the grid (deterministic)."""
        model = lasso_cv(self.X, self.y, self.alphas, n_jobs=1, patience=PATIENCE)
        return float(100.0 * np.mean(np.isfinite(model.cv_scores_)))

    track_patience_alphas_percent.unit = "%"


class LogisticRegressionCV(_OneRun):
    """5-fold stratified CV of the L1 logistic path on news20 (deviance)."""

    params = ["news20"]

    def setup(self, data):
        self.X, self.y = load(data)
        top = fastreg.logistic_alpha_max(self.X, self.y)
        self.alphas = np.geomspace(top, EPS * top, N_ALPHAS)

    def cv(self, **options):
        return fastreg.LogisticRegressionCV(alphas=self.alphas, cv=N_FOLDS, random_state=0,
                                            tol=TOL, selection="min", **options).fit(self.X,
                                                                                     self.y)

    def time_cv(self, data):
        self.cv(n_jobs=1)

    def time_cv_two_threads(self, data):
        self.cv(n_jobs=2)

    def time_cv_tight_folds(self, data):
        self.cv(n_jobs=1, cv_tol=None)

    def time_cv_patience(self, data):
        self.cv(n_jobs=1, patience=PATIENCE)

    def track_cv_over_path(self, data):
        """CV time (5 folds + refit) in units of one path on all the data."""
        path = best_time(lambda: fastreg.logistic_path(self.X, self.y, alphas=self.alphas,
                                                       tol=TOL), 1)
        return best_time(lambda: self.cv(n_jobs=1), 1) / path

    track_cv_over_path.unit = "paths"
