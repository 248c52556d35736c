"""asv benchmarks of the block models: group lasso and multi-task Lasso paths.

Each path: 50 alphas from alpha_max down to eps·alpha_max, stopped at a
certified relative duality gap of 1e-6 (see ``_block_peers.py`` for the data).

* ``GroupPath``: the group lasso on news20 tf-idf (contiguous groups of 5
  columns, no intercept, eps 1e-1) and on the sparse additive model of
  cpusmall (one group of 9 spline columns per input, intercept, eps 1e-3):
  time, block coordinate-descent epochs, largest gap.
* ``LogisticGroupPath``: the logistic group lasso on news20 tf-idf, first
  ten newsgroups against the rest, contiguous groups of 5 (no intercept,
  eps 1e-1; ``_group_logistic_peers.py``).
* ``MultiTaskPath``: the multi-task Lasso on news20 tf-idf with the 20
  one-hot class indicators as tasks (no intercept, eps 1e-1).

Without the data files (see ``_data.data_dir``) the benchmarks are skipped.
"""

import numpy as np

import fastreg

from ._block_peers import GROUP_DATA, MULTITASK_DATA
from ._group_logistic_peers import GROUP_LOGISTIC_DATA, GROUP_LOGISTIC_EPS

TOL = 1e-6
N_ALPHAS = 50


def _load(table, name):
    try:
        return table[name][1](False)
    except OSError as exc:  # asv skips a benchmark whose setup raises NotImplementedError
        raise NotImplementedError(f"{name} data not found: {exc}") from None


class _Path:
    """What every block path reports; a subclass loads its data in ``setup`` and fits
    it in ``_path``. (asv collects public names only: this base is not a benchmark.)"""

    params = (["news20"],)
    param_names = ["data"]
    timeout = 600

    def time_path(self, data):
        self._path()

    def track_epochs(self, data):
        """Block coordinate-descent epochs summed over the path (deterministic)."""
        return int(self._path().n_iters.sum())

    track_epochs.unit = "epochs"

    def track_max_gap(self, data):
        """Largest certified duality gap on the path, in units of tol."""
        return float(np.max(self._path().dual_gaps) / TOL)

    track_max_gap.unit = "tol"


class GroupPath(_Path):
    """The group lasso path."""

    params = (["news20", "cpusmall"],)

    def setup(self, data):
        self.X, self.y, self.ids, self.eps = _load(GROUP_DATA, data)
        self.intercept = data == "cpusmall"

    def _path(self):
        return fastreg.group_lasso_path(self.X, self.y, self.ids, n_alphas=N_ALPHAS, eps=self.eps,
                                        fit_intercept=self.intercept, tol=TOL)


class LogisticGroupPath(_Path):
    """The logistic group lasso path."""

    def setup(self, data):
        self.X, self.y, self.ids = _load(GROUP_LOGISTIC_DATA, data)

    def _path(self):
        return fastreg.group_lasso_path(self.X, self.y, self.ids, n_alphas=N_ALPHAS,
                                        eps=GROUP_LOGISTIC_EPS, fit_intercept=False, tol=TOL,
                                        loss="logistic")


class MultiTaskPath(_Path):
    """The multi-task Lasso path."""

    def setup(self, data):
        self.X, self.Y = _load(MULTITASK_DATA, data)

    def _path(self):
        return fastreg.multitask_enet_path(self.X, self.Y, n_alphas=N_ALPHAS, eps=1e-1,
                                           fit_intercept=False, tol=TOL)
