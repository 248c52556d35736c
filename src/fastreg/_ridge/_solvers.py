"""Choosing a Ridge solver, running it, and reporting numerical trouble.

Solvers (``solver=``):

* ``"cholesky"`` — dense Gram (p × p, when n ≥ p) or kernel (n × n, when
  p > n), Cholesky factorization per alpha.
* ``"eigen"`` — the same matrix, one symmetric eigendecomposition shared by
  every alpha (and by the leave-one-out and GCV errors).
* ``"cg"`` — conjugate gradients, never forming a dense matrix.
* ``"auto"`` — a direct solver when its dense matrix is cheap (always for
  dense X that fits in memory; for sparse X up to ``AUTO_SPARSE_DIRECT_MAX``),
  Cholesky for few alphas and eigen for many; CG otherwise.

The dual (kernel) form requires every penalty factor to be positive; with
unpenalized features the primal Gram is used.
"""

import warnings

import numpy as np

from ._direct import GramSystem, KernelSystem, dense_matrix_bytes
from ._iterative import CGSystem, default_max_iter, use_dual_cg
from .._warnings import ConvergenceWarning, IllConditionedWarning

__all__ = ["SOLVERS", "Plan", "plan_solver", "plan_spectral", "build_system", "solve",
           "solve_alphas", "check_solver"]

SOLVERS = ("auto", "cholesky", "eigen", "cg")
# Sparse X: "auto" forms a dense Gram/kernel only up to this dimension.
AUTO_SPARSE_DIRECT_MAX = 2000
# No solver forms a dense matrix larger than this.
MAX_DIRECT_BYTES = 4 << 30
# From this many alphas one eigendecomposition is cheaper than a Cholesky per alpha.
EIGEN_MIN_ALPHAS = 4


class Plan:
    """A solver choice: method ("cholesky", "eigen", "cg"), kind ("primal", "dual")
    and a human-readable description with the reason, exposed as ``solver_``."""

    def __init__(self, method, kind, description):
        self.method = method
        self.kind = kind
        self.description = description

    def __repr__(self):
        return f"Plan({self.description!r})"


def check_solver(solver):
    if not isinstance(solver, str) or solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}.")
    return solver


def _direct_kind(data):
    """Primal Gram when n ≥ p or some feature is unpenalized, else the dual kernel."""
    n, p = data.n_samples, data.n_features
    if n >= p:
        return "primal", p, "n >= p"
    if np.any(data.penalty == 0):
        return "primal", p, "p > n, but penalty_factor has zeros so the dual form does not apply"
    return "dual", n, "p > n"


def _cg_plan(data, n_alphas, why):
    """CG on the normal equations (dual only for extremely wide sparse X)."""
    kind = "dual" if use_dual_cg(data) else "primal"
    detail = [why]
    if kind == "dual":
        detail.append("dual equations: p exceeds a quarter of the stored entries")
    elif n_alphas > 1 and np.all(data.penalty > 0):
        detail.append(f"multi-shift: {n_alphas} alphas from one Krylov sequence")
    else:
        detail.append("Jacobi preconditioner")
    return Plan("cg", kind, f"{_name('cg', kind)} ({'; '.join(detail)})")


def _name(method, kind):
    if method == "cg":
        return "cg" if kind == "primal" else "dual-cg"
    return method if kind == "primal" else f"dual-{method}"


def plan_solver(data, solver, n_alphas):
    """Pick the method for ``solver`` on this data and explain the choice."""
    check_solver(solver)
    kind, size, reason = _direct_kind(data)
    too_big = dense_matrix_bytes(size) > MAX_DIRECT_BYTES
    if solver in ("cholesky", "eigen"):
        if too_big:
            raise ValueError(
                f"solver={solver!r} needs a dense {size} x {size} matrix "
                f"({dense_matrix_bytes(size) / 2**30:.1f} GiB); use solver='cg'.")
        if solver == "eigen" and np.any(data.penalty == 0):
            raise ValueError(
                "solver='eigen' requires every penalty_factor > 0 (it rescales the Gram by "
                "penalty_factor^-1/2); use solver='cholesky' or 'cg' with unpenalized features.")
        return Plan(solver, kind, f"{_name(solver, kind)} ({reason})")
    if solver == "cg":
        return _cg_plan(data, n_alphas, "requested")
    # auto
    if too_big or (data.sparse and size > AUTO_SPARSE_DIRECT_MAX):
        why = (f"sparse X with min(n, p) = {size} > {AUTO_SPARSE_DIRECT_MAX}: no dense Gram"
               if not too_big else f"a dense {size} x {size} matrix would not fit comfortably")
        return _cg_plan(data, n_alphas, why)
    if n_alphas >= EIGEN_MIN_ALPHAS and not np.any(data.penalty == 0):
        return Plan("eigen", kind,
                    f"{_name('eigen', kind)} ({reason}; {n_alphas} alphas share one "
                    "eigendecomposition)")
    return Plan("cholesky", kind, f"{_name('cholesky', kind)} ({reason})")


def build_system(data, plan):
    """The linear system object that carries out ``plan``."""
    if plan.method == "cg":
        return CGSystem(data, dual=plan.kind == "dual")
    if plan.kind == "primal":
        return GramSystem(data)
    return KernelSystem(data)


def solve(system, plan, alphas, tol, max_iter):
    """Run the plan for the given (decreasing) alphas; warn on numerical trouble.

    Returns a ``DirectSolution`` or ``IterativeSolution`` (both with
    ``coefs`` of shape (n_alphas, n_features, n_targets), ``kkt`` and ``rss``).
    """
    if plan.method == "cg":
        iters = default_max_iter(system.data) if max_iter is None else max_iter
        sol = system.solve(alphas, tol, iters)
        warn_convergence(alphas, sol.kkt, tol, iters, sol.n_iters)
        return sol
    sol = system.solve_eigen(alphas) if plan.method == "eigen" else system.solve_cholesky(alphas)
    warn_conditioning(system, alphas, sol)
    return sol


def solve_alphas(data, solver, alphas, tol, max_iter, *, plan=None, system=None):
    """Plan ``solver`` for these alphas, build its system and solve: every Ridge fit.

    Parameters
    ----------
    data : RidgeDesign
    solver : {"auto", "cholesky", "eigen", "cg"}
    alphas : ndarray of shape (n_alphas,), decreasing
    tol : float
    max_iter : int or None
    plan, system : optional
        A plan to use instead of planning ``solver``, and a system already
        built for the same matrix (e.g. the one leave-one-out decomposed).

    Returns
    -------
    plan : Plan
    system : GramSystem, KernelSystem or CGSystem
    solution : DirectSolution or IterativeSolution
    """
    if plan is None:
        plan = plan_solver(data, solver, len(alphas))
    if system is None:
        system = build_system(data, plan)
    sol = solve(system, plan, alphas, tol, max_iter)
    sol.coefs[:, data.zero_sd] = 0.0
    return plan, system, sol


def warn_convergence(alphas, kkt, tol, max_iter, n_iters):
    """ConvergenceWarning with the achieved relative KKT residual and the threshold."""
    bad = np.flatnonzero(kkt > tol)
    if bad.size == 0:
        return
    worst = bad[np.argmax(kkt[bad])]
    warnings.warn(
        f"Ridge conjugate gradients did not converge for {bad.size} of {len(alphas)} "
        f"alpha(s): relative KKT residual {kkt[worst]:.3e} > tol = {tol:.3e} at "
        f"alpha = {alphas[worst]:.4g} after {n_iters[worst]} iterations (max_iter = "
        f"{max_iter}). The last iterate is returned; increase max_iter (or tol) to remove "
        "this warning.",
        ConvergenceWarning, stacklevel=5)


def _constant_columns(system):
    """Indices of columns that are constant after centering, when cheaply known."""
    if system.kind != "primal":
        return None
    d = np.diag(system.G)
    return np.flatnonzero(d <= d.max(initial=0.0) * d.shape[0] * np.finfo(np.float64).eps)


def warn_conditioning(system, alphas, sol):
    """IllConditionedWarning when a system's rcond is below the dtype's threshold."""
    threshold = system.data.rcond_threshold
    bad = np.flatnonzero((sol.rconds < threshold) | sol.singular)
    if bad.size == 0:
        return
    worst = bad[np.argmin(sol.rconds[bad])]
    dtype = np.dtype(system.data.dtype).name
    what = ("is numerically singular (not positive definite; the minimum-norm solution is "
            "returned)" if sol.singular[worst] else "is ill-conditioned")
    causes = ["duplicate or collinear columns"]
    const = _constant_columns(system)
    if const is not None and const.size:
        shown = ", ".join(str(j) for j in const[:5]) + (", ..." if const.size > 5 else "")
        causes.append(f"constant columns ({shown})")
    else:
        causes.append("constant columns")
    causes.append("an alpha too small for the scale of X")
    warnings.warn(
        f"The Ridge {system.kind} system at alpha = {alphas[worst]:.4g} {what}: reciprocal "
        f"condition number {sol.rconds[worst]:.2e} < {threshold:.0e} for {dtype} data"
        f"{f' ({bad.size} of {len(alphas)} alphas affected)' if len(alphas) > 1 else ''}. "
        f"The coefficients are finite but may be inaccurate. Likely causes: "
        f"{', '.join(causes)}. Fix: increase alpha, remove duplicate or constant columns, "
        "or standardize the features.",
        IllConditionedWarning, stacklevel=5)


# Largest Gram/kernel dimension for which leave-one-out / GCV form it and
# decompose it (O(size³) time, size² memory).
SPECTRAL_CV_MAX = 10000


def plan_spectral(data):
    """Plan for leave-one-out / GCV: one eigendecomposition of the smaller matrix."""
    kind, size, reason = _direct_kind(data)
    if np.any(data.penalty == 0):
        raise ValueError(
            "Leave-one-out and GCV errors need every penalty_factor > 0; use cv=k (k-fold) "
            "with unpenalized features.")
    if size > SPECTRAL_CV_MAX or dense_matrix_bytes(size) > MAX_DIRECT_BYTES:
        raise ValueError(
            f"Exact leave-one-out and GCV decompose a dense {size} x {size} matrix "
            f"(min(n_samples, n_features) = {size} > {SPECTRAL_CV_MAX}); use cv=k for k-fold "
            "cross-validation with the conjugate-gradient path instead.")
    return Plan("eigen", kind, f"{_name('eigen', kind)} ({reason}; leave-one-out and GCV "
                "for every alpha from one eigendecomposition)")
