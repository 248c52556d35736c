"""The unpenalized block of the multinomial model: the intercepts and the unpenalized rows.

With K classes, the intercepts b ∈ R^K and the rows of the unpenalized
features U (penalty factor 0), stacked as C (m × K, m = |U| + 1 with an
intercept) on the columns A = [1, X_U], are solved exactly, the penalized
coefficients fixed: Newton on the (mK)² system

    H[(a, k), (c, l)] = Σ_i s_i A_ia A_ic P_ik (δ_kl − P_il),

with a backtracking line search, until the gradient AᵀS(P − Y) is at
rounding level. As for the intercepts alone, the loss is invariant to adding
a constant across the classes to any row of C, so H is singular along
e_a ⊗ 1: (1/K)(11ᵀ ⊗ D) (D the rows' mean curvatures) is added there, which
leaves the Newton step the one whose rows sum to 0 over the classes.

The dual point Θ = Y − P is then feasible for the block up to rounding:
AᵀSΘ ≈ 0. ``project`` removes that residual by the S-orthogonal projection
onto the complement of A (each row of Θ still sums to 0), and refuses a move
larger than rounding (the data separable along X_U): the gap then takes the
dual point 0, never certifying an infeasible one. The entropy of the dual
value is read at the unprojected Θ (the probabilities at hand), the move
being below 1e-10, as the intercepts' rounding is.
"""

import warnings

import numpy as np
import scipy.sparse as sp

from .._kernels import _softmax

__all__ = ["SoftmaxBlock", "block_null_residual", "unpenalized_features"]

_STEPS = 50       # most Newton steps of one block solve
_HALVINGS = 30    # most step halvings in its line search
_MOVE = 1e-10     # largest projection of Θ taken as rounding


def unpenalized_features(design, penalty_factor):
    """Indices of the unpenalized features that are not constant (constant ones fit nothing)."""
    return np.flatnonzero((penalty_factor == 0) & (design.col_sq_norms > 0)).astype(np.intp)


class SoftmaxBlock:
    """The block (intercepts, unpenalized rows) of a multinomial model of K classes.

    Parameters
    ----------
    design : Design
    unpen : ndarray of intp
        The unpenalized, nonconstant features.
    codes : ndarray of int32, shape (n,)
    n_classes : int
    """

    def __init__(self, design, unpen, codes, n_classes):
        n = design.n_samples
        cols = design.X[:, unpen]
        cols = np.asarray(cols.toarray() if sp.issparse(cols) else cols, dtype=np.float64)
        self.unpen, self.K, self.intercept = unpen, n_classes, design.fit_intercept
        self.A = np.column_stack(([np.ones(n)] if design.fit_intercept else []) + [cols])
        self.s = np.ones(n) if design.sample_weight is None else design.sample_weight
        self.sw = (np.zeros(0) if design.sample_weight is None
                   else np.ascontiguousarray(design.sample_weight, dtype=np.float64))
        self.codes = codes
        SA = self.s[:, None] * self.A
        self.SA = SA
        gram = self.A.T @ SA
        gram[np.diag_indices_from(gram)] += 1e-12 * np.trace(gram)  # duplicate columns
        self.gram = gram
        # (small products by einsum and kept inverses: LAPACK's and BLAS's threads
        # cost more than these few flops on a shared machine)
        self.gram_inverse = np.linalg.inv(gram)
        # rounding of a_ᵀS(P − Y): ‖a‖_S ‖P_k − Y_k‖_S ≤ ‖a‖_S √n
        self.scale = 1e-12 * np.sqrt(n * np.einsum("ij,ij->j", SA, self.A))[:, None]
        self._trial = (np.empty((n, n_classes)), np.empty((3, n)))
        self.converged = True
        self.inverse = None         # the kept inverse Hessian (see ``solve``)

    def arrays(self):
        """(features, their columns (n_free, n), AᵀSA, rounding levels): the compiled
        block's (``_kernels/_block_softmax_free.pxd``)."""
        return (self.unpen, self.A[:, int(self.intercept):].T, self.gram,
                self.scale[:, 0])

    def coefficients(self, b, W):
        """The block's coefficients C (m × K) from the intercepts and W (K, p)."""
        rows = W[:, self.unpen].T
        return np.vstack([b[None, :], rows]) if self.intercept else rows.copy()

    def store(self, C, b, W):
        """Write C back into the intercepts and W."""
        if self.intercept:
            b[:] = C[0]
        W[:, self.unpen] = C[self.intercept:].T

    def _hessian(self, P):
        """H (mK × mK, index a·K + k) at the probabilities P (n × K), made nonsingular."""
        n, m, K = P.shape[0], self.A.shape[1], self.K
        Q = (self.A[:, :, None] * P[:, None, :]).reshape(n, m * K)
        H = -(Q.T @ (self.s[:, None] * Q))
        diag = np.einsum("ia,ib,ik->kab", self.SA, self.A, P)   # δ_kl Σ_i s_i A_ia A_ib P_ik
        H4 = H.reshape(m, K, m, K)
        for k in range(K):
            H4[:, k, :, k] += diag[k]
        rows = np.einsum("akak->a", H4) / K                      # each row's mean curvature
        H += np.kron(np.diag(rows), np.ones((K, K))) / K         # the common shifts
        H[np.diag_indices_from(H)] += 1e-12 * np.trace(H)
        return H

    def solve(self, eta, C, theta, per_sample):
        """Newton on the block from C (m × K), η (K × n) in step with it; returns n · loss.

        η and C move to the solution; Θ = Y − P and ``per_sample`` (see
        ``_softmax.softmax_pass``) are those of the returned state. The
        inverse Hessian is kept between solves (the state moves little
        between gaps) and rebuilt when a step does not halve the gradient.
        """
        self.converged = False
        passed, last = False, np.inf
        for _ in range(_STEPS):
            if not passed:
                loss, _ = _softmax.softmax_pass(eta, self.codes, self.sw, theta, per_sample)
            passed = False
            G = self.SA.T @ theta                  # −gradient, m × K
            size = float(np.max(np.abs(G) / self.scale))
            if size <= 1.0:
                self.converged = True
                break
            fresh = self.inverse is None or size > 0.5 * last
            if fresh:
                self.inverse = self._inverse(theta)
            last = size
            step = (self.inverse @ G.ravel()).reshape(G.shape)
            step -= step.mean(axis=1, keepdims=True)   # exact in exact arithmetic
            decrement = float(np.sum(G * step))          # gᵀH⁻¹g
            d_eta = np.einsum("ia,ak->ki", self.A, step)
            top = float(np.max(np.abs(d_eta)))
            # from a saturated start a Newton step can overshoot: at most e^8 in odds
            t = 8.0 / top if top > 8.0 else 1.0
            # backtracking, unless the decrease is below what the loss's sum resolves
            if decrement > 1e-8 * eta.shape[1] or t < 1.0:
                for _ in range(_HALVINGS):
                    trial, _ = _softmax.softmax_pass(eta + t * d_eta, self.codes, self.sw,
                                                     *self._trial)
                    if trial <= loss + 1e-15 * abs(loss):
                        break
                    t *= 0.5
                else:
                    if fresh:
                        break
                    self.inverse, passed = None, True   # a stale Hessian: rebuild, retry
                    continue
                # the accepted trial is the new state's pass
                theta[:], per_sample[:] = self._trial
                loss, passed = trial, True
            C += t * step
            eta += t * d_eta
        if not self.converged and not passed:  # the state may have moved since the last pass
            loss, _ = _softmax.softmax_pass(eta, self.codes, self.sw, theta, per_sample)
        return loss

    def _inverse(self, theta):
        """H⁻¹ at Θ (see ``_hessian``), or the pseudo-inverse if H is singular."""
        H = self._hessian(self._probabilities(theta))
        try:
            return np.linalg.inv(H)
        except np.linalg.LinAlgError:
            return np.linalg.pinv(H)

    def _probabilities(self, theta):
        """P = Y − Θ."""
        P = -theta
        P[np.arange(len(self.codes)), self.codes] += 1.0
        return P

    def project(self, theta):
        """Θ ← Θ − A (AᵀSA)⁻¹AᵀSΘ if that moves it by rounding only; whether it did."""
        move = np.einsum("ia,ak->ik", self.A, self.gram_inverse @ (self.SA.T @ theta))
        if not np.max(np.abs(move), initial=0.0) <= _MOVE:
            return False
        theta -= move
        return True


def block_null_residual(design, codes, n_classes, unpen, b0):
    """Y − P of the multinomial fit of the intercepts (from ``b0``) and the features ``unpen``."""
    n = design.n_samples
    block = SoftmaxBlock(design, unpen, np.ascontiguousarray(codes, dtype=np.int32), n_classes)
    C = np.zeros((block.A.shape[1], n_classes))
    if design.fit_intercept:
        C[0] = b0
    eta = np.ascontiguousarray((block.A @ C).T)
    theta, per_sample = np.empty((n, n_classes)), np.empty((3, n))
    block.solve(eta, C, theta, per_sample)
    if not block.converged:
        warnings.warn("the unpenalized features (and intercepts) alone nearly separate the "
                      "classes: their multinomial fit does not converge, and alpha_max is "
                      "approximate.", UserWarning, stacklevel=5)
    return theta
