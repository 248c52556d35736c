"""The binary certificate's dual value, and its bound at the next alpha's scale."""

import numpy as np
import pytest
from scipy.special import expit, xlogy

from fastreg._design import Design
from fastreg._kernels import _problem, _solver


def _entropy_sum(y, theta, c, sw):
    a = np.where(y == 1, c * theta, -c * theta)
    a = np.where((a > 0) & (a < 1), a, 0.0)
    return float(np.sum(sw * -(xlogy(a, a) + xlogy(1 - a, 1 - a))))


def _setup(n, seed, weighted, saturated):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    sw = rng.uniform(0.2, 3.0, n) if weighted else None
    design = Design(X, sample_weight=sw, fit_intercept=True)
    y = (rng.random(n) < 0.3).astype(float)
    eta = rng.normal(0.0, 12.0 if saturated else 2.0, n)
    theta = y - expit(eta)
    weights = design.sample_weight if design.sample_weight is not None else np.ones(n)
    theta -= np.average(theta, weights=weights)  # S-centered, as the solver keeps it
    view = _problem.DesignView(design, implicit_centering=False)
    loss = _problem.LogisticLoss(y, 3, fit_intercept=True)
    return view, loss, y, theta, weights


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("saturated", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_bound_below_the_value_and_close(weighted, saturated, seed):
    view, loss, y, theta, sw = _setup(517, seed, weighted, saturated)
    for c in [1.0, 0.7, 0.05]:
        for ratio in [0.999, 0.97, 0.955, 0.9]:
            value, bound, exact = _solver.logistic_dual_value(view, loss, theta, c, ratio * c)
            assert value == pytest.approx(_entropy_sum(y, theta, c, sw), rel=1e-12)
            assert exact == pytest.approx(_entropy_sum(y, theta, ratio * c, sw), rel=1e-12)
            assert bound <= exact + 1e-12 * abs(exact)
            # second order in the step: at a grid's step (≥ 0.955), at most
            # about a third of the change itself (samples whose other label
            # is nearly certain make it that large)
            if ratio >= 0.955:
                assert exact - bound <= 0.4 * abs(exact - value) + 1e-12 * abs(exact)


def test_bound_only_a_little_below_the_last_scale():
    view, loss, y, theta, sw = _setup(200, 0, False, False)
    for c_next in [0.5, 0.89, 1.0, 1.1]:
        value, bound, exact = _solver.logistic_dual_value(view, loss, theta, 1.0, c_next)
        assert bound == exact  # computed, not bounded
