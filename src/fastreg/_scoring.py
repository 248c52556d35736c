"""Held-out errors of the cross-validation folds, all "smaller is better".

Each scorer is a top-level function ``score(y, pred, intercept, weights)`` of
the held-out targets, the linear part of the prediction ``X_test @ coef``,
the intercept and the held-out sample weights (None for equal weights), and
returns one float:

* :func:`squared_error`: the (weighted) mean squared error
  ``Σ s_i (y_i − β0 − x_iᵀβ)² / Σ s_i`` (regression);
* :func:`deviance`: the binomial deviance, twice the (weighted) mean
  log-loss ``2 Σ s_i [log(1 + exp η_i) − y_i η_i] / Σ s_i`` (y coded 0/1);
  for K classes (``pred`` of shape (n, K), y the class indices) the
  multinomial one, ``2 Σ s_i [log Σ_k exp η_ik − η_{i,y_i}] / Σ s_i``;
* :func:`misclassification`: the (weighted) share of held-out rows whose
  predicted class (``η > 0`` → 1; for K classes the largest η) is wrong,
  i.e. 1 − accuracy;
* :func:`one_minus_auc`: 1 − the (weighted) area under the ROC curve, with
  the AUC from the rank (Mann–Whitney) formula, ties counted one half.

They are plain module functions, so a fold task that carries one pickles.
"""

import numpy as np
from scipy.special import logsumexp

__all__ = ["deviance", "misclassification", "one_minus_auc", "squared_error"]


def _weighted_mean(values, weights):
    if weights is None:
        return float(np.mean(values))
    return float(np.average(values, weights=weights))


def squared_error(y, pred, intercept, weights):
    """Weighted mean of (y − intercept − pred)² (averaged over targets for 2-D y)."""
    resid = y - intercept - pred
    squares = resid * resid
    return _weighted_mean(squares if squares.ndim == 1 else squares.mean(axis=1), weights)


def deviance(y, pred, intercept, weights):
    """Twice the weighted mean log-loss of labels y at the linear predictors pred + intercept.

    Two classes: y coded 0/1, one log-odds per row. K classes: y the class
    indices, pred of shape (n, K).
    """
    eta = pred + intercept
    if eta.ndim == 2:
        rows = np.arange(eta.shape[0])
        return 2.0 * _weighted_mean(logsumexp(eta, axis=1) - eta[rows, y.astype(np.intp)],
                                    weights)
    return 2.0 * _weighted_mean(np.logaddexp(0.0, eta) - y * eta, weights)


def misclassification(y, pred, intercept, weights):
    """Weighted share of rows whose predicted class differs from y (as :func:`deviance`'s y)."""
    eta = pred + intercept
    if eta.ndim == 2:
        return _weighted_mean(np.argmax(eta, axis=1) != y, weights)
    return _weighted_mean((eta > 0) != (y > 0.5), weights)


def auc(y, eta, weights=None):
    """Weighted ROC AUC of scores eta for 0/1 labels y (NaN with a single class).

    ``Σ_{i: y=1} s_i (W⁻(< η_i) + W⁻(= η_i) / 2) / (W⁺ W⁻)``: the weighted
    Mann–Whitney statistic, the chance that a positive outranks a negative,
    ties counted one half. Without weights it is the midrank formula
    ``(Σ_{y=1} rank_i − n⁺(n⁺ + 1)/2) / (n⁺ n⁻)``.
    """
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    pos = y > 0.5
    w_pos, w_neg = np.where(pos, w, 0.0), np.where(pos, 0.0, w)
    total_pos, total_neg = w_pos.sum(), w_neg.sum()
    if not (total_pos > 0 and total_neg > 0):
        return np.nan
    order = np.argsort(eta, kind="stable")
    values = eta[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])  # tie groups
    neg_tied = np.add.reduceat(w_neg[order], starts)
    pos_tied = np.add.reduceat(w_pos[order], starts)
    neg_below = np.cumsum(neg_tied) - neg_tied
    return float(pos_tied @ (neg_below + 0.5 * neg_tied) / (total_pos * total_neg))


def one_minus_auc(y, pred, intercept, weights):
    """1 − the weighted AUC of the log-odds pred + intercept (the intercept does not matter)."""
    return 1.0 - auc(y, pred + intercept, weights)
