"""The solver's memory, allocated once per path (see ``_workspace.pxd``)."""

from cpython.mem cimport PyMem_RawCalloc, PyMem_RawFree, PyMem_RawMalloc, PyMem_RawRealloc

from ._extrapolation cimport SWEEPS


cdef class Workspace:
    """Buffers of the solver, and the state it carries from one alpha to the next.

    Carried: the dual point θ and the correlations z = X̄ᵀSθ, θ at the last
    full gap (``theta_ref``), the drift of θ and each correlation's stamp,
    the flags and lists of the features left out (see ``_bounds.pxd``). The
    rest is scratch. Allocating it once keeps the per-alpha cost free of
    page faults on fresh memory. Python's raw allocator is used so that
    memory tracing (tracemalloc) accounts for it.

    Parameters
    ----------
    n_samples, n_features : int
    """

    def __cinit__(self, Py_ssize_t n_samples, Py_ssize_t n_features):
        cdef size_t n = n_samples if n_samples > 0 else 1
        cdef size_t m = n_features if n_features > 0 else 1
        self.theta = <double*> PyMem_RawMalloc(n * sizeof(double))
        self.theta_ref = <double*> PyMem_RawMalloc(n * sizeof(double))
        self.r_acc = <double*> PyMem_RawMalloc(n * sizeof(double))
        self.hist_r = <double*> PyMem_RawMalloc((SWEEPS + 1) * n * sizeof(double))
        self.z = <double*> PyMem_RawMalloc(m * sizeof(double))
        self.stamp = <double*> PyMem_RawMalloc(m * sizeof(double))
        self.key = <double*> PyMem_RawMalloc(m * sizeof(double))
        self.capacity = 0
        self.w_acc = NULL
        self.hist_w = NULL
        self.feats = <Py_ssize_t*> PyMem_RawMalloc(m * sizeof(Py_ssize_t))
        self.ws = <Py_ssize_t*> PyMem_RawMalloc(m * sizeof(Py_ssize_t))
        self.act = NULL
        self.left_out = <signed char*> PyMem_RawCalloc(m, sizeof(signed char))
        if (self.theta == NULL or self.theta_ref == NULL or self.r_acc == NULL
                or self.hist_r == NULL or self.z == NULL or self.stamp == NULL
                or self.key == NULL or self.feats == NULL or self.ws == NULL
                or self.left_out == NULL):
            raise MemoryError("cannot allocate the coordinate-descent workspace")
        self.drift = 0.0

    def __dealloc__(self):
        PyMem_RawFree(self.theta)
        PyMem_RawFree(self.theta_ref)
        PyMem_RawFree(self.r_acc)
        PyMem_RawFree(self.hist_r)
        PyMem_RawFree(self.z)
        PyMem_RawFree(self.stamp)
        PyMem_RawFree(self.key)
        PyMem_RawFree(self.w_acc)
        PyMem_RawFree(self.hist_w)
        PyMem_RawFree(self.feats)
        PyMem_RawFree(self.ws)
        PyMem_RawFree(self.act)
        PyMem_RawFree(self.left_out)


cdef bint reserve(Workspace work, Py_ssize_t n_ws) noexcept nogil:
    """Grow the per-working-set buffers to n_ws rows (working sets are mostly small)."""
    if n_ws <= work.capacity:
        return True
    if n_ws < 2 * work.capacity:
        n_ws = 2 * work.capacity
    hist_w = <double*> PyMem_RawRealloc(work.hist_w, (SWEEPS + 1) * n_ws * sizeof(double))
    if hist_w == NULL:
        return False
    work.hist_w = hist_w
    w_acc = <double*> PyMem_RawRealloc(work.w_acc, n_ws * sizeof(double))
    if w_acc == NULL:
        return False
    work.w_acc = w_acc
    act = <Py_ssize_t*> PyMem_RawRealloc(work.act, n_ws * sizeof(Py_ssize_t))
    if act == NULL:
        return False
    work.act = act
    work.capacity = n_ws
    return True
