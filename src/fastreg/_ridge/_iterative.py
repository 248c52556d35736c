"""Conjugate-gradient Ridge solvers (the kernels are in ``_ridge_cg``).

Used for sparse X too large for a dense Gram or kernel, and available on
dense X. Never forms X'X; memory beyond X is O(n + p) per target plus the
coefficients returned.

* One alpha: Jacobi-preconditioned CG on the normal equations (or, for
  extremely wide and sparse X, on the dual equations), from zero.
* A grid of alphas: the systems (G + nα V) β = b differ only by a multiple
  of V, so one multi-shift CG run on the smallest alpha produces every
  solution of the grid: the path costs about as many passes over X as its
  hardest alpha alone. Each solution's residual is then recomputed exactly
  (two passes over X for the whole grid) and any alpha that rounding kept
  above tol is finished by preconditioned CG warm-started from it.
* Without multi-shift (unpenalized features, dual equations), alphas are
  solved in decreasing order, each warm-started from a quadratic
  extrapolation (in log alpha) of the previous solutions.

Every target is solved separately. Reported KKT residuals are true
residuals, never recursion estimates.
"""

import numpy as np

from .._kernels import _ridge_cg

__all__ = ["CGSystem", "IterativeSolution", "default_max_iter", "use_dual_cg"]

# The dual solver evaluates its (primal) stopping criterion at least this often.
DUAL_CHECK_EVERY = 10
# Alphas whose true residuals are recomputed together after a multi-shift run.
VERIFY_BLOCK = 4


def default_max_iter(data):
    """CG iterations allowed per alpha and target when max_iter is None."""
    return max(1000, min(data.n_samples, data.n_features))


def use_dual_cg(data):
    """Dual equations only when p > n, every v > 0, and p-vectors rival X in size.

    The normal equations certify the KKT residual for free and admit
    multi-shift paths, so they are preferred unless the n-vectors of the dual
    save real memory and time (p larger than a quarter of the stored entries).
    """
    if data.n_features <= data.n_samples or np.any(data.penalty == 0):
        return False
    nnz = data.X.nnz if data.sparse else data.n_samples * data.n_features
    return data.n_features > nnz // 4


class IterativeSolution:
    """Coefficients and diagnostics of a CG path.

    Attributes
    ----------
    coefs : ndarray of shape (n_alphas, n_features, n_targets)
    kkt : ndarray of shape (n_alphas,)
        Largest true relative KKT residual over targets.
    n_iters : ndarray of shape (n_alphas,)
        Largest number of CG iterations over targets (for a multi-shift run,
        the iteration at which the alpha converged, plus any refinement).
    rss : ndarray of shape (n_alphas, n_targets)
    multishift : bool
    """

    def __init__(self, coefs, kkt, n_iters, rss, multishift):
        self.coefs = coefs
        self.kkt = kkt
        self.n_iters = n_iters
        self.rss = rss
        self.multishift = multishift


def _inverse(diag):
    return np.where(diag > 0, 1.0 / np.where(diag > 0, diag, 1.0), 1.0)


def _extrapolate(history, log_alpha):
    """Warm start: quadratic (or linear) extrapolation in log alpha of past solutions."""
    if not history:
        return None
    if len(history) == 1:
        return history[-1][1].copy()
    pts = history[-3:]
    ts = [t for t, _ in pts]
    out = np.zeros_like(pts[-1][1])
    for i, (ti, xi) in enumerate(pts):
        weight = np.prod([(log_alpha - tj) / (ti - tj) for j, tj in enumerate(ts) if j != i])
        out += weight * xi
    return out


class CGSystem:
    """Ridge by conjugate gradients on the normal (primal) or dual equations.

    Parameters
    ----------
    data : RidgeDesign
    dual : bool
        Iterate on the n × n dual system (requires all penalty factors > 0).
    """

    def __init__(self, data, dual):
        self.data = data
        self.dual = bool(dual)
        self.kind = "dual" if dual else "primal"
        self.arrays = data.kernel_arrays()
        self.Yc = data.Yc
        W_Yc = data.sqrt_weighted(data.Yc)
        self.yy = np.einsum("it,it->t", W_Yc, W_Yc)              # RSS at β = 0
        self.B = data.B
        self.Bt = np.ascontiguousarray(self.B.T)                  # (k, p)
        self.b_norms = np.linalg.norm(self.B, axis=0)
        if self.dual:
            self.T = np.ascontiguousarray(W_Yc.T)                  # (k, n)
            self.colscale = 1.0 / data.penalty
            self.diag = np.empty(data.n_samples)
            _ridge_cg.dual_diagonal(*self.arrays, data.n_samples, data.weights_or_empty,
                                    data.mean_or_empty, self.colscale, self.diag)
        else:
            self.diag = data.col_sq_norms

    def solve(self, alphas, tol, max_iter):
        """Solve for each alpha of a decreasing grid."""
        alphas = np.asarray(alphas, dtype=np.float64)
        multishift = (not self.dual and len(alphas) > 1 and np.all(self.data.penalty > 0))
        m, k, p = len(alphas), self.B.shape[1], self.data.n_features
        # (k, m, p) storage: each target's solutions are one contiguous block
        coefs = np.empty((k, m, p))
        kkt = np.zeros(m)
        n_iters = np.zeros(m, dtype=np.int64)
        rss = np.empty((m, k))
        for t in range(k):
            solve_grid = self._multishift if multishift else self._sequential
            rel, its, rss[:, t] = solve_grid(alphas, t, tol, max_iter, coefs[t])
            kkt = np.maximum(kkt, rel)
            n_iters = np.maximum(n_iters, its)
        return IterativeSolution(coefs.transpose(1, 2, 0), kkt, n_iters, np.maximum(rss, 0.0),
                                 multishift)

    # -- one alpha ------------------------------------------------------------

    def _one(self, alpha, t, start, tol, max_iter):
        """(β, relative KKT residual, iterations, RSS) for one alpha and target."""
        data = self.data
        n, nalpha = data.n_samples, data.n_samples * alpha
        w, xm = data.sqrt_weights_or_empty, data.mean_or_empty
        coef = np.zeros(data.n_features) if start is None else np.array(start, dtype=np.float64)
        if self.dual:
            warm = start is not None and alpha > 0
            c = self._dual_start(coef, alpha, t) if warm else np.zeros(n)
            resid = np.empty(n)
            it, rel = _ridge_cg.cg_dual(
                *self.arrays, n, w, xm, self.colscale, nalpha, _inverse(self.diag + nalpha),
                self.T[t], self.b_norms[t], c, coef, resid, tol, max_iter, DUAL_CHECK_EVERY)
            fit = resid + nalpha * c                              # T − K c = W(yc − Xcβ)
            return coef, rel, it, fit @ fit
        pen = nalpha * data.penalty
        resid = np.empty(data.n_features)
        it, rel = _ridge_cg.cg_normal(
            *self.arrays, n, w, xm, pen, _inverse(self.diag + pen), self.Bt[t], coef, resid,
            tol, max_iter)
        # A β = b − r gives ‖W(yc − Xcβ)‖² without another pass over X
        rss = self.yy[t] - coef @ self.Bt[t] - coef @ resid - coef @ (pen * coef)
        return coef, rel, it, rss

    def _dual_start(self, coef, alpha, t):
        """Dual point of a primal guess: c = (T − W Xc β) / (nα)."""
        data = self.data
        fit = data.sqrt_weighted(data.centered_matmat(coef[:, None]))[:, 0]
        return (self.T[t] - fit) / (data.n_samples * alpha)

    # -- grids ----------------------------------------------------------------

    def _sequential(self, alphas, t, tol, max_iter, betas):
        """Alphas one by one, warm-started; solutions written to ``betas`` (m, p)."""
        m = len(alphas)
        rel, its, rss = np.empty(m), np.zeros(m, dtype=np.int64), np.empty(m)
        history = []
        for a, alpha in enumerate(alphas):
            log_alpha = np.log(alpha) if alpha > 0 else -np.inf
            finite = [(h, x) for h, x in history if np.isfinite(h)] if np.isfinite(log_alpha) \
                else history[-1:]
            start = _extrapolate(finite, log_alpha)
            betas[a], rel[a], its[a], rss[a] = self._one(alpha, t, start, tol, max_iter)
            history = (history + [(log_alpha, betas[a])])[-3:]
        return rel, its, rss

    def _true_residuals(self, alphas, t, betas):
        """Relative KKT residuals and RSS of solutions ``betas`` (m, p), from scratch.

        Two passes over X per block of alphas; blocks keep the temporaries at
        a few vectors of length p.
        """
        data = self.data
        m, n = len(alphas), data.n_samples
        rel, rss = np.empty(m), np.empty(m)
        for start in range(0, m, VERIFY_BLOCK):
            block = slice(start, min(m, start + VERIFY_BLOCK))
            resid = self.Yc[:, [t]] - data.centered_matmat(betas[block].T)     # yc − Xcβ, (n, block)
            S_resid = data.weighted(resid)
            rss[block] = np.einsum("ia,ia->a", resid, S_resid)
            grad = data.centered_rmatmat(S_resid)                   # XcᵀS(yc − Xcβ)
            grad -= (n * alphas[block]) * data.penalty[:, None] * betas[block].T
            rel[block] = np.linalg.norm(grad, axis=0)
        b_norm = self.b_norms[t]
        return (rel / b_norm if b_norm > 0 else np.zeros(m)), rss

    def _multishift(self, alphas, t, tol, max_iter, betas):
        """All alphas from one multi-shift run; solutions written to ``betas`` (m, p)."""
        data = self.data
        m, n = len(alphas), data.n_samples
        its = np.zeros(m, dtype=np.intc)
        rel = np.empty(m)
        vscale = np.empty(0) if data.unit_penalty else 1.0 / np.sqrt(data.penalty)
        _ridge_cg.cg_multishift(*self.arrays, n, data.sqrt_weights_or_empty,
                                data.mean_or_empty, vscale, n * alphas, self.Bt[t], betas, its,
                                rel, tol, max_iter)
        its = its.astype(np.int64)
        rel, rss = self._true_residuals(alphas, t, betas)
        for a in np.flatnonzero(rel > tol):
            # Rounding in the shifted recursions: finish with preconditioned CG.
            betas[a], rel[a], extra, rss[a] = self._one(alphas[a], t, betas[a], tol,
                                                        max(1, max_iter - its[a]))
            its[a] += extra
        return rel, its, rss
