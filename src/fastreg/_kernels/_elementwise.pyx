"""The kernels' exp and log over arrays (``_vmath.h``), callable from Python for tests."""

import numpy as np

from ._vmath cimport simd_level, vexp_at, vlog_at


def simd():
    """The widest instructions this CPU runs them with: 2 AVX-512, 1 AVX2 + FMA, 0 none."""
    return simd_level()


def _level(level):
    if level is None:
        return simd_level()
    if not 0 <= level <= simd_level():
        raise ValueError(f"level must be in [0, {simd_level()}] on this CPU, got {level}")
    return level


def exp(const double[::1] x, level=None):
    """exp(x) elementwise, as the kernels compute it (``level``: as :func:`simd`)."""
    cdef int at = _level(level)
    out = np.empty(x.shape[0])
    cdef double[::1] o = out
    if x.shape[0] > 0:
        vexp_at(at, &x[0], &o[0], x.shape[0])
    return out


def log(const double[::1] x, level=None):
    """log(x) elementwise, as the kernels compute it (``level``: as :func:`simd`)."""
    cdef int at = _level(level)
    out = np.empty(x.shape[0])
    cdef double[::1] o = out
    if x.shape[0] > 0:
        vlog_at(at, &x[0], &o[0], x.shape[0])
    return out
