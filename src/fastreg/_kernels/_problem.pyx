"""The pieces of one problem as typed objects: the design, the datafit, the penalty.

Built in Python once per path (the penalty once per alpha) and read by the
solver's entry points as C structs (``Data``, ``Quadratic``, ``ElasticNet``),
so that no entry point takes more than a few arguments and none can be
swapped silently: the penalty's levels are keyword-only.
"""

import numpy as np


cdef class DesignView:
    """A :class:`fastreg._design.Design` as the kernels read it.

    Holds X's arrays (Fortran dense, or CSC with int32/int64 indices; the
    storage not in use is empty), the sample weights (empty for unit
    weights), the column means and centered squared norms, and their roots.
    """

    def __init__(self, design, *, implicit_centering=True):
        self.X, self.data, self.indices, self.indptr = design.kernel_arrays()
        self.sparse = design.sparse
        self.n_samples = design.n_samples
        self.n_features = design.n_features
        self.sample_weight = np.ascontiguousarray(design.weights_or_empty, dtype=np.float64)
        # the state keeps the means out of the residual (the quadratic's offset),
        # or carries an explicit intercept instead (the logistic)
        self.x_mean = (np.ascontiguousarray(design.x_mean, dtype=np.float64)
                       if implicit_centering else np.zeros(design.n_features))
        self.sq_norm = np.ascontiguousarray(design.col_sq_norms, dtype=np.float64)
        self.col_norm = np.sqrt(self.sq_norm)
        values = self.data if self.sparse else self.X
        self.single = values.dtype == np.float32
        self.wide_index = self.sparse and self.indices.dtype == np.int64
        self.Xv = _address(values)
        self.Xi = _address(self.indices) if self.sparse else NULL
        self.Xp = _address(self.indptr) if self.sparse else NULL
        self._build()

    cdef Data view(self):
        return self.data_struct

    cdef void _build(self):
        # once: the struct points into arrays this object keeps alive
        cdef Data d
        d.n_samples = self.n_samples
        d.sparse = self.sparse
        d.weighted = self.sample_weight.shape[0] > 0
        d.weight_sum = self.n_samples  # weights are rescaled to sum to n
        d.sw = <const double*> _address(self.sample_weight) if d.weighted else NULL
        d.mean = <const double*> _address(self.x_mean)
        d.sq_norm = <const double*> _address(self.sq_norm)
        d.col_norm = <const double*> _address(self.col_norm)
        self.data_struct = d


cdef const void* _address(array) except? NULL:
    """Address of a contiguous array's first element (NULL when empty)."""
    if array.size == 0:
        return NULL
    return <const void*> <size_t> array.ctypes.data


cdef class QuadraticLoss:
    """The quadratic datafit ½ Σ s_i (y_c,i − x̄_iᵀw)² of one target.

    Parameters
    ----------
    y_centered : ndarray of shape (n_samples,)
        The target, centered (weighted) when an intercept is fitted.
    unpenalized : ndarray of intp, optional
        The unpenalized, nonconstant features: the dual point is kept
        S-orthogonal to their columns, using
    cross : ndarray of shape (n_features, n_unpenalized), optional
        x̄_jᵀ S x̄_u for every feature j and unpenalized u, and
    y_cross : ndarray of shape (n_unpenalized,), optional
        x̄_uᵀ S y_c.
    """

    def __init__(self, y_centered, *, unpenalized=None, cross=None, y_cross=None):
        self.y = np.ascontiguousarray(y_centered, dtype=np.float64)
        k = 0 if unpenalized is None else len(unpenalized)
        self.unpenalized = np.ascontiguousarray(
            np.zeros(0) if k == 0 else unpenalized, dtype=np.intp)
        self.cross = np.ascontiguousarray(np.zeros((0, 0)) if k == 0 else cross, dtype=np.float64)
        self.y_cross = np.ascontiguousarray(np.zeros(0) if k == 0 else y_cross, dtype=np.float64)
        if k and (self.cross.shape[1] != k or self.y_cross.shape[0] != k):
            raise ValueError("cross and y_cross must have one column / entry per unpenalized "
                             "feature")
        # the projection's workspace: allocated once, not per gap
        self.scratch = np.empty(k * k + k)
        self.act = np.empty(k, dtype=np.intp)
        self._build()

    cdef Quadratic view(self):
        return self.struct

    cdef void _build(self):
        cdef Quadratic f
        f.y = <const double*> _address(self.y)
        f.n_unpen = self.unpenalized.shape[0]
        f.unpen = <const Py_ssize_t*> _address(self.unpenalized)
        f.cross = <const double*> _address(self.cross)
        f.y_unpen = <const double*> _address(self.y_cross)
        f.scratch = <double*> _address(self.scratch)
        f.act = <Py_ssize_t*> _address(self.act)
        self.struct = f


cdef class LogisticLoss:
    """The logistic datafit Σ s_i [log(1 + e^η_i) − y_i η_i], η = Xw + b, y ∈ {0, 1}.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Labels coded 0 / 1.
    n_features : int
    fit_intercept : bool
        Whether b is fitted (exactly, at every step) or fixed at 0.
    unpenalized : ndarray of intp, optional
        The unpenalized, nonconstant features U, solved exactly with the
        intercept at every step (``_logit_block.pxd``), with
    unpenalized_mean : ndarray of shape (n_unpenalized,), optional
        their weighted column means (zeros without intercept), and
    gram : ndarray of shape (n_unpenalized, n_unpenalized), optional
        X̄_UᵀSX̄_U, the Gram matrix of their centered columns.
    """

    def __init__(self, y, Py_ssize_t n_features, *, bint fit_intercept, unpenalized=None,
                 unpenalized_mean=None, gram=None):
        self.y = np.ascontiguousarray(y, dtype=np.float64)
        n = self.y.shape[0]
        self.fit_intercept = fit_intercept
        # Newton models' buffers: allocated once per path
        self.buffers = np.empty((9, max(n, 1)))
        self.feature_buffers = np.zeros((3, max(n_features, 1)))
        # the cached state's offset and loss, and the last dual value's scale, value,
        # slope and curvature (NaN: none)
        self.scalars = np.full(6, np.nan)
        k = 0 if unpenalized is None else len(unpenalized)
        self.unpenalized = np.ascontiguousarray(np.zeros(0) if k == 0 else unpenalized,
                                                dtype=np.intp)
        self.unpenalized_mean = np.ascontiguousarray(
            np.zeros(0) if k == 0 else unpenalized_mean, dtype=np.float64)
        self.gram = np.ascontiguousarray(np.zeros((0, 0)) if k == 0 else gram, dtype=np.float64)
        if k and (self.unpenalized_mean.shape != (k,) or self.gram.shape != (k, k)):
            raise ValueError("unpenalized_mean and gram must have one entry / row and column "
                             "per unpenalized feature")
        if k and (self.unpenalized.min() < 0 or self.unpenalized.max() >= n_features):
            raise ValueError("unpenalized: feature indices out of range")
        self.block = np.empty(2 * (k + 1) * (k + 1) + 3 * (k + 1))
        self._build()

    cdef Logistic view(self):
        return self.struct

    cdef void _build(self):
        cdef Logistic f
        cdef double[:, ::1] b = self.buffers
        cdef double[:, ::1] fb = self.feature_buffers
        f.y = <const double*> _address(self.y)
        f.fit_intercept = self.fit_intercept
        f.hess = &b[0, 0]
        f.response = &b[1, 0]
        f.r_model = &b[2, 0]
        f.prob = &b[3, 0]
        f.spare = &b[4, 0]
        f.try_prob = &b[5, 0]
        f.cached_r = &b[6, 0]
        f.try_r = &b[7, 0]
        f.cached_offset = <double*> _address(self.scalars)
        f.cached_loss = f.cached_offset + 1
        f.memo = f.cached_offset + 2
        f.memo_theta = &b[8, 0]
        f.model_mean = &fb[0, 0]
        f.model_sq_norm = &fb[1, 0]
        f.w_start = &fb[2, 0]
        f.n_unpen = self.unpenalized.shape[0]
        f.unpen = <const Py_ssize_t*> _address(self.unpenalized)
        f.unpen_mean = <const double*> _address(self.unpenalized_mean)
        f.unpen_gram = <const double*> _address(self.gram)
        f.block = <double*> _address(self.block)
        self.struct = f


cdef class ElasticNetPenalty:
    """The elastic-net penalty Σ_j (l1 v_j |w_j| + l2/2 u_j w_j²), optionally with w ≥ 0.

    Parameters
    ----------
    penalty_factor : ndarray of shape (n_features,)
        v_j ≥ 0; 0 leaves a feature unpenalized.
    l1, l2 : float
        Keyword-only: n α ρ and n α (1 − ρ) on the solver's scale.
    positive : bool
    l2_factor : ndarray of shape (n_features,), optional
        u_j, zero exactly where v_j is (default: v). Standardization gives
        v_j = σ_j v'_j and u_j = σ_j² v'_j: the penalty on σ_j w_j.
    """

    def __init__(self, penalty_factor, *, double l1, double l2, bint positive=False,
                 l2_factor=None):
        self.penalty_factor = np.ascontiguousarray(penalty_factor, dtype=np.float64)
        # the same array when not given apart: the kernels then know (by address)
        # that the L2 factors are the penalty factors
        self.l2_factor = (self.penalty_factor if l2_factor is None or l2_factor is penalty_factor
                          else np.ascontiguousarray(l2_factor, dtype=np.float64))
        if self.l2_factor.shape[0] != self.penalty_factor.shape[0]:
            raise ValueError("l2_factor must have one entry per feature")
        self.l1 = l1
        self.l2 = l2
        self.positive = positive

    cdef ElasticNet view(self):
        cdef ElasticNet pen
        pen.pf = <const double*> _address(self.penalty_factor)
        pen.pf2 = <const double*> _address(self.l2_factor)
        pen.l1 = self.l1
        pen.l2 = self.l2
        pen.positive = self.positive
        return pen


cdef int check_state(DesignView design, double[::1] w, double[::1] r,
                     double[::1] offset) except -1:
    if w.shape[0] != design.n_features or r.shape[0] != design.n_samples or offset.shape[0] != 1:
        raise ValueError("w, r and offset must have n_features, n_samples and 1 entries")
    return 0
