"""The protocol of ``compare_peers.py``: equal accuracy, certified, then timed.

Accuracy is measured, not assumed: a reference path is computed at a very
tight tolerance and certified by its duality gap (computed here, from the
reference's residuals), and each run's relative suboptimality
(P(β) − P_ref) / P(0) is evaluated at every alpha. For each solver the
script tries its own tolerance parameter from loose to tight along a ladder
(1e-2, 3e-3, 1e-3, ..., 1e-14) and keeps the loosest one whose largest relative
suboptimality over the path is at most 1e-6; that setting is then timed
(best of at least ``--repeat`` runs) and compared with fastreg's time.

:class:`Task` and :class:`Reference` state this for the Lasso path; the
other models subclass them or provide the same methods.
"""

import importlib
import time

import numpy as np
import scipy.sparse as sp

from benchmarks._lasso_peers import SOLVERS

TARGET = 1e-6                                   # max relative suboptimality
# Each solver's own tolerance, loose to tight, two steps per decade (1e-2, 3e-3, 1e-3, ...).
LADDER = [m * 10.0 ** -k for k in range(2, 15) for m in (3.0, 1.0)][1:]
REFERENCE_TOL = 1e-12                           # fastreg's relative gap for the reference
DEFAULT_TOL = 1e-6                              # fastreg's default, timed beside
N_ALPHAS, EPS = 100, 1e-2


def available(name, solvers=SOLVERS):
    """Whether a solver's package can be imported."""
    try:
        importlib.import_module(solvers[name][0])
    except Exception:  # noqa: BLE001 - a broken install counts as missing
        return False
    return True


# ------------------------------------------------------------ certificates ---

def alpha_grid(X, y, intercept=False):
    """The benchmark grid: fastreg's default construction (y centered with an intercept)."""
    if intercept:
        y = y - y.mean()
    alpha_max = np.max(np.abs(X.T @ y)) / X.shape[0]
    return np.geomspace(alpha_max, alpha_max * EPS, N_ALPHAS)


class Task:
    """One path to fit: data, alphas, and whether an intercept is fitted."""

    model = "Lasso"
    solvers = SOLVERS
    reference_tol = REFERENCE_TOL

    def __init__(self, X, y, intercept):
        self.X, self.y, self.intercept = X, y, intercept
        self.alphas = self.grid(X, y)
        y_c = y - y.mean() if intercept else y
        self.null = float(y_c @ y_c) / (2 * len(y))  # P at β = 0 (and the best β0)

    def grid(self, X, y):
        """The benchmark grid on (X, y)."""
        return alpha_grid(X, y, self.intercept)

    def supports(self, solver):
        """Whether ``solver`` fits this path (some fit no intercept)."""
        return True

    def run(self, solver, tol):
        """(seconds, (coefs, intercepts)) of one path by ``solver``."""
        start = time.perf_counter()
        fit = self.solvers[solver][1](self.X, self.y, self.alphas, tol, self.intercept)
        return time.perf_counter() - start, fit

    def _residuals(self, fit):
        coefs, intercepts = fit
        coefs = coefs.toarray() if sp.issparse(coefs) else np.asarray(coefs, dtype=np.float64)
        R = self.y[:, None] - np.asarray(self.X @ coefs) - np.asarray(intercepts)[None, :]
        return coefs, R

    def objectives(self, fit):
        """Primal objective at every alpha: 1/(2n)‖y − β0 − Xβ‖² + α‖β‖₁."""
        coefs, R = self._residuals(fit)
        return (R ** 2).sum(axis=0) / (2 * len(self.y)) + self.alphas * np.abs(coefs).sum(axis=0)

    def dual_objectives(self, fit):
        """Dual objective at the rescaled residual of every solution (a lower bound on P*).

        With an intercept the dual point must sum to zero: the residual is
        centered first, and then yᵀν = (y − ȳ)ᵀν.
        """
        n = len(self.y)
        _, R = self._residuals(fit)
        if self.intercept:
            R = R - R.mean(axis=0)
        correlation = np.abs(np.asarray(self.X.T @ R)).max(axis=0)
        scale = np.minimum(1.0, n * self.alphas / np.maximum(correlation, 1e-300))
        nu = R * scale
        return (self.y @ nu) / n - (nu ** 2).sum(axis=0) / (2 * n)


class Reference:
    """Tight reference objectives, certified by their duality gap."""

    def __init__(self, task, solver):
        self.task, self.solver = task, solver
        self.seconds, fit = task.run(solver, task.reference_tol)
        self.primal = task.objectives(fit)
        self.dual = task.dual_objectives(fit)

    @property
    def certified_gap(self):
        """Largest relative duality gap of the reference over the path."""
        return float(np.max(self.primal - self.dual) / self.task.null)

    def suboptimality(self, fit):
        """Largest (P(β) − P_ref) / P(0) over the path."""
        return float(np.max(self.task.objectives(fit) - self.primal) / self.task.null)


# ------------------------------------------------------------------ search ---

def warm_up(name, task):
    """One small untimed fit, so just-in-time compilation is not timed."""
    if hasattr(task, "warm_up"):  # the block models' tasks (their solvers take more)
        return task.warm_up(name)
    rows = slice(0, min(50, task.X.shape[0]))
    cols = slice(0, min(200, task.X.shape[1]))
    Xs, ys = task.X[rows][:, cols], task.y[rows]
    grid = task.grid(Xs, ys)[:5]
    if np.all(grid > 0):
        task.solvers[name][1](Xs, ys, grid, 1e-4, task.intercept)


def search(name, task, reference, repeat, max_seconds, log):
    """Loosest tolerance on the ladder reaching TARGET; returns a result dict."""
    warm_up(name, task)
    tried = []
    for tol in LADDER:
        seconds, fit = task.run(name, tol)
        subopt = reference.suboptimality(fit)
        tried.append((tol, seconds, subopt))
        log(f"    {name:8s} tol {tol:.0e}: {seconds:8.3f} s, max rel. subopt {subopt:.2e}")
        if subopt <= TARGET:
            times = [seconds]
            # Fast runs are repeated more (up to 2 s in all) so the best time is stable.
            while len(times) < repeat or (sum(times) < 2.0 and len(times) < 20):
                times.append(task.run(name, tol)[0])
            return dict(tol=tol, seconds=min(times), subopt=subopt, tried=tried)
        if seconds > max_seconds:
            log(f"    {name:8s} stopped: a run took longer than {max_seconds:g} s")
            break
    return dict(tol=None, seconds=None, subopt=min(s for _, _, s in tried), tried=tried)


# ------------------------------------------------------------------ report ---

def describe(X):
    n, p = X.shape
    if sp.issparse(X):
        return f"{n} × {p}, {X.nnz / 1e6:.2f}M nnz"
    return f"{n} × {p} dense"
