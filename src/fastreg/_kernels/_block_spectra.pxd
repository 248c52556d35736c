# The eigensystems of the groups' Grams, computed when a group is first
# stepped (LAPACK's dsyev through scipy, so nothing is linked at build time).
# A path touches only the groups that enter a working set: on news20 in groups
# of 5, a few hundred of 12412 (measured: decomposing all of them up front
# cost more than the path's screening). Until then a group needs only a
# bound on λ_max (the screening tests, ``_groups.block_spectra``).
from scipy.linalg.cython_lapack cimport dsyev


cdef struct LazySpectra:
    const double* grams     # each group's Gram, |g| × |g| from grams[vec_ptr[g]]
    double scale            # the eigenvalues' factor (a Hessian bound's curvature)
    signed char* done       # group decomposed yet
    double* work            # dsyev's workspace, ``lwork`` doubles (≥ 3·largest group)
    int lwork


cdef inline void decompose(LazySpectra* s, Py_ssize_t g, Py_ssize_t m, Py_ssize_t vec_start,
                           double bound, double* vals, double* vecs) noexcept nogil:
    """vals = scale·λ(G_g)₊ (ascending), vecs = its eigenvectors (columns, row-major).

    Should dsyev fail, the group is given V = I and every eigenvalue at
    ``bound`` ≥ λ_max: the exact step becomes a majorization step.
    """
    cdef char jobz = b'V', uplo = b'U'
    cdef int n = <int> m, info = 0
    cdef Py_ssize_t a, b
    cdef double tmp
    for a in range(m * m):
        vecs[a] = s.grams[vec_start + a]
    dsyev(&jobz, &uplo, &n, vecs, &n, vals, s.work, &s.lwork, &info)
    if info != 0:
        for a in range(m):
            vals[a] = bound
            for b in range(m):
                vecs[a * m + b] = 1.0 if a == b else 0.0
    else:
        for a in range(m):  # column-major eigenvectors → row-major V[a, b]
            vals[a] = s.scale * vals[a] if vals[a] > 0.0 else 0.0
            for b in range(a + 1, m):
                tmp = vecs[a * m + b]
                vecs[a * m + b] = vecs[b * m + a]
                vecs[b * m + a] = tmp
    s.done[g] = 1
