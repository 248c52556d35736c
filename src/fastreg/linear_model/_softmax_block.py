"""The unpenalized block of the multinomial models: the intercepts and the unpenalized rows.

With K classes, the intercepts and the rows of the unpenalized features U
(penalty factor 0) are solved exactly on the columns A = [1, X_U], the
penalized coefficients fixed, and the dual point Θ = Y − P is projected onto
the S-orthogonal complement of A: both by the compiled kernels
(``_kernels/_block_softmax_free.pxd``). Here: the block's arrays (its dense
columns, AᵀSA and the rounding levels of its gradient), the ungrouped
model's view of them (``SoftmaxBlock``: its state is class-major, the
kernels' sample-major), and the fit of the block alone that alpha_max needs.

The entropy of the dual value is read at the unprojected Θ (the
probabilities at hand), the projection's move being below 1e-10, as the
intercepts' rounding is.
"""

import warnings

import numpy as np

from .._kernels import _softmax, _softmax_free

__all__ = ["SoftmaxBlock", "block_arrays", "block_null_residual", "center_unpenalized"]


def center_unpenalized(coef, unpen):
    """``coef`` (p, K) with the rows ``unpen`` centered across the classes (a copy).

    A common shift of an unpenalized feature's K coefficients changes no
    probability: the reported solution is the centered one.
    """
    coef = coef.copy()
    coef[unpen] -= coef[unpen].mean(axis=1, keepdims=True)
    return coef


def block_arrays(design, unpen):
    """The block of the features ``unpen`` as the compiled kernels take it.

    Returns
    -------
    (features, columns (n_free, n), AᵀSA (m, m), rounding levels (m,)), A = [1, X_U]
    (1 with an intercept), m its columns.
    """
    n = design.n_samples
    cols = design.dense_columns(unpen)
    A = np.column_stack(([np.ones(n)] if design.fit_intercept else []) + [cols])
    SA = A if design.sample_weight is None else design.sample_weight[:, None] * A
    gram = A.T @ SA
    gram[np.diag_indices_from(gram)] += 1e-12 * np.trace(gram)  # duplicate columns
    # rounding of a_ᵀS(P − Y): ‖a‖_S ‖P_k − Y_k‖_S ≤ ‖a‖_S √n
    scale = 1e-12 * np.sqrt(n * np.einsum("ij,ij->j", SA, A))
    return unpen, np.ascontiguousarray(cols.T), gram, scale


def _kernel(design, unpen, codes, n_classes):
    """The compiled block (``_softmax_free.FreeBlock``) of the features ``unpen``."""
    return _softmax_free.FreeBlock(block_arrays(design, unpen), codes, n_classes,
                                   design.fit_intercept, design.sample_weight)


class SoftmaxBlock:
    """The ungrouped model's block: its class-major state in and out of the kernels.

    Parameters
    ----------
    design : Design
    unpen : ndarray of intp
        The unpenalized, nonconstant features.
    codes : ndarray of int32, shape (n,)
    n_classes : int
    """

    def __init__(self, design, unpen, codes, n_classes):
        self.unpen, self.codes = unpen, codes
        self.sw = (np.zeros(0) if design.sample_weight is None
                   else np.ascontiguousarray(design.sample_weight, dtype=np.float64))
        self.kernel = _kernel(design, unpen, codes, n_classes)
        self.ones = np.ones(design.n_samples)

    def solve(self, eta, b, W, theta, per_sample, kept=None):
        """Solve the block from η (K, n), the intercepts b and B = W (K, p); returns n · loss.

        η, b and W's unpenalized rows move to the solution; Θ = Y − P and
        ``per_sample`` (see ``_softmax.softmax_pass``) are those of the new
        state. ``kept``: the softmax at η at hand, as for ``softmax_pass``
        (the start's probabilities then cost no exponential).
        """
        r = np.ascontiguousarray(eta.T)   # η with the intercepts: theirs move in offset
        rows = np.ascontiguousarray(W[:, self.unpen].T)
        offset = np.zeros(len(b))
        if kept is not None:
            E, sums, shift = kept
            np.divide(E.T, sums[:, None], out=self.kernel.prob)
            np.add(shift, np.log(sums), out=self.kernel.lse)
        self.kernel.solve(r, rows, offset, refresh=kept is None)
        W[:, self.unpen] = rows.T
        b += offset
        np.add(r.T, offset[:, None], out=eta)   # the η the kernel's probabilities are at
        # the kernel's softmax at hand (E = P, sums 1, shifts the log-normalizers): no exp
        kept = (np.ascontiguousarray(self.kernel.prob.T), self.ones, self.kernel.lse)
        loss, _ = _softmax.softmax_pass(eta, self.codes, self.sw, theta, per_sample, kept)
        return loss

    def project(self, theta):
        """Θ ← Θ − A (AᵀSA)⁻¹AᵀSΘ if that moves it by rounding only; whether it did.

        Otherwise (the classes separable along X_U) Θ is left as is, and the
        gap takes the dual point 0, never certifying an infeasible one.
        """
        return self.kernel.project(theta)


def block_null_residual(design, codes, n_classes, unpen, b0):
    """Y − P of the multinomial fit of the intercepts (from ``b0``) and the features ``unpen``."""
    n = design.n_samples
    kernel = _kernel(design, unpen, codes, n_classes)
    offset = (np.array(b0, dtype=np.float64) if design.fit_intercept
              else np.zeros(n_classes))
    if not kernel.solve(np.zeros((n, n_classes)), np.zeros((len(unpen), n_classes)), offset):
        warnings.warn("the unpenalized features (and intercepts) alone nearly separate the "
                      "classes: their multinomial fit does not converge, and alpha_max is "
                      "approximate.", UserWarning, stacklevel=5)
    theta = -kernel.prob
    theta[np.arange(n), codes] += 1.0
    return theta
