"""Estimators and path functions, one module per model family."""

from ._coordinate_descent import ElasticNet, Lasso
from ._cv import ElasticNetCV, LassoCV, LogisticRegressionCV
from ._enet_path import alpha_grid, alpha_max, enet_path, lasso_path
from ._group import GroupLasso, LogisticGroupLasso, group_alpha_max, group_lasso_path
from ._logistic import LogisticRegression, logistic_alpha_max, logistic_path
from ._multitask import MultiTaskElasticNet, MultiTaskLasso, multitask_enet_path
from ._ridge import Ridge, RidgeCV, ridge_path

__all__ = [
    "ElasticNet",
    "ElasticNetCV",
    "GroupLasso",
    "Lasso",
    "LassoCV",
    "LogisticGroupLasso",
    "LogisticRegression",
    "LogisticRegressionCV",
    "MultiTaskElasticNet",
    "MultiTaskLasso",
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
