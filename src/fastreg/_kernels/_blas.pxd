# Thin nogil wrappers over scipy's BLAS (scipy.linalg.cython_blas, so nothing
# is linked at build time). Arguments are passed by value and matrices are
# column-major (Fortran), as BLAS expects. Everything here is float64: the
# Ridge kernels accumulate in double whatever the dtype of X.
from scipy.linalg.cython_blas cimport dgemm, dgemv, dsyrk


cdef inline void gemm(char transa, char transb, int m, int n, int k, double alpha,
                      const double* a, int lda, const double* b, int ldb,
                      double beta, double* c, int ldc) noexcept nogil:
    """C = alpha op(A) op(B) + beta C, with C of shape (m, n)."""
    if m <= 0 or n <= 0:
        return
    dgemm(&transa, &transb, &m, &n, &k, &alpha, <double*> a, &lda, <double*> b, &ldb,
          &beta, c, &ldc)


cdef inline void gemv(char trans, int m, int n, double alpha, const double* a, int lda,
                      const double* x, double beta, double* y) noexcept nogil:
    """y = alpha op(A) x + beta y for A of shape (m, n)."""
    cdef int one = 1
    if m <= 0 or n <= 0:
        return
    dgemv(&trans, &m, &n, &alpha, <double*> a, &lda, <double*> x, &one, &beta, y, &one)


cdef inline void syrk_lower(char trans, int n, int k, double alpha, const double* a, int lda,
                            double beta, double* c, int ldc) noexcept nogil:
    """Lower triangle of C = alpha op(A) op(A)ᵀ + beta C, C of shape (n, n).

    trans = 'T': op(A) = Aᵀ with A of shape (k, n); trans = 'N': A of shape (n, k).
    """
    cdef char uplo = b'L'
    if n <= 0:
        return
    dsyrk(&uplo, &trans, &n, &k, &alpha, <double*> a, &lda, &beta, c, &ldc)


cdef inline int gram_blocked(char trans, int n, int k, const double* a, int lda,
                             double beta, double* c, int ldc, int nb) noexcept nogil:
    """Lower triangle of C = op(A) op(A)ᵀ + beta C by blocks of nb columns of C.

    Diagonal blocks use SYRK; everything below them uses one GEMM per block
    column (GEMM is BLAS's best-tuned kernel). With nb ≥ n this is one SYRK.
    """
    cdef int blk, j0, jb, rest
    cdef char t = b'T', nt = b'N'
    for blk in range((n + nb - 1) // nb):
        j0 = blk * nb
        jb = min(nb, n - j0)
        rest = n - j0 - jb
        if trans == b'T':
            # C[j0:, j0:j0+jb] = A[:, j0:]ᵀ A[:, j0:j0+jb] (A is k × n)
            syrk_lower(b'T', jb, k, 1.0, a + <Py_ssize_t> j0 * lda, lda, beta,
                       c + j0 + <Py_ssize_t> j0 * ldc, ldc)
            gemm(t, nt, rest, jb, k, 1.0, a + <Py_ssize_t> (j0 + jb) * lda, lda,
                 a + <Py_ssize_t> j0 * lda, lda, beta, c + j0 + jb + <Py_ssize_t> j0 * ldc, ldc)
        else:
            # C[j0:, j0:j0+jb] = A[j0:, :] A[j0:j0+jb, :]ᵀ (A is n × k)
            syrk_lower(b'N', jb, k, 1.0, a + j0, lda, beta,
                       c + j0 + <Py_ssize_t> j0 * ldc, ldc)
            gemm(nt, t, rest, jb, k, 1.0, a + j0 + jb, lda, a + j0, lda, beta,
                 c + j0 + jb + <Py_ssize_t> j0 * ldc, ldc)
    return 0
