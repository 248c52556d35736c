# Fused types shared by the kernels: X values in float32 or float64, sparse
# indices in int32 or int64. Everything a kernel accumulates is float64.
from libc.stdint cimport int32_t, int64_t

ctypedef fused floating:
    float
    double

ctypedef fused index_t:
    int32_t
    int64_t
