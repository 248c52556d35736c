"""The kernels' vectorized exp and log against libm, to the ulp."""

import math

import numpy as np
import pytest

from fastreg._kernels import _elementwise


def _ulps(got, want):
    """Distance in units of the last place of ``want`` (0 where both agree exactly)."""
    spacing = np.abs(np.spacing(want))
    with np.errstate(invalid="ignore"):
        return np.where(got == want, 0.0, np.abs(got - want) / spacing)


LEVELS = [pytest.param(level, id=name) for level, name in enumerate(["libm", "avx2", "avx512"])
          if level <= _elementwise.simd()]


def _libm(fn, x):
    """fn (math.exp or math.log) elementwise; NaN where it refuses the value."""
    out = np.empty_like(x)
    for i, v in enumerate(x):
        try:
            out[i] = fn(v)
        except (OverflowError, ValueError):
            out[i] = np.nan
    return out


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 8, 9, 257, 4099])
def test_exp_within_one_ulp(n, level):
    rng = np.random.default_rng(n)
    x = np.concatenate([rng.uniform(-40, 40, n // 2), rng.uniform(-708, 709, n - n // 2)])
    got = _elementwise.exp(x, level)
    want = _libm(math.exp, x)
    assert got.shape == (n,)
    assert np.all(_ulps(got, want) <= 1.0)


@pytest.mark.parametrize("level", LEVELS)
def test_exp_edges(level):
    x = np.array([0.0, -0.0, 1e-300, -1e-300, -708.0, -708.3, -708.5, -745.0, -745.2, -800.0,
                  709.0, 709.7, 710.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, math.log(2.0)])
    got = _elementwise.exp(x, level)
    with np.errstate(over="ignore"):
        want = np.exp(x)
    finite = np.isfinite(want) & (want > np.finfo(float).tiny)
    assert np.all(_ulps(got[finite], want[finite]) <= 1.0)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.all(got[~finite & ~np.isnan(want)] == want[~finite & ~np.isnan(want)])


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("n", [1, 4, 7, 8, 9, 1031])
def test_log_within_one_ulp(n, level):
    rng = np.random.default_rng(n)
    x = np.concatenate([rng.uniform(0.0, 2.0, n // 2),
                        np.exp(rng.uniform(-700, 700, n - n // 2))])
    x[0] = 1.0
    got = _elementwise.log(x, level)
    want = _libm(math.log, x)
    assert np.all(_ulps(got, want) <= 1.0)


@pytest.mark.parametrize("level", LEVELS)
def test_log_edges(level):
    tiny = np.finfo(float).tiny
    x = np.array([1.0, np.nextafter(1.0, 2.0), np.nextafter(1.0, 0.0), 2.0, 0.5, math.sqrt(2.0),
                  tiny, tiny / 4, 5e-324, 0.0, -0.0, -1.0, np.finfo(float).max, np.inf, np.nan])
    got = _elementwise.log(x, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        want = np.log(x)
    regular = np.isfinite(want)
    assert np.all(_ulps(got[regular], want[regular]) <= 1.0)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.all(got[np.isinf(want)] == want[np.isinf(want)])



def test_level_beyond_the_cpu_refused():
    with pytest.raises(ValueError, match="level"):
        _elementwise.exp(np.ones(3), _elementwise.simd() + 1)


_PATHS = """
import json, sys
import numpy as np
from scipy.special import logsumexp
import fastreg
from fastreg._kernels import _elementwise

rng = np.random.default_rng(3)
X = rng.standard_normal((301, 40))
y2 = (X[:, 0] + 0.5 * rng.standard_normal(301) > 0).astype(int)
y3 = np.digitize(X[:, 1] + 0.5 * rng.standard_normal(301), [-0.5, 0.5])
out = {"simd": _elementwise.simd()}


def dense(a):
    return (a.toarray() if hasattr(a, "toarray") else np.asarray(a)).ravel()


for name, y in (("binary", y2), ("multinomial", y3)):
    path = fastreg.logistic_path(X, y, l1_ratio=0.5, n_alphas=8, tol=1e-12)
    codes = np.searchsorted(path.classes, y)
    objectives = []
    for k, alpha in enumerate(path.alphas):
        if name == "binary":  # the objective with the classes as columns 0 and 1
            B = np.stack([np.zeros(40), dense(path.coefs[:, k])])
            b = np.array([0.0, path.intercepts[k]])
        else:
            B = dense(path.coef_at(k)).reshape(len(path.classes), 40)
            b = path.intercepts[:, k]
        eta = X @ B.T + b
        loss = np.mean(logsumexp(eta, axis=1) - eta[np.arange(301), codes])
        objectives.append(loss + alpha * (0.5 * np.abs(B).sum() + 0.25 * (B * B).sum()))
    out[name] = objectives
json.dump(out, sys.stdout)
"""


def _paths(env_level):
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    if env_level is None:
        env.pop("FASTREG_SIMD", None)
    else:
        env["FASTREG_SIMD"] = str(env_level)
    done = subprocess.run([sys.executable, "-c", _PATHS], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def test_paths_agree_at_every_level():
    """FASTREG_SIMD caps the instructions; every level certifies the same solutions."""
    widest = _paths(None)
    assert widest["simd"] == _elementwise.simd()
    for level in range(_elementwise.simd()):
        capped = _paths(level)
        assert capped["simd"] == level
        for name in ("binary", "multinomial"):
            # each point certified within 1e-12 of its optimum: the objectives agree
            np.testing.assert_allclose(capped[name], widest[name], rtol=1e-10)
