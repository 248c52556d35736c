# The block solver's datafit as a fused type: the squared loss of K targets
# (_block_quadratic.pxd) or the multinomial / binary logistic loss
# (_block_softmax.pxd). Each specialization of the solver is compiled with its
# own steps inlined; these dispatch the functions both provide.
from ._block_quadratic cimport BlockQuadratic, bq_gradient, bq_move, bq_residual
from ._block_softmax cimport BlockSoftmax, sm_dual_point, sm_gradient, sm_move
from ._columns cimport Data
from ._fused cimport floating, index_t


ctypedef fused block_datafit:
    BlockQuadratic
    BlockSoftmax


cdef inline void df_gradient(const Data* d, const block_datafit* f, const floating* Xv,
                             const index_t* Xi, const index_t* Xp, Py_ssize_t j,
                             const double* r, const double* offset, double* out) noexcept nogil:
    """The negative gradient of row j of W (K entries)."""
    if block_datafit is BlockQuadratic:
        bq_gradient(d, f, Xv, Xi, Xp, j, r, offset, out)
    else:
        sm_gradient(d, f, Xv, Xi, Xp, j, r, offset, out)


cdef inline void df_move(const Data* d, const block_datafit* f, const floating* Xv,
                         const index_t* Xi, const index_t* Xp, Py_ssize_t j,
                         const double* delta, double* r, double* offset) noexcept nogil:
    """The state after row j of W moves by delta."""
    if block_datafit is BlockQuadratic:
        bq_move(d, f, Xv, Xi, Xp, j, delta, r, offset)
    else:
        sm_move(d, f, Xv, Xi, Xp, j, delta, r, offset)


cdef inline void df_dual_point(const Data* d, const block_datafit* f, const double* r,
                               const double* offset, double* out) noexcept nogil:
    """The dual point of the state: the residual R (quadratic) or Y − P (softmax)."""
    if block_datafit is BlockQuadratic:
        bq_residual(d, f, r, offset, out)
    else:
        sm_dual_point(d, f, out)
