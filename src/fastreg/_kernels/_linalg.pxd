# Small dense linear algebra inside the solvers (systems of a few unknowns).
from libc.math cimport fabs


cdef inline bint solve_small(double* A, double* b, Py_ssize_t k) noexcept nogil:
    """Solve the k×k system A x = b in place (x in b) by Gaussian elimination with pivoting."""
    cdef Py_ssize_t i, row, col, piv
    cdef double m, tmp
    for col in range(k):
        piv = col
        for row in range(col + 1, k):
            if fabs(A[row * k + col]) > fabs(A[piv * k + col]):
                piv = row
        if A[piv * k + col] == 0.0:
            return False
        if piv != col:
            for i in range(k):
                tmp = A[col * k + i]
                A[col * k + i] = A[piv * k + i]
                A[piv * k + i] = tmp
            tmp = b[col]
            b[col] = b[piv]
            b[piv] = tmp
        for row in range(col + 1, k):
            m = A[row * k + col] / A[col * k + col]
            for i in range(col, k):
                A[row * k + i] -= m * A[col * k + i]
            b[row] -= m * b[col]
    for col in range(k - 1, -1, -1):
        for i in range(col + 1, k):
            b[col] -= A[col * k + i] * b[i]
        b[col] /= A[col * k + col]
    return True
