"""Multinomial (softmax) logistic regression with an entrywise elastic net.

For K classes, Y the one-hot labels, sample weights s (summing to n) and
coefficients B of shape (K, p), the objective is::

    1/n Σ_i s_i [log Σ_k e^η_ik − Σ_k Y_ik η_ik] + α Σ_j v_j Σ_k (ρ|B_kj| + (1−ρ)/2 B_kj²),
    η_ik = b_k + x_iᵀB_k

(glmnet's multinomial scale; scikit-learn's multinomial ``LogisticRegression``
with ``C = 1 / (n α)``).

Solved by proximal Newton on working sets, cycling over the classes as
glmnet does: with the other classes fixed, the loss in class k's predictor is
a binary logistic loss (with the others' log-sum-exp as a per-sample offset),
so each class step is the binary model's Newton step (its weights
p_k (1 − p_k), coordinate descent on the working set) followed by a
backtracking line search on the multinomial objective; one compiled call
makes a cycle's K class steps (``_class_cycle``). Cycles
repeat until the working set's gap is a fraction of the full one; the
iterates of the cycles are extrapolated (Anderson). The full multinomial
duality gap — the certificate the path stops on, and the working sets'
priorities — comes from the dual point Θ = Y − P (P the softmax
probabilities, after an exact joint step on the intercepts); the dual value
is a weighted entropy over the simplex. Unpenalized features (penalty factor
0) join the intercepts in that exact step, and Θ is projected to be feasible
for them, by the grouped models' compiled block (``_softmax_block.py``);
they are always in the working set, and the working sets' gaps (a stopping
rule only) leave them out.
"""

import numpy as np
from scipy.special import logsumexp

from .._grid import alpha_max_from_correlations
from .._kernels import _class_cycle, _class_products, _problem, _softmax
from .._path import PointResult
from ._softmax_block import SoftmaxBlock, block_null_residual, center_unpenalized

__all__ = ["MultinomialPoint", "multinomial_alpha_max"]

# Smallest working set of an alpha's first outer iteration (as the binary model).
_WS_START = 10
# Working sets per alpha, and class cycles per working set, before giving up
# (the result then warns with its gap).
_MAX_OUTER = 100
_MAX_CYCLES = 100
# Class cycles the kept softmax may go without a refresh (its rounding grows)
_MAX_AGE = 20


def _gap_out_of_reach(last, decrease, target):
    """Whether the working set's gap is predicted to stay above ``target`` after this cycle.

    The cycles converge linearly, so a cycle's decrease follows the
    suboptimality, while the gap follows the distance to the optimum (the
    dual point Y − P moves with it): the square root of the suboptimality.
    The last gap scaled by √(decrease ratio) predicts the next one; it is
    skipped while that prediction stays above twice the target (measured on
    the Debian sections: a quarter fewer gaps, no cycle more).
    """
    if last is None or decrease <= 0.0:
        return False
    last_decrease, last_gap = last
    return last_decrease > 0.0 and last_gap * np.sqrt(decrease / last_decrease) > 2.0 * target


def _null_fit(design, codes, n_classes):
    """(one-hot Y, the null intercepts, n · null objective)."""
    n = design.n_samples
    Y = np.zeros((n, n_classes))
    Y[np.arange(n), codes] = 1.0
    if not design.fit_intercept:
        return Y, np.zeros(n_classes), n * np.log(n_classes)
    freq = np.average(Y, axis=0, weights=design.sample_weight)
    b = np.log(freq)
    return Y, b - b.mean(), -n * float(np.sum(freq * np.log(freq)))


def multinomial_alpha_max(design, codes, n_classes, l1_ratio, penalty_factor, positive):
    """max_jk |x̄_jᵀ S (Y_k − ȳ_k)| / (n ρ v_j); 1/K in place of ȳ_k without an intercept.

    With unpenalized features, Y − P of the fit of the intercepts and those
    features alone in place of Y − ȳ.
    """
    Y, b, _ = _null_fit(design, codes, n_classes)
    unpen = design.unpenalized(penalty_factor)
    if unpen.size:
        residual = block_null_residual(design, codes, n_classes, unpen, b)
    else:
        residual = Y - np.exp(b - logsumexp(b))
    z = design.gradient(residual)
    z = z.max(axis=1) if positive else np.abs(z).max(axis=1)
    return alpha_max_from_correlations(z, design.n_samples, l1_ratio, penalty_factor, positive)


class _Softmax:
    """The softmax of η (K, n), kept as E = e^(η − c) and its column sums.

    c is each sample's largest η at the last refresh, so that one class's
    update (``_class_cycle``) costs O(n), not O(nK).
    """

    fresh = False  # whether E holds the current η (refresh and the cycles keep it so)
    age = 0        # class cycles since the last refresh (each rounds E by an ulp or so)

    def __init__(self, shape, codes, sw):
        self.E, self.sums, self.c = np.empty(shape), np.empty(shape[1]), np.empty(shape[1])
        self.codes, self.sw = codes, sw

    def refresh(self, eta):
        """Recompute it at η; returns n · loss there."""
        self.fresh, self.age = True, 0
        return _class_cycle.softmax_refresh(eta, self.E, self.sums, self.c, self.codes, self.sw)

    def loss(self, eta):
        """n · loss at η, which the kept softmax holds (no exponential)."""
        return _class_cycle.softmax_refresh(eta, self.E, self.sums, self.c, self.codes, self.sw,
                                            exps=False)


class _CycleExtrapolation:
    """Anderson extrapolation of the iterates the class cycles produce.

    Cycling over strongly coupled classes converges linearly, often slowly
    (a third of the gap per cycle); its iterates are then well extrapolated
    from the last few, as the coordinate-descent iterates of the Lasso are
    (``_extrapolation.pxd``). An iterate is one flat vector (the working set's
    coefficients and the intercepts); the caller keeps the point only if it
    lowers the objective.
    """

    def __init__(self, size=5):
        self.size, self.states = size, []

    def clear(self):
        self.states = []

    def record(self, state):
        """Keep the latest iterate; True when enough are kept to extrapolate."""
        self.states = self.states[-(self.size - 1):] + [state]
        return len(self.states) >= 3

    def extrapolate(self):
        """The affine combination of the later iterates that best cancels their steps, or None."""
        X = np.array(self.states)
        U = np.diff(X, axis=0)
        try:
            z = np.linalg.solve(U @ U.T, np.ones(len(U)))
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(z)) or z.sum() == 0.0:
            return None
        return (z / z.sum()) @ X[1:]


class MultinomialPoint:
    """The multinomial point solver of the path driver (see ``fastreg._path``).

    The warm start carried along the path: B (K, p), the intercepts and
    X Bᵀ; one binary loss object lends the class steps its buffers.
    """

    def __init__(self, design, codes, n_classes, l1_ratio, factors, positive, coef_init,
                 tol, max_iter, screening):
        penalty_factor, self.l2_factor = factors     # (L1, L2) factors: see penalty_factors
        n, p, K = design.n_samples, design.n_features, n_classes
        self.design, self.dtype, self.n_classes = design, design.dtype, K
        self.n_features, self.coef_shape = K * p, (K, p)
        self.l1_ratio, self.penalty_factor, self.positive = l1_ratio, penalty_factor, positive
        self.max_iter = max_iter
        Y, self.b, self.null_obj = _null_fit(design, codes, K)
        self.labels = np.ascontiguousarray(Y.T)   # one-hot, class by class: (K, n)
        self.codes = np.ascontiguousarray(codes, dtype=np.int32)
        self.sw = (np.zeros(0) if design.sample_weight is None
                   else np.ascontiguousarray(design.sample_weight, dtype=np.float64))
        self.theta = np.empty((n, K))          # the dual point Y − P
        self.class_totals = np.bincount(codes, weights=design.sample_weight,
                                        minlength=K).astype(np.float64)   # Σ_i s_i Y_i
        self.full_pass = None                  # (loss, Z) of the state, while it holds
        self.last_pass = None                  # (loss, g) of the last softmax pass, likewise
        self.per_sample = np.empty((3, n))     # see _softmax.softmax_pass
        self.tol_abs = tol * self.null_obj
        self.W = np.zeros((K, p))
        self.eta = np.repeat(self.b[:, None], n, axis=1)   # η = X Bᵀ + b, (K, n)
        if coef_init is not None:
            self.W[:] = coef_init
            self.eta += design.matvec(self.W.T).T
        self.view = _problem.DesignView(design, implicit_centering=False)
        # the class steps' buffers (the cycle writes the stepped class's labels)
        self.loss = _problem.LogisticLoss(np.zeros(n), p, fit_intercept=design.fit_intercept)
        self.softmax = _Softmax(self.eta.shape, self.codes, self.sw)
        self.trial = _Softmax(self.eta.shape, self.codes, self.sw)  # an extrapolated point's
        self.trial_eta = np.empty_like(self.eta)                    # and its η
        self.extrapolation = _CycleExtrapolation()
        # the last alpha solved (the state is its solution) and the snapshot of the
        # solution before it: the path's secant predicts the next solution
        self.solved_alpha, self.prior = None, None
        self.intercept_hess = None             # the intercepts' Hessian at this alpha
        self.intercept_inverse = None          # its pseudo-inverse (see _intercept_step)
        self.ws_size = 0
        # the unpenalized block (None without unpenalized features), and whether Θ is
        # feasible for it (projected)
        unpen = design.unpenalized(penalty_factor)
        self.block = SoftmaxBlock(design, unpen, self.codes, K) if unpen.size else None
        self.all_features = np.arange(p, dtype=np.intp)
        self.feasible = True

    def _state(self, ws):
        """The iterate the cycles' extrapolation works on: B on ws and the intercepts."""
        return np.concatenate([self.W[:, ws].ravel(), self.b])

    def _move_if_lower(self, ws, W, b, l1, l2):
        """Move B on ws to W (K, |ws|) and the intercepts to b if that lowers the objective.

        Their η = X_ws Wᵀ + b (ws holds the support) and its softmax (K
        exponentials a sample) go to the trial buffers, swapped in on
        success. Returns whether it moved.
        """
        v, u = self.penalty_factor[ws], self.l2_factor[ws]
        eta = self.trial_eta   # (kept: a fresh (K, n) array a call costs its page faults)
        _class_products.predictors(self.view, np.ascontiguousarray(W), b, ws, eta)
        penalty = l1 * np.sum(v * np.abs(W)) + 0.5 * l2 * np.sum(u * W * W)
        W_now = self.W[:, ws]
        now = (self.softmax.loss(self.eta) + l1 * np.sum(v * np.abs(W_now))
               + 0.5 * l2 * np.sum(u * W_now * W_now))
        if not self.trial.refresh(eta) + penalty < now:
            return False
        self.W[:, ws], self.b[:] = W, b
        self.eta, self.trial_eta = eta, self.eta
        self.softmax, self.trial = self.trial, self.softmax
        self._moved()
        return True

    def _extrapolate(self, ws, l1, l2):
        """Move to the cycles' extrapolated point if it lowers the objective; True if moved."""
        point = self.extrapolation.extrapolate()
        if point is None:
            return False
        K = self.n_classes
        return self._move_if_lower(ws, point[:-K].reshape(K, len(ws)), point[-K:], l1, l2)

    def _snapshot(self):
        """The state as the solution at the last alpha: (alpha, support, B on it, b)."""
        if self.solved_alpha is None:
            return None
        support = np.flatnonzero(np.any(self.W != 0, axis=0))
        return self.solved_alpha, support, self.W[:, support].copy(), self.b.copy()

    def _predict(self, ws, prior, alpha, l1, l2):
        """Step along the path's secant, if that lowers the objective.

        The state is the solution at the last alpha, ``prior`` the one before
        (a snapshot): B and b are extrapolated linearly in log alpha on ws.
        Along a geometric grid this lands close to the new solution, saving
        about half of the class cycles (Debian sections: 378 → 196).
        """
        a_prior, support, W_prior_support, b_prior = prior
        a_now = self.solved_alpha
        r = np.log(alpha / a_now) / np.log(a_now / a_prior) if a_now != a_prior else 0.0
        if not (np.isfinite(r) and r != 0.0):
            return False
        W_prior = np.zeros((self.n_classes, len(ws)))
        _, in_ws, in_support = np.intersect1d(ws, support, assume_unique=True,
                                              return_indices=True)
        W_prior[:, in_ws] = W_prior_support[:, in_support]
        W_now = self.W[:, ws]
        W = W_now + r * (W_now - W_prior)
        if self.positive:
            np.maximum(W, 0.0, out=W)
        return self._move_if_lower(ws, W, self.b + r * (self.b - b_prior), l1, l2)

    # -- the certificate ----------------------------------------------------

    def _moved(self):
        """The state moved: the passes kept for it no longer hold."""
        self.full_pass = self.last_pass = None

    def _block_pass(self):
        """As ``_softmax_pass`` with the unpenalized block solved first, Θ projected."""
        block, d = self.block, self.design
        self._moved()
        kept = ((self.softmax.E, self.softmax.sums, self.softmax.c) if self.softmax.fresh
                else None)
        self.softmax.fresh = False     # η moves by the block's rows and intercepts
        loss = block.solve(self.eta, self.b, self.W, self.theta, self.per_sample, kept)
        self.feasible = block.project(self.theta)
        self.theta_sum = (np.ones(d.n_samples) if d.sample_weight is None
                          else d.sample_weight) @ self.theta
        return loss

    def _softmax_pass(self, full):
        """(n · loss, per-sample sums) at the state, Θ in ``self.theta``.

        With an intercept, Newton on the intercepts first, until
        Σ_i s_i (Y_ik − P_ik) = 0 for every k (the dual point's constraint;
        without it a working set's gap can fall far below the full one, and
        its cycles stop early). The steps read the kept softmax only (their
        gradients, ``softmax_gradient``: no exponential, nothing written), and
        one pass applies their summed shift. One Hessian serves every step at
        an alpha. With unpenalized features and ``full``, Newton on the whole
        block (``_block_pass``).
        """
        if self.block is not None and full:
            return self._block_pass()
        self.full_pass = None
        limit = 1e-12 * self.design.n_samples
        for _ in range(50):
            if self.last_pass is None:  # (a full gap right after a working set's: no pass)
                if not self.softmax.fresh:
                    self.softmax.refresh(self.eta)
                delta = self._intercept_newton(limit) if self.design.fit_intercept else None
                kept = self.softmax.E, self.softmax.sums, self.softmax.c
                self.last_pass = _softmax.softmax_pass(self.eta, self.codes, self.sw,
                                                       self.theta, self.per_sample, kept,
                                                       delta)
            loss, g = self.last_pass
            self.theta_sum = -g    # Σ_i s_i Θ_ik
            if not self.design.fit_intercept or np.max(np.abs(g)) <= limit:
                break
            self.last_pass = None  # (short of the limit at the pass's rounding: again)
        return loss

    def _intercept_newton(self, limit):
        """Newton on the intercepts from the kept softmax; returns η's shift, not yet applied.

        A shift beyond the kept softmax's range (50) is applied at once, with a
        refresh.
        """
        K = self.n_classes
        delta = np.zeros(K)
        for _ in range(50):
            hess = np.empty((K, K)) if self.intercept_hess is None else None
            g = _softmax.softmax_gradient(self.softmax.E, self.softmax.sums, self.class_totals,
                                          self.sw, hess, delta)
            if hess is not None:
                self.intercept_hess = hess
            if np.max(np.abs(g)) <= limit:
                break
            delta += self._intercept_step(g)
            if np.max(delta) > 50.0:
                self.eta += delta[:, None]
                self.softmax.refresh(self.eta)
                delta[:] = 0.0
        return delta

    def _intercept_step(self, g):
        """One Newton step on the intercepts from their gradient g; returns η's shift."""
        if self.intercept_inverse is None:  # once per Hessian
            # H is singular along the ones (a common shift changes nothing)
            hess = self.intercept_hess
            self.intercept_inverse = np.linalg.pinv(hess + 1.0 / len(hess))
        step = np.clip(self.intercept_inverse @ g, -8.0, 8.0)
        step -= step.mean() - self.b.mean()   # and keep the intercepts centered
        self.b -= step
        return -step

    def _correlations(self, cols):
        """x̄_jᵀSΘ_k (len(cols), K) at the dual point, for the features ``cols``."""
        Zt = np.empty((len(cols), self.n_classes))
        _class_products.correlations(self.view, self.theta, cols, Zt)
        if self.design.fit_intercept:  # centered (Σ_i s_i Θ_ik is 0 but for rounding)
            Zt -= np.outer(self.design.x_mean[cols], self.theta_sum)
        return Zt

    def _gap(self, l1, l2, ws=None):
        """(duality gap, n · loss, scores) at the current state: all features, or ``ws``.

        ``scores`` are the features' dual violations max_k |x̄_jᵀSΘ_k − l2 u_j B_kj| / v_j
        (v, u the L1 and L2 factors).
        The working set's gap (only a stopping rule) skips the unpenalized block's solve.
        """
        full = ws is None
        if full and self.full_pass is not None:
            # the state has not moved since the last full gap (a new alpha):
            # only the penalty's levels differ
            loss, Zt = self.full_pass
        else:
            loss = self._softmax_pass(full=full)
        if full:
            ws = self.all_features
            if self.full_pass is None:
                Zt = self._correlations(ws)
                self.full_pass = loss, Zt
        else:
            Zt = self._correlations(ws)
        # (W is zero outside the working set; the unpenalized features' constraint
        # holds by the projection, else Θ is refused: they leave the dual norm)
        scores = np.empty(len(ws))
        l1_norm, l2_norm, dual_norm, conjugate = _softmax.penalty_terms(
            Zt, self.W, ws, self.penalty_factor, self.l2_factor, l1, l2, self.positive, scores)
        primal = loss + l1 * l1_norm + 0.5 * l2 * l2_norm
        if full and not self.feasible:  # the dual point 0: the gap is the primal
            return max(float(primal), 0.0), loss, np.zeros(len(ws))
        # lasso-type point cΘ, feasible for the design augmented by √(l2 u) I
        c = min(1.0, l1 / dual_norm) if dual_norm > 0.0 else 1.0
        entropy = _softmax.entropy_sum(c, self.per_sample, self.sw)
        gap = primal - (entropy - 0.5 * c * c * l2 * l2_norm)
        if l2 > 0.0:  # Θ itself in the Fenchel dual
            whole = entropy if c == 1.0 else _softmax.entropy_sum(1.0, self.per_sample, self.sw)
            gap = min(gap, primal - (whole - conjugate))
        return max(float(gap), 0.0), loss, scores

    # -- the point solver ---------------------------------------------------

    def _working_set(self, scores, l1):
        """The support's features and the worst violators, at least twice the last size."""
        p = len(scores)
        in_support = np.any(self.W != 0, axis=0)
        if self.block is not None:
            in_support[self.block.unpen] = True
        n_support = int(in_support.sum())
        size = max(2 * self.ws_size if self.ws_size else _WS_START,
                   n_support + n_support // 4 + 10)
        size = min(size, p)
        self.ws_size = size
        priority = np.where(in_support, np.inf, scores)
        if size >= p:
            return np.arange(p, dtype=np.intp)
        return np.sort(np.argpartition(-priority, size - 1)[:size]).astype(np.intp)

    def solve(self, k_alpha, alpha, alphas):
        n = self.design.n_samples
        l1, l2 = n * alpha * self.l1_ratio, n * alpha * (1.0 - self.l1_ratio)
        penalty = _problem.ElasticNetPenalty(self.penalty_factor, l1=l1, l2=l2,
                                             positive=self.positive, l2_factor=self.l2_factor)
        prior, self.prior = self.prior, self._snapshot()
        self.intercept_hess = self.intercept_inverse = None   # one per alpha, at its first step
        gap, loss, scores = self._gap(l1, l2)
        epochs = outer = cycles = 0
        self.ws_size = 0
        while gap > self.tol_abs and outer < _MAX_OUTER and epochs < self.max_iter:
            outer += 1
            ws = self._working_set(scores, l1)
            # a tenth of the gap, but below tol: the working set usually holds every
            # violator, and its gap then is the full one (stopping above tol would cost a
            # full gap and a second, larger working set; 0.9 keeps the certificate off the
            # boundary, where a warm restart's recomputed gap could fall either side)
            inner_tol = min(max(0.1 * gap, 0.5 * self.tol_abs), 0.9 * self.tol_abs)
            if not self.softmax.fresh or self.softmax.age > _MAX_AGE:
                self.softmax.refresh(self.eta)
            if outer == 1 and prior is not None:
                self._predict(ws, prior, alpha, l1, l2)
            self.extrapolation.clear()
            last = None  # (decrease, gap) at the working set's last gap
            for _ in range(_MAX_CYCLES):
                cycles += 1
                e, decrease = _class_cycle.class_cycle(
                    self.view, self.loss, penalty, self.W, self.b, self.eta, self.softmax.E,
                    self.softmax.sums, self.softmax.c, self.labels, ws, self.null_obj,
                    max(self.max_iter - epochs, 1))
                epochs += e
                self.softmax.age += 1
                self._moved()
                if self.extrapolation.record(self._state(ws)) and self._extrapolate(ws, l1, l2):
                    self.extrapolation.clear()
                    self.extrapolation.record(self._state(ws))
                if epochs >= self.max_iter:
                    break
                # the working set's gap is at least the cycle's decrease: while that
                # is above the target, the gap (a pass over n·K) is not worth computing
                if decrease > inner_tol or _gap_out_of_reach(last, decrease, inner_tol):
                    continue
                ws_gap, _, _ = self._gap(l1, l2, ws)
                if ws_gap <= inner_tol:
                    break
                last = decrease, ws_gap
            gap, loss, scores = self._gap(l1, l2)
        self.solved_alpha = alpha
        return PointResult(gap / self.null_obj, epochs, 1.0 - loss / self.null_obj,
                           {"n_outer": outer, "n_cycles": cycles, "ws_size": self.ws_size})

    def coef(self):
        if self.block is None:
            return self.W.reshape(-1)
        return center_unpenalized(self.W.T, self.block.unpen).T.reshape(-1)

    def intercept(self):
        # a common shift of the intercepts changes no probability: report them centered
        return self.b - self.b.mean()

    def release(self):
        self.loss = self.view = self.softmax = self.trial = self.trial_eta = None
