"""asv benchmarks of L1 logistic regression paths.

The path everywhere: 100 alphas from the logistic alpha_max down to
1e-2·alpha_max, stopped at a certified relative duality gap of 1e-6 (the
gap relative to the null objective, which bounds the relative
suboptimality at every alpha by 1e-6).

* ``LogisticPath``: time, coordinate-descent epochs and proximal Newton
  steps of the path on news20 tf-idf (first ten groups vs the rest), with
  and without an intercept, and the largest gap reached.
* ``UnpenalizedLogisticPath``: the news20 path with an intercept and its
  three most correlated words unpenalized (penalty factor 0).
* ``MultinomialPath``: time, epochs and class cycles of the multinomial path
  on the Debian descriptions of the ten most common sections.
* ``GroupedMultinomialPath``: time, epochs and largest gap of the grouped
  multinomial path (each feature's K class coefficients one group) on the same data.

Without the news20 files (see ``_data.data_dir``) the benchmarks are skipped.
"""

import numpy as np

import fastreg

from ._data import load

TOL = 1e-6
EPS = 1e-2
N_ALPHAS = 100


def grid(X, y, fit_intercept):
    alpha_max = fastreg.logistic_alpha_max(X, y, fit_intercept=fit_intercept)
    return np.geomspace(alpha_max, alpha_max * EPS, N_ALPHAS)


def fit_path(X, y, alphas, fit_intercept):
    return fastreg.logistic_path(X, y, alphas=alphas, fit_intercept=fit_intercept, tol=TOL)


class LogisticPath:
    """The benchmark logistic path on news20 tf-idf."""

    params = (["news20"], [False, True])
    param_names = ["data", "fit_intercept"]
    timeout = 600

    def setup(self, data, fit_intercept):
        try:
            self.X, self.y = load(data)
        except OSError as exc:  # asv skips a benchmark whose setup raises NotImplementedError
            raise NotImplementedError(f"{data} data not found: {exc}") from None
        self.alphas = grid(self.X, self.y, fit_intercept)

    def time_path(self, data, fit_intercept):
        fit_path(self.X, self.y, self.alphas, fit_intercept)

    def track_epochs(self, data, fit_intercept):
        """Coordinate-descent epochs summed over the path (deterministic)."""
        return int(fit_path(self.X, self.y, self.alphas, fit_intercept).n_iters.sum())

    track_epochs.unit = "epochs"

    def track_newton_steps(self, data, fit_intercept):
        """Proximal Newton (outer) steps summed over the path."""
        path = fit_path(self.X, self.y, self.alphas, fit_intercept)
        steps = path.info.get("n_outer")
        return int(np.sum(steps)) if steps is not None else float("nan")

    track_newton_steps.unit = "steps"

    def track_max_gap(self, data, fit_intercept):
        """Largest certified duality gap on the path, in units of tol."""
        return float(np.max(fit_path(self.X, self.y, self.alphas, fit_intercept).dual_gaps)
                     / TOL)

    track_max_gap.unit = "tol"


class UnpenalizedLogisticPath:
    """news20 tf-idf with an intercept and its three most correlated words unpenalized.

    The unpenalized block (intercept and three coefficients) is solved
    exactly after every Newton step, and the dual point projected onto
    their columns' orthogonal complement before every gap.
    """

    timeout = 600

    def setup(self):
        try:
            self.X, self.y = load("news20")
        except OSError as exc:
            raise NotImplementedError(f"news20 data not found: {exc}") from None
        corr = np.abs(self.X.T @ (self.y - self.y.mean()))
        self.penalty_factor = np.ones(self.X.shape[1])
        self.penalty_factor[np.argsort(corr)[-3:]] = 0.0
        alpha_max = fastreg.logistic_alpha_max(self.X, self.y,
                                               penalty_factor=self.penalty_factor)
        self.alphas = np.geomspace(alpha_max, alpha_max * EPS, N_ALPHAS)

    def _path(self):
        return fastreg.logistic_path(self.X, self.y, alphas=self.alphas, tol=TOL,
                                     penalty_factor=self.penalty_factor)

    def time_path(self):
        self._path()

    def track_epochs(self):
        """Coordinate-descent epochs summed over the path (deterministic)."""
        return int(self._path().n_iters.sum())

    track_epochs.unit = "epochs"

    def track_max_gap(self):
        """Largest certified duality gap on the path, in units of tol."""
        return float(np.max(self._path().dual_gaps) / TOL)

    track_max_gap.unit = "tol"


class MultinomialPath:
    """The multinomial L1 path on the Debian descriptions of the ten most common sections.

    30 alphas from alpha_max down to 1e-2·alpha_max (the full 100-alpha
    comparison with the peers is ``compare_multinomial.py``); the data are
    embedded in fastreg, so this benchmark always runs.
    """

    timeout = 600

    def setup(self):
        self.X, self.y = load("debian-sections")
        alpha_max = fastreg.logistic_alpha_max(self.X, self.y)
        self.alphas = np.geomspace(alpha_max, alpha_max * EPS, 30)

    def _path(self):
        return fastreg.logistic_path(self.X, self.y, alphas=self.alphas, tol=TOL)

    def time_path(self):
        self._path()

    def track_epochs(self):
        """Coordinate-descent epochs summed over the path (deterministic)."""
        return int(self._path().n_iters.sum())

    track_epochs.unit = "epochs"

    def track_class_cycles(self):
        """Cycles over the classes summed over the path."""
        return int(np.sum(self._path().info["n_cycles"]))

    track_class_cycles.unit = "cycles"


class GroupedMultinomialPath:
    """The grouped multinomial path (``multinomial="grouped"``) on the same data and grid scale.

    30 alphas from its own alpha_max (the largest norm of a feature's K class
    correlations) down to 1e-2·alpha_max; solved by the block solver with its
    softmax datafit (``compare_multinomial.py --multinomial grouped`` runs the
    100-alpha comparison with glmnet's grouped multinomial).
    """

    timeout = 600

    def setup(self):
        self.X, self.y = load("debian-sections")
        alpha_max = fastreg.logistic_alpha_max(self.X, self.y, multinomial="grouped")
        self.alphas = np.geomspace(alpha_max, alpha_max * EPS, 30)

    def _path(self):
        return fastreg.logistic_path(self.X, self.y, alphas=self.alphas, tol=TOL,
                                     multinomial="grouped")

    def time_path(self):
        self._path()

    def track_epochs(self):
        """Epochs of the Newton models summed over the path (deterministic)."""
        return int(self._path().n_iters.sum())

    track_epochs.unit = "epochs"

    def track_max_gap(self):
        """Largest certified duality gap on the path, in units of tol."""
        return float(np.max(self._path().dual_gaps) / TOL)

    track_max_gap.unit = "tol"
