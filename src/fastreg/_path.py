"""The path driver: one warm-started loop over alphas for every model.

A model plugs in as a *point solver* (glmnetpp's path / point split): the
driver owns the loop, the stopping rules, the progress report and the
assembly of the :class:`~fastreg.Path`; the point solver owns the data, the
warm start carried from one alpha to the next, and the solve at one alpha.

A point solver provides::

    n_features, dtype, l1_ratio     what the Path records
    solve(index, alpha, alphas)     fit at alphas[index], warm started from the last
                                    fit; returns a PointResult
    coef()                          the current coefficients (dense, float64; a view),
                                    flattened when they are a matrix
    intercept()                     the current intercept (a float, or one per class / task)
    coef_shape (optional)           the shape of one alpha's coefficients, e.g. (K, p)
    release()                       drop the solver's workspace (before assembly)
"""

import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._result import Path
from ._warnings import ConvergenceWarning

__all__ = ["PointResult", "run_path"]


@dataclass
class PointResult:
    """What a point solver reports for one alpha.

    ``dual_gap`` is relative to the null objective (the units of ``tol``);
    ``info`` holds integer solver statistics, recorded per alpha under
    ``Path.info``.
    """

    dual_gap: float
    n_iter: int
    dev_ratio: float
    info: dict = field(default_factory=dict)


def _progress_printer(n_alphas):
    def show(i, alpha, gap, n_nonzero):
        sys.stderr.write(f"\r  alpha {i + 1:>4d}/{n_alphas}  {alpha:.3e}  "
                         f"nnz {n_nonzero:>6d}  gap {gap:.1e}")
        if i + 1 == n_alphas:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return show


def _deviance_plateau(dev_ratios, k):
    """glmnet's rule: the deviance ratio improved by < 1e-5 (relative) or exceeds 0.999."""
    return k > 0 and (dev_ratios[k] - dev_ratios[k - 1] < 1e-5 * dev_ratios[k]
                      or dev_ratios[k] > 0.999)


def _warn_not_converged(alphas, gaps, tol, max_iter, method):
    not_converged = np.flatnonzero(gaps > tol)
    if not not_converged.size:
        return
    details = ", ".join(f"alpha={alphas[i]:.4g}: gap {gaps[i]:.3g}" for i in not_converged[:5])
    more = "" if not_converged.size <= 5 else f" and {not_converged.size - 5} more"
    warnings.warn(
        f"{method} did not reach tol={tol:.3g} (duality gap relative to the null objective) "
        f"within max_iter={max_iter} epochs at {not_converged.size} of {len(alphas)} alphas: "
        f"{details}{more}. Increase max_iter or loosen tol; poorly scaled or nearly collinear "
        "features slow convergence.", ConvergenceWarning, stacklevel=4)


def run_path(point, alphas, *, tol, max_iter, early_stop=False, verbose=False, callback=None,
             method="Coordinate descent"):
    """Solve ``point`` at each of the decreasing ``alphas``, warm started; return a Path.

    Parameters
    ----------
    point : point solver (see the module docstring)
    alphas : ndarray, decreasing
    tol, max_iter : the stopping rule of each solve (for the warning)
    early_stop : bool
        Stop once the deviance ratio stops improving (glmnet's rule; meant
        for the automatic grid only).
    verbose : bool or callable
        True prints progress to stderr; a callable is called after each
        alpha as ``verbose(index, alpha, dual_gap, n_nonzero)``.
    callback : callable, optional
        ``callback(index, alpha, coef, intercept)`` after each alpha, with a
        read-only view of the coefficients; returning True stops the path.
    method : str
        The solver's name in the convergence warning.
    """
    n_alphas = len(alphas)
    progress = _progress_printer(n_alphas) if verbose is True else (verbose or None)
    rows, values = [], []
    intercepts = []
    gaps = np.zeros(n_alphas)
    n_iters = np.zeros(n_alphas, dtype=np.int64)
    dev_ratios = np.zeros(n_alphas)
    info = {}
    solved, stopped_early = 0, False
    for k, alpha in enumerate(alphas):
        result = point.solve(k, alpha, alphas)
        gaps[k], n_iters[k], dev_ratios[k] = result.dual_gap, result.n_iter, result.dev_ratio
        for name, value in result.info.items():
            info.setdefault(name, np.zeros(n_alphas, dtype=np.int64))[k] = value
        coef = point.coef()
        support = np.flatnonzero(coef != 0.0)  # on a mask: much faster than on floats
        rows.append(support)
        values.append(coef[support])
        intercepts.append(point.intercept())
        solved = k + 1
        if progress is not None:
            progress(k, alpha, gaps[k], support.size)
        stop = False
        if callback is not None:
            view = coef.view()
            view.flags.writeable = False
            stop = bool(callback(k, alpha, view, intercepts[k]))
        if stop or (early_stop and _deviance_plateau(dev_ratios, k)):
            stopped_early = k + 1 < n_alphas
            break

    point.release()  # the solver's workspace, before the path is assembled (peak memory)
    alphas = alphas[:solved]
    _warn_not_converged(alphas, gaps[:solved], tol, max_iter, method)
    indptr = np.zeros(solved + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([r.size for r in rows])
    coefs = sp.csc_matrix(
        (np.concatenate(values).astype(point.dtype, copy=False),
         np.concatenate(rows).astype(np.int64, copy=False), indptr),
        shape=(point.n_features, solved))
    # one row of intercepts per class / task when there are several (as Ridge's multi-target)
    intercepts = np.asarray(intercepts, dtype=np.float64).T
    return Path(alphas, coefs, intercepts, gaps[:solved], n_iters[:solved],
                dev_ratios[:solved], point.l1_ratio, stopped_early,
                {name: v[:solved] for name, v in info.items()},
                coef_shape=getattr(point, "coef_shape", None))
