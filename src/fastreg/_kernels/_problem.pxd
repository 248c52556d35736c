# The typed objects of one problem (see _problem.pyx), shared with the solver.
from ._columns cimport Data
from ._enet cimport ElasticNet
from ._logistic cimport Logistic
from ._quadratic cimport Quadratic


cdef class DesignView:
    cdef readonly object X, data, indices, indptr, sample_weight, x_mean, sq_norm, col_norm
    cdef readonly bint sparse
    cdef readonly Py_ssize_t n_samples, n_features
    cdef const void* Xv
    cdef const void* Xi
    cdef const void* Xp
    cdef bint single         # float32 values
    cdef bint wide_index     # int64 indices
    cdef Data data_struct
    cdef Data view(self)
    cdef void _build(self)


cdef class QuadraticLoss:
    cdef readonly object y, unpenalized, cross, y_cross
    cdef object scratch, act
    cdef Quadratic struct
    cdef Quadratic view(self)
    cdef void _build(self)


cdef class LogisticLoss:
    cdef readonly object y, unpenalized, unpenalized_mean, gram
    cdef readonly bint fit_intercept
    cdef object buffers, feature_buffers, scalars, block
    cdef Logistic struct
    cdef Logistic view(self)
    cdef void _build(self)


cdef class ElasticNetPenalty:
    cdef readonly object penalty_factor, l2_factor
    cdef readonly double l1, l2
    cdef readonly bint positive
    cdef ElasticNet view(self)


cdef int check_state(DesignView design, double[::1] w, double[::1] r,
                     double[::1] offset) except -1
