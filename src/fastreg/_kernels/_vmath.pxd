# exp and log over arrays, four lanes at a time with AVX2 (see _vmath.h).
cdef extern from "_vmath.h" nogil:
    void vexp "fr_vexp"(const double* x, double* out, Py_ssize_t n)
    void vlog "fr_vlog"(const double* x, double* out, Py_ssize_t n)
    int simd_available "fr_vmath_simd"()

cdef enum:
    CHUNK = 256    # samples per batch: the batch's buffers stay in L1
