"""The multinomial L1 logistic path against glmnet and scikit-learn, at equal accuracy.

    python -m benchmarks.compare_multinomial [--n-alphas 100] [--solvers fastreg,glmnet,sklearn]
                                             [--reference FILE] [--multinomial grouped]
                                             [--unpenalized 3] [--repeat 3]

Data: the Debian package descriptions of the ten most common sections (tf-idf,
``_data.debian_sections_tfidf``), labelled by section. Path: ``--n-alphas``
alphas from the multinomial alpha_max down to 1e-2·alpha_max, with an
intercept. Protocol (as ``compare_peers.py``): every solver runs a ladder of
its own tolerances, loosest first, two per decade (``_protocol.LADDER``: 1e-3,
3e-4, 1e-4, ...); its time is that of the loosest one whose largest relative
suboptimality over the path, (P(B) − P*) / P_null, is at most
``--target`` (1e-6), best of ``--repeat`` runs (3). P* is fastreg's objective
at tol 1e-10 (every point certified by its duality gap); the objectives are
computed here, on one formula, for every solver.

python-glmnet needs numpy < 2: run the script from an environment that has it
(the other solvers are skipped when missing). glmnet's ``LogitNet`` is given
the same grid (``lambda_path``), ``standardize=False``, no internal CV. The
grid and P* are saved to ``--reference`` (default
``multinomial_reference.npz`` in the working directory) and read from it when
it exists, so a second run (e.g. glmnet's, from another environment) uses the
same ones without fastreg.

``--multinomial grouped``: the grouped multinomial (glmnet's
``type.multinomial="grouped"``), penalty α Σ_j ‖B_:,j‖₂, from its own alpha_max.
python-glmnet's ``LogitNet`` does not expose it; its Fortran ``lognet`` does
(``kopt=2``), and the script calls it through LogitNet with that one flag
changed. scikit-learn has no grouped multinomial (skipped). The reference
file defaults to ``multinomial_grouped_reference.npz`` then.

``--unpenalized N``: the N most frequent words (in most packages)
unpenalized (penalty factor 0; glmnet's ``penalty.factor``, python-glmnet's
``relative_penalties``, whose Fortran rescales the factors to sum to p: its
lambdas are given as alpha · (p − N) / p for the same problem). scikit-learn
has no penalty factors (skipped). The reference file's name then ends in
``_unpenalizedN``.
"""

import argparse
import time
import warnings

import os

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp

from ._data import debian_sections_tfidf
from ._protocol import LADDER

def _ladder(loosest, tightest):
    """The protocol's ladder (two tolerances per decade) from ``loosest`` to ``tightest``."""
    return [tol for tol in LADDER if tightest * (1 - 1e-9) <= tol <= loosest * (1 + 1e-9)]


LADDERS = {"fastreg": _ladder(1e-3, 1e-7), "glmnet": _ladder(1e-4, 1e-9),
           "sklearn": _ladder(1e-2, 1e-5)}


def _fastreg(X, y, alphas, tol, multinomial="ungrouped", pf=None):
    import fastreg

    path = fastreg.logistic_path(X, y, alphas=alphas, tol=tol, multinomial=multinomial,
                                 penalty_factor=pf)
    return [(path.coef_at(k), path.intercepts[:, k]) for k in range(len(alphas))]


def _glmnet(X, y, alphas, tol, multinomial="ungrouped", pf=None):
    import glmnet.logistic
    from glmnet import LogitNet

    fortran = glmnet.logistic.splognet if sp.issparse(X) else glmnet.logistic.lognet
    name = "splognet" if sp.issparse(X) else "lognet"
    if multinomial == "grouped":  # the Fortran's last argument is kopt; 2: grouped
        setattr(glmnet.logistic, name, lambda *args: fortran(*args[:-1], 2))
    lambdas = alphas if pf is None else alphas * pf.sum() / pf.size  # (see the docstring)
    try:
        model = LogitNet(alpha=1.0, lambda_path=lambdas, tol=tol, standardize=False, n_splits=0,
                         max_iter=1_000_000).fit(X, y, relative_penalties=pf)
    finally:
        setattr(glmnet.logistic, name, fortran)
    return [(model.coef_path_[:, :, k], model.intercept_path_[:, k]) for k in range(len(alphas))]


def _sklearn(X, y, alphas, tol, multinomial="ungrouped", pf=None):
    from sklearn.linear_model import LogisticRegression

    if multinomial == "grouped":
        raise ImportError("scikit-learn has no grouped multinomial")
    if pf is not None:
        raise ImportError("scikit-learn has no penalty factors")
    n = X.shape[0]
    clf = LogisticRegression(l1_ratio=1.0, solver="saga", tol=tol, max_iter=100_000,
                             warm_start=True)
    fits = []
    for alpha in alphas:
        clf.set_params(C=1.0 / (n * alpha)).fit(X, y)
        fits.append((clf.coef_.copy(), clf.intercept_.copy()))
    return fits


SOLVERS = {"fastreg": _fastreg, "glmnet": _glmnet, "sklearn": _sklearn}


def objectives(X, codes, fits, alphas, multinomial="ungrouped", pf=None):
    """The multinomial objective of each fit (user scale)."""
    X = sp.csr_matrix(X)
    n = X.shape[0]
    v = np.ones(X.shape[1]) if pf is None else pf
    out = []
    for (W, b), alpha in zip(fits, alphas):
        W = np.asarray(W, dtype=np.float64)
        eta = np.asarray(X @ W.T) + b
        loss = np.mean(logsumexp(eta, axis=1) - eta[np.arange(n), codes])
        penalty = (v @ np.sqrt(np.sum(W * W, axis=0)) if multinomial == "grouped"
                   else np.sum(v * np.abs(W)))
        out.append(loss + alpha * penalty)
    return np.array(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-alphas", type=int, default=100)
    parser.add_argument("--target", type=float, default=1e-6)
    parser.add_argument("--solvers", default="fastreg,glmnet,sklearn")
    parser.add_argument("--reference", default=None)
    parser.add_argument("--multinomial", default="ungrouped", choices=["ungrouped", "grouped"])
    parser.add_argument("--unpenalized", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs at the chosen tolerance (the best is reported)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    mode = args.multinomial
    suffix = f"_unpenalized{args.unpenalized}" if args.unpenalized else ""
    reference = args.reference or ("multinomial" + ("" if mode == "ungrouped" else "_grouped")
                                   + suffix + "_reference.npz")
    X, labels = debian_sections_tfidf()
    classes, codes = np.unique(labels, return_inverse=True)
    pf = None
    if args.unpenalized:  # the most frequent words
        pf = np.ones(X.shape[1])
        pf[np.argsort(-np.diff(sp.csc_matrix(X).indptr), kind="stable")[:args.unpenalized]] = 0
    if os.path.exists(reference):
        with np.load(reference) as saved:
            alphas, best = saved["alphas"], saved["best"]
    else:
        import fastreg

        alpha_max = fastreg.logistic_alpha_max(X, labels, multinomial=mode, penalty_factor=pf)
        alphas = alpha_max * np.geomspace(1.0, 1e-2, args.n_alphas)
        best = objectives(X, codes, _fastreg(X, labels, alphas, 1e-10, mode, pf), alphas, mode,
                          pf)
        np.savez(reference, alphas=alphas, best=best)
    freq = np.bincount(codes) / codes.size
    null = -np.sum(freq * np.log(freq))
    print(f"Debian sections: {X.shape[0]} packages x {X.shape[1]} words, {len(classes)} classes, "
          f"{len(alphas)} alphas, {mode} multinomial, {args.unpenalized} unpenalized words, "
          f"target subopt {args.target:g}")
    for name in args.solvers.split(","):
        y_solver = labels if name == "fastreg" else codes
        for tol in LADDERS[name]:
            try:
                seconds, fits = _timed(SOLVERS[name], X, y_solver, alphas, tol, mode, pf)
            except ImportError as err:
                print(f"  {name}: skipped ({err})")
                break
            subopt = float(np.max(objectives(X, codes, fits, alphas, mode, pf) - best) / null)
            print(f"  {name:8s} tol {tol:7.0e}: {seconds:8.2f} s   max rel subopt {subopt:.1e}",
                  flush=True)
            if subopt <= args.target:
                times = [seconds] + [_timed(SOLVERS[name], X, y_solver, alphas, tol, mode, pf)[0]
                                     for _ in range(args.repeat - 1)]
                print(f"  {name:8s} tol {tol:7.0e}: best of {len(times)} {min(times):8.2f} s",
                      flush=True)
                break


def _timed(solver, X, y, alphas, tol, mode, pf):
    """(seconds, fits) of one run."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = solver(X, y, alphas, tol, mode, pf)
    return time.perf_counter() - start, fits


if __name__ == "__main__":
    main()
