# exp and log over arrays, eight or four lanes at a time with AVX-512 or AVX2 (see _vmath.h).
cdef extern from "_vmath.h" nogil:
    void vexp "fr_vexp"(const double* x, double* out, Py_ssize_t n)
    void vlog "fr_vlog"(const double* x, double* out, Py_ssize_t n)
    void vexp_at "fr_vexp_at"(int level, const double* x, double* out, Py_ssize_t n)
    void vlog_at "fr_vlog_at"(int level, const double* x, double* out, Py_ssize_t n)
    int simd_level "fr_vmath_simd"()   # 2: AVX-512, 1: AVX2 + FMA, 0: libm

cdef enum:
    CHUNK = 256    # samples per batch: the batch's buffers stay in L1
