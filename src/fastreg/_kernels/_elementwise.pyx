"""The kernels' exp and log over arrays (``_vmath.h``), callable from Python for tests."""

import numpy as np

from ._vmath cimport simd_available, vexp, vlog


def simd():
    """True when this CPU runs the four-lane (AVX2 + FMA) versions."""
    return bool(simd_available())


def exp(const double[::1] x):
    """exp(x) elementwise, as the kernels compute it."""
    out = np.empty(x.shape[0])
    cdef double[::1] o = out
    if x.shape[0] > 0:
        vexp(&x[0], &o[0], x.shape[0])
    return out


def log(const double[::1] x):
    """log(x) elementwise, as the kernels compute it."""
    out = np.empty(x.shape[0])
    cdef double[::1] o = out
    if x.shape[0] > 0:
        vlog(&x[0], &o[0], x.shape[0])
    return out
