"""Ridge internals: the input layer, the direct and iterative solvers, and cross-validation."""
