# Reductions shared by the kernels. Four partial sums break the floating-point
# add dependency chain, which would otherwise bound these loops by add latency
# rather than by memory.
from ._fused cimport floating


cdef inline double dot(const floating* x, const double* y, Py_ssize_t n) noexcept nogil:
    """Σ_i x_i y_i over n contiguous entries, accumulated in float64."""
    cdef Py_ssize_t i, n4 = n - n % 4
    cdef double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    for i in range(0, n4, 4):
        a0 += x[i] * y[i]
        a1 += x[i + 1] * y[i + 1]
        a2 += x[i + 2] * y[i + 2]
        a3 += x[i + 3] * y[i + 3]
    for i in range(n4, n):
        a0 += x[i] * y[i]
    return (a0 + a1) + (a2 + a3)
