"""Factorizations of the symmetric Ridge systems (LAPACK through scipy).

The Ridge matrices (Gram + nαV or kernel + nαI) are symmetric positive
(semi-)definite and stored as float64, lower triangle. Systems are solved by
Cholesky factorization and triangular solves, never by forming an inverse;
many alphas share one symmetric eigendecomposition.
"""

import numpy as np

from scipy.linalg.cython_lapack cimport dlansy, dpocon, dpotrf, dpotrs, dsyevd


def cholesky_solve(double[::1, :] A, double[::1, :] B):
    """Solve A Z = B in place (A: lower triangle; B: right-hand sides → Z).

    A is overwritten by its Cholesky factor. The reciprocal condition number
    in the 1-norm is estimated by POCON from the factor and ‖A‖₁.

    Returns
    -------
    info : int
        0 on success; k > 0 if the leading minor of order k is not positive
        definite (then B is left unchanged and rcond is 0).
    rcond : float
    """
    cdef int m = A.shape[0], k = B.shape[1], info = 0, info2 = 0
    cdef char uplo = b'L', norm = b'1'
    cdef double anorm, rcond = 0.0
    cdef double[::1] work = np.empty(max(3 * m, 1))
    cdef int[::1] iwork = np.empty(max(m, 1), dtype=np.intc)
    with nogil:
        anorm = dlansy(&norm, &uplo, &m, &A[0, 0], &m, &work[0])
        dpotrf(&uplo, &m, &A[0, 0], &m, &info)
        if info == 0:
            dpocon(&uplo, &m, &A[0, 0], &m, &anorm, &rcond, &work[0], &iwork[0], &info2)
            if k > 0:
                dpotrs(&uplo, &m, &k, &A[0, 0], &m, &B[0, 0], &m, &info2)
    return info, rcond


def symmetric_eig(double[::1, :] A, double[::1] eigenvalues):
    """Eigendecomposition of a symmetric matrix (lower triangle) by DSYEVD.

    A is overwritten by the orthonormal eigenvectors (columns) and
    ``eigenvalues`` receives the eigenvalues in ascending order.

    Returns
    -------
    info : int
        0 on success, > 0 if the algorithm failed to converge.
    """
    cdef int m = A.shape[0], info = 0, lwork = -1, liwork = -1, iquery = 0
    cdef char jobz = b'V', uplo = b'L'
    cdef double query = 0.0
    dsyevd(&jobz, &uplo, &m, &A[0, 0], &m, &eigenvalues[0], &query, &lwork, &iquery,
           &liwork, &info)
    if info != 0:
        return info
    lwork = max(<int> query, 1)
    liwork = max(iquery, 1)
    cdef double[::1] work = np.empty(lwork)
    cdef int[::1] iwork = np.empty(liwork, dtype=np.intc)
    with nogil:
        dsyevd(&jobz, &uplo, &m, &A[0, 0], &m, &eigenvalues[0], &work[0], &lwork,
               &iwork[0], &liwork, &info)
    return info
