"""What standardize=True costs on the news20 tf-idf Lasso path, and against glmnet.

Usage::

    FASTREG_DATA=/work/shared/data python benchmarks/compare_standardize.py [--intercept]
        [--repeat N] [--glmnet /path/to/python-with-glmnet] [--glmnet-thresh T]

Three fastreg paths in one run, each 100 alphas from its alpha_max down to
1e-2·alpha_max, stopped at a certified relative gap of 1e-6:

* ``plain``: ``lasso_path(X, y)``, the unstandardized problem;
* ``standardize``: ``lasso_path(X, y, standardize=True)``;
* ``scaled copy``: ``lasso_path(X D⁻¹, y)`` on the same grid, the explicit
  column-scaled copy (still sparse: only centering densifies), mapped back.

``standardize / scaled copy`` is the cost of the mechanism (the penalty
factors σ_j instead of a scaled X): the two solve the same problem.
``standardize / plain`` is the cost of the standardized problem itself,
whose solutions are denser on tf-idf (rare words have small σ_j, so their
effective penalty is smaller). With ``--glmnet`` (python-glmnet, numpy < 2)
glmnet's ``standardize=True`` path on the same grid is timed and its
objective compared with fastreg's certified one.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("FASTREG_DATA", "/work/shared/data")


TOL = 1e-6
EPS = 1e-2
N_ALPHAS = 100


def _timed(fit, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fit()
        best = min(best, time.perf_counter() - start)
    return best, out


def objective(X, y, coef, intercept, alpha, sd):
    """glmnet's standardize=TRUE Lasso objective on the original coefficients."""
    resid = y - intercept - X @ coef
    return 0.5 * resid @ resid / len(y) + alpha * np.sum(sd * np.abs(coef))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intercept", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--glmnet", metavar="PYTHON",
                        help="an interpreter with python-glmnet (e.g. one with numpy < 2)")
    parser.add_argument("--glmnet-thresh", type=float, default=1e-7,
                        help="glmnet's convergence threshold (default: its own, 1e-7)")
    args = parser.parse_args(argv)

    import fastreg
    from fastreg._design import Design

    from benchmarks._data import news20_tfidf

    X, y = news20_tfidf()
    icpt = args.intercept
    sd = Design(X, None, icpt).col_scale
    rows = {}
    grid_plain = fastreg.alpha_grid(X, y, n_alphas=N_ALPHAS, eps=EPS, fit_intercept=icpt)
    grid_std = fastreg.alpha_grid(X, y, n_alphas=N_ALPHAS, eps=EPS, fit_intercept=icpt,
                                  standardize=True)
    X_scaled = sp.csc_matrix(X @ sp.diags(1.0 / sd))
    runs = [
        ("plain", lambda: fastreg.lasso_path(X, y, alphas=grid_plain, fit_intercept=icpt,
                                             tol=TOL)),
        ("standardize", lambda: fastreg.lasso_path(X, y, alphas=grid_std, fit_intercept=icpt,
                                                   tol=TOL, standardize=True)),
        ("scaled copy", lambda: fastreg.lasso_path(X_scaled, y, alphas=grid_std,
                                                   fit_intercept=icpt, tol=TOL)),
    ]
    for name, fit in runs:
        seconds, path = _timed(fit, args.repeat)
        rows[name] = (seconds, path)
        print(f"{name:12s} {seconds:8.2f} s  epochs {path.n_iters.sum():7d}  "
              f"passes {path.info['n_passes'].sum():5d}  nnz at the end "
              f"{path.coefs[:, -1].nnz:6d}  max gap {path.dual_gaps.max():.1e}", flush=True)
    t = {name: row[0] for name, row in rows.items()}
    print(f"standardize / scaled copy = {t['standardize'] / t['scaled copy']:.3f}")
    print(f"standardize / plain       = {t['standardize'] / t['plain']:.3f}")
    if args.glmnet:
        _compare_glmnet(X, y, grid_std, icpt, sd, rows["standardize"], args.glmnet,
                        args.glmnet_thresh)


def _glmnet_path(X, y, alphas, icpt, thresh):
    """glmnet's standardize=True Lasso path: (seconds, coefs, intercepts)."""
    from glmnet import ElasticNet

    model = ElasticNet(alpha=1.0, lambda_path=alphas, standardize=True, fit_intercept=icpt,
                       tol=thresh, n_splits=0, max_iter=10_000_000)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return time.perf_counter() - start, model.coef_path_, model.intercept_path_


def _compare_glmnet(X, y, alphas, icpt, sd, ours, glmnet_python, thresh):
    """Run glmnet in ``glmnet_python`` (python-glmnet needs numpy < 2) on the same path."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        np.savez(inputs, data=X.data, indices=X.indices, indptr=X.indptr, shape=X.shape, y=y,
                 alphas=alphas, icpt=icpt, thresh=thresh)
        subprocess.run([glmnet_python, __file__, "--glmnet-worker", str(inputs), str(outputs)],
                       check=True)
        out = np.load(outputs)
        seconds, coefs, intercepts = float(out["seconds"]), out["coefs"], out["intercepts"]
    path = ours[1]
    worst = -np.inf
    null = 0.5 * np.var(y) if icpt else 0.5 * np.mean(y * y)
    for k in range(min(len(alphas), coefs.shape[1])):
        mine = objective(X, y, path.coef_at(k), float(path.intercepts[k]), alphas[k], sd)
        theirs = objective(X, y, coefs[:, k], intercepts[k], alphas[k], sd)
        worst = max(worst, (theirs - mine) / null)
    print(f"glmnet       {seconds:8.2f} s  (standardize=True, thresh {thresh:g}, {coefs.shape[1]} "
          f"alphas): {seconds / ours[0]:.2f}x fastreg's time; its objective minus fastreg's "
          f"is at most {worst:.1e} · P_null")


def _glmnet_worker(inputs, outputs):
    d = np.load(inputs)
    X = sp.csc_matrix((d["data"], d["indices"], d["indptr"]), shape=tuple(d["shape"]))
    seconds, coefs, intercepts = _glmnet_path(X, d["y"], d["alphas"], bool(d["icpt"]),
                                              float(d["thresh"]))
    np.savez(outputs, seconds=seconds, coefs=coefs, intercepts=intercepts)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--glmnet-worker":
        _glmnet_worker(sys.argv[2], sys.argv[3])
    else:
        main()
