"""The kernels' exp and log over arrays (``_vmath.h``), callable from Python for tests."""

import numpy as np

from ._vmath cimport simd_level, vexp_at, vlog_at

ctypedef void (*elementwise_t)(int, const double*, double*, Py_ssize_t) noexcept nogil


def simd():
    """The widest instructions this CPU runs them with: 2 AVX-512, 1 AVX2 + FMA, 0 none."""
    return simd_level()


cdef _apply(elementwise_t fn, const double[::1] x, level):
    """fn over x into a new array, with the instructions of ``level`` (None: the widest)."""
    if level is None:
        level = simd_level()
    elif not 0 <= level <= simd_level():
        raise ValueError(f"level must be in [0, {simd_level()}] on this CPU, got {level}")
    out = np.empty(x.shape[0])
    cdef double[::1] o = out
    if x.shape[0] > 0:
        fn(level, &x[0], &o[0], x.shape[0])
    return out


def exp(const double[::1] x, level=None):
    """exp(x) elementwise, as the kernels compute it (``level``: as :func:`simd`)."""
    return _apply(vexp_at, x, level)


def log(const double[::1] x, level=None):
    """log(x) elementwise, as the kernels compute it (``level``: as :func:`simd`)."""
    return _apply(vlog_at, x, level)
