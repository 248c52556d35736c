# The solver's memory (see _workspace.pyx): buffers, and the state carried
# from one alpha to the next.


cdef class Workspace:
    cdef double* theta          # the dual point θ
    cdef double* theta_ref      # θ at the last full gap
    cdef double* z              # correlations x̄_jᵀSθ
    cdef double* stamp          # the drift at which each z_j was exact (_bounds.pxd)
    cdef double* key            # working-set priorities
    cdef double* r_acc          # scratch residual (extrapolation, the residual's gap)
    cdef double* w_acc          # scratch support coefficients (Anderson step)
    cdef double* hist_r         # History.r
    cdef double* hist_w         # History.w
    cdef Py_ssize_t* feats      # features checked (front) and kept out (back)
    cdef Py_ssize_t* ws         # the working set
    cdef Py_ssize_t* act        # its support
    cdef signed char* left_out  # screened or kept out
    cdef double drift           # total S-distance moved by θ (_bounds.pxd)
    cdef Py_ssize_t capacity    # rows of hist_w, w_acc and act: the largest working set so far


cdef bint reserve(Workspace work, Py_ssize_t n_ws) noexcept nogil
