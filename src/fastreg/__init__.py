"""fastreg: fast exact solvers for L1/L2-regularized linear models.

All models minimize one objective (see the README):

    P(β, β0) = 1/(2n) Σ_i s_i (y_i − β0 − x_iᵀβ)² + α Σ_j v_j (ρ|β_j| + (1−ρ)/2 β_j²)
"""

from ._result import Path
from ._warnings import ConvergenceWarning, IllConditionedWarning, NotFittedError
from .linear_model import (
    ElasticNet,
    ElasticNetCV,
    GroupLasso,
    Lasso,
    LassoCV,
    LogisticGroupLasso,
    LogisticRegression,
    LogisticRegressionCV,
    MultiTaskElasticNet,
    MultiTaskLasso,
    Ridge,
    RidgeCV,
    alpha_grid,
    alpha_max,
    enet_path,
    group_alpha_max,
    group_lasso_path,
    lasso_path,
    logistic_alpha_max,
    logistic_path,
    multitask_enet_path,
    ridge_path,
)

__version__ = "0.1.0"

__all__ = [
    "ConvergenceWarning",
    "ElasticNet",
    "ElasticNetCV",
    "GroupLasso",
    "IllConditionedWarning",
    "Lasso",
    "LassoCV",
    "LogisticGroupLasso",
    "LogisticRegression",
    "LogisticRegressionCV",
    "MultiTaskElasticNet",
    "MultiTaskLasso",
    "NotFittedError",
    "Path",
    "Ridge",
    "RidgeCV",
    "alpha_grid",
    "alpha_max",
    "enet_path",
    "group_alpha_max",
    "group_lasso_path",
    "lasso_path",
    "logistic_alpha_max",
    "logistic_path",
    "multitask_enet_path",
    "ridge_path",
]
