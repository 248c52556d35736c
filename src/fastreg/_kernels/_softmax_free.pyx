"""The softmax's unpenalized block (``_block_softmax_free.pxd``) on a caller's own state.

The block solver (``_block_solver.pyx``) runs the block's exact Newton solve
and the projection of its dual point on its datafit's state. The ungrouped
multinomial model (``linear_model/_multinomial.py``) keeps a state of its
own, class-major; ``FreeBlock`` runs the same two kernels on a
sample-major copy of it: r (n × K), the block's rows (n_free × K) and the
intercepts.
"""

import numpy as np

from ._block_softmax cimport BlockSoftmax, sm_project_free, sm_refresh
from ._block_softmax_free cimport sm_attach_free, sm_free_solve
from ._columns cimport Data


def free_block(free, n, K, fit_intercept):
    """The softmax's unpenalized block as contiguous arrays with its scratch, or None.

    Parameters
    ----------
    free : (features, columns, gram, scale) or None
        The features (n_free,), their columns (n_free, n), AᵀSA (m, m) of
        A = [1, X_free] (m = n_free + fit_intercept) and the rounding levels
        of the block's gradient (m,).
    n, K : int
        Samples and stored columns.
    fit_intercept : bool

    Returns
    -------
    list or None
        The four arrays, the block's scratch and its infeasibility flag
        (``sm_attach_free``).
    """
    if free is None or len(free[0]) == 0:
        return None
    idx, cols, gram, scale = free
    m = len(idx) + bool(fit_intercept)
    free = [np.ascontiguousarray(idx, dtype=np.intp), np.ascontiguousarray(cols, dtype=np.float64),
            np.ascontiguousarray(gram, dtype=np.float64),
            np.ascontiguousarray(scale, dtype=np.float64),
            np.zeros(2 * (m * K) ** 2 + 3 * m * K + m * m + m + K), np.zeros(1, dtype=np.int8)]
    if free[1].shape != (len(idx), n) or free[2].shape != (m, m) or free[3].shape != (m,):
        raise ValueError("free: columns (n_free, n), AᵀSA (m, m) and rounding levels (m,), "
                         "m = n_free + fit_intercept")
    return free


cdef class FreeBlock:
    """The unpenalized block of a multinomial model of K classes, with its buffers.

    Parameters
    ----------
    free : (features, columns, gram, scale)
        As for :func:`free_block`, at least one feature. The block's rows
        are then passed in that order: the features' indices are not used.
    codes : ndarray of int, shape (n,)
        Class index of each sample.
    n_classes : int
    fit_intercept : bool
    sample_weight : ndarray of shape (n,), optional
        Weights summing to n.

    Attributes
    ----------
    prob : ndarray of shape (n, K)
        The probabilities at the state of the last solve.
    lse : ndarray of shape (n,)
        Their log-normalizers, log Σ_k e^η_ik.
    """

    cdef Data d
    cdef BlockSoftmax f
    cdef readonly object prob, lse
    cdef object codes, sw, free, buffers

    def __init__(self, free, codes, Py_ssize_t n_classes, bint fit_intercept,
                 sample_weight=None):
        n, K = len(codes), n_classes
        self.codes = np.ascontiguousarray(codes, dtype=np.int32)
        self.free = free_block(free, n, K, fit_intercept)
        if self.free is None:
            raise ValueError("free must hold at least one feature")
        self.free[0] = np.arange(self.free[0].shape[0], dtype=np.intp)  # the rows' order
        self.sw = (None if sample_weight is None
                   else np.ascontiguousarray(sample_weight, dtype=np.float64))
        self.prob, self.lse = np.zeros((n, K)), np.zeros(n)
        # Δη and the trial probabilities (n × K), the trial log-normalizers, the
        # intercepts' system
        self.buffers = [np.zeros(n * K), np.zeros(n * K), np.zeros(n), np.zeros(K * K + K)]
        b = [<size_t> a.ctypes.data for a in self.buffers]
        self.d.n_samples, self.d.sparse, self.d.weight_sum = n, False, n
        self.d.weighted = self.sw is not None
        self.d.sw = <const double*> <size_t> self.sw.ctypes.data if self.d.weighted else NULL
        self.d.mean = self.d.sq_norm = self.d.col_norm = NULL   # (no column is read)
        self.f.n_tasks, self.f.binary, self.f.n_unpen = K, False, 0
        self.f.fit_intercept = fit_intercept
        self.f.codes = <const int*> <size_t> self.codes.ctypes.data
        self.f.prob = <double*> <size_t> self.prob.ctypes.data
        self.f.lse = <double*> <size_t> self.lse.ctypes.data
        self.f.deta, self.f.try_prob = <double*> <size_t> b[0], <double*> <size_t> b[1]
        self.f.try_lse, self.f.scratch = <double*> <size_t> b[2], <double*> <size_t> b[3]
        self.f.rho = self.f.curv = self.f.lip = self.f.w_start = self.f.model_hess = NULL
        sm_attach_free(&self.f, self.free)

    def solve(self, double[:, ::1] r, double[:, ::1] rows, double[::1] offset,
              bint refresh=True):
        """Newton on the block until its gradient is at rounding level.

        The state η = r + offset moves to the solution in place: ``r``
        (n × K), the block's ``rows`` (n_free × K) and the intercepts
        ``offset`` (K; they stay put without an intercept), with ``prob``
        and ``lse``, computed first unless ``refresh`` is False (the caller
        wrote them). Returns whether the gradient reached rounding level.
        """
        cdef bint done
        n, K = self.prob.shape
        if (r.shape[0] != n or r.shape[1] != K or rows.shape[0] != self.f.n_free
                or rows.shape[1] != K or offset.shape[0] != K):
            raise ValueError("r, rows and offset must be (n, K), (n_free, K) and (K,)")
        with nogil:
            if refresh:
                sm_refresh(&self.d, &self.f, &r[0, 0], &offset[0])
            done = sm_free_solve(&self.d, &self.f, &rows[0, 0], &r[0, 0], &offset[0])
        return done

    def project(self, double[:, ::1] theta):
        """Θ (n × K) onto A's S-orthogonal complement, if that moves it by rounding only.

        Returns whether it did (see ``sm_project_free``); Θ is untouched otherwise.
        """
        if theta.shape[0] != self.prob.shape[0] or theta.shape[1] != self.f.n_tasks:
            raise ValueError("theta must be (n, K)")
        with nogil:
            sm_project_free(&self.d, &self.f, &theta[0, 0])
        return not self.f.infeasible[0]
