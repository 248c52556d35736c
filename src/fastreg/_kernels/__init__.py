"""Compiled kernels (Cython, nogil): the solvers' inner loops."""
