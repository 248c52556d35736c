"""The cross-validation comparison of ``compare_peers.py`` (``--cv``).

``--cv`` times 5-fold cross-validation of the Lasso (see :func:`cv_main`):
the same 100-alpha grid (eps 1e-2, from the full data) and the same folds for
everyone (shuffled K-fold, seed 0), one thread, including the final refit on
all the data at the chosen alpha: fastreg's ``LassoCV``, scikit-learn's
``LassoCV`` (given the folds as ``cv``) and python-glmnet's
``ElasticNet(n_splits=5)`` (given the folds as ``groups``, which its
GroupKFold turns into exactly these folds; it fits the whole path on all the
data first, as cv.glmnet does). Each peer runs at the tolerance that reaches
relative suboptimality ≤ 1e-6 on the first fold's path (the ladder search of
the path mode; fastreg's too), or at the one given by ``--cv-tol``. The
report gives the times, how far each CV curve is from fastreg's, whether
alpha_min agrees, and fastreg at its default tol=1e-6, with ``n_jobs=2`` and
with ``patience=10``.

``--model logistic --cv`` does the same for L1 logistic regression
(:func:`cv_main` with the logistic runners): stratified folds (seed 0, the
folds fastreg's ``cv=5`` makes), the 100-alpha logistic grid, held-out
deviance; fastreg's ``LogisticRegressionCV`` (folds at the refit's tol;
also with its default ``cv_tol=1e-4`` for the folds, and with
``n_jobs=2``), python-glmnet's ``LogitNet(n_splits=5)`` (folds as
``groups``, ``scoring="log_loss"``), and scikit-learn's
``LogisticRegressionCV`` (liblinear or saga, ``Cs = 1/(n_train·α)``) on
every tenth alpha only, its time extrapolated to the grid (marked *).
"""

import time
import warnings

import numpy as np

from benchmarks._logistic_peers import logistic_alpha_grid
from benchmarks._protocol import (EPS, LADDER, N_ALPHAS, alpha_grid, available,
                                  describe, search)


# ---------------------------------------------------------------------- cv ---

N_FOLDS, CV_SEED, CV_PATIENCE = 5, 0, 10


def cv_folds(n_samples):
    """Shuffled K-fold (fastreg's ``cv=int`` folds with random_state=CV_SEED), as index pairs."""
    from fastreg._folds import kfold

    return kfold(n_samples, N_FOLDS, CV_SEED)


# Each CV runner takes (X, y, alphas, folds, tol, intercept) and returns a dict
# with the mean held-out mse per alpha ("mean"), "alpha_min" and the refitted "coef".

def _fastreg_cv(X, y, alphas, folds, tol, intercept, **options):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fastreg.LassoCV(alphas=alphas, cv=folds, tol=tol, selection="min",
                                fit_intercept=intercept, max_iter=1_000_000,
                                **{"n_jobs": 1, "cv_tol": None, **options}).fit(X, y)
    return dict(mean=model.cv_mean_, alpha_min=model.alpha_min_, coef=model.coef_)


def _sklearn_cv(X, y, alphas, folds, tol, intercept):
    from sklearn.linear_model import LassoCV

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LassoCV(alphas=alphas, cv=folds, tol=tol, fit_intercept=intercept,
                        max_iter=1_000_000, n_jobs=1).fit(X, y)
    return dict(mean=model.mse_path_.mean(axis=1), alpha_min=model.alpha_, coef=model.coef_)


def _glmnet_cv(X, y, alphas, folds, tol, intercept):
    from glmnet import ElasticNet

    groups = np.empty(X.shape[0], dtype=np.int64)
    for k, (_, test) in enumerate(folds):
        groups[test] = k
    model = ElasticNet(alpha=1.0, lambda_path=alphas, standardize=False,
                       fit_intercept=intercept, tol=tol, n_splits=len(folds),
                       scoring="mean_squared_error", n_jobs=1, max_iter=10_000_000)
    model.fit(X, y, groups=groups)
    # the coefficients at lambda_max_ (its alpha_min) come from the path on all the data
    return dict(mean=-model.cv_mean_score_, alpha_min=float(model.lambda_max_),
                coef=model.coef_path_[:, model.lambda_max_inx_])


CV_RUNNERS = {
    "fastreg": ("fastreg", _fastreg_cv),
    "fastreg tol=1e-6": ("fastreg", lambda X, y, a, f, tol, i: _fastreg_cv(X, y, a, f, 1e-6, i)),
    "fastreg n_jobs=2": ("fastreg", lambda *a: _fastreg_cv(*a, n_jobs=2)),
    f"fastreg patience={CV_PATIENCE}": ("fastreg",
                                        lambda *a: _fastreg_cv(*a, patience=CV_PATIENCE)),
    "sklearn": ("sklearn", _sklearn_cv),
    "glmnet": ("glmnet", _glmnet_cv),
}


# Logistic CV: the same folds for everyone, stratified (fastreg's cv=5 folds),
# passed to glmnet as GroupKFold groups so that it reproduces them; "mean" is
# the mean held-out deviance.

def _logistic_cv_folds(y):
    from fastreg._folds import stratified_kfold

    return stratified_kfold(y, N_FOLDS, CV_SEED)


def _fastreg_logit_cv(X, y, alphas, folds, tol, intercept, **options):
    import fastreg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fastreg.LogisticRegressionCV(alphas=alphas, cv=folds, tol=tol, selection="min",
                                             fit_intercept=intercept, max_iter=1_000_000,
                                             **{"n_jobs": 1, "cv_tol": None, **options}
                                             ).fit(X, y)
    return dict(mean=model.cv_mean_, alpha_min=model.alpha_min_, coef=model.coef_[0],
                alpha_1se=model.alpha_1se_)


def _glmnet_logit_cv(X, y, alphas, folds, tol, intercept):
    from glmnet import LogitNet

    groups = np.empty(X.shape[0], dtype=np.int64)
    for k, (_, test) in enumerate(folds):
        groups[test] = k
    model = LogitNet(alpha=1.0, lambda_path=alphas, standardize=False, fit_intercept=intercept,
                     tol=tol, n_splits=len(folds), scoring="log_loss", n_jobs=1,
                     max_iter=10_000_000)
    model.fit(X, y.astype(np.int64), groups=groups)
    # log_loss is the mean negative log-likelihood: the deviance is twice it
    return dict(mean=-2.0 * model.cv_mean_score_, alpha_min=float(model.lambda_max_),
                coef=model.coef_path_[0][:, model.lambda_max_inx_])


def _sklearn_logit_cv(solver, every=10):
    """scikit-learn's LogisticRegressionCV on every ``every``-th alpha (C = 1/(n_train·α))."""
    def run(X, y, alphas, folds, tol, intercept):
        from sklearn.linear_model import LogisticRegressionCV

        sub = np.full(len(alphas), np.nan)
        picked = np.arange(0, len(alphas), every)
        n_train = np.mean([len(train) for train, _ in folds])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = LogisticRegressionCV(Cs=1.0 / (n_train * alphas[picked]), cv=folds,
                                         l1_ratios=[1.0], penalty="elasticnet"
                                         if solver == "saga" else "l1", solver=solver,
                                         tol=tol, fit_intercept=intercept, scoring="neg_log_loss",
                                         max_iter=1_000_000, n_jobs=1).fit(X, y)
        scores = np.asarray(model.scores_[1]).reshape(len(folds), len(picked))
        sub[picked] = -2.0 * scores.mean(axis=0)
        best = float(np.ravel(model.C_)[0])
        return dict(mean=sub, alpha_min=1.0 / (n_train * best), coef=model.coef_[0],
                    n_solved=len(picked))
    return run


LOGISTIC_CV_RUNNERS = {
    "fastreg": ("fastreg", _fastreg_logit_cv),
    "fastreg tol=1e-6": ("fastreg", lambda X, y, a, f, tol, i: _fastreg_logit_cv(X, y, a, f,
                                                                                  1e-6, i)),
    "fastreg cv_tol=1e-4": ("fastreg", lambda X, y, a, f, tol, i: _fastreg_logit_cv(
        X, y, a, f, 1e-6, i, cv_tol=1e-4)),
    "fastreg n_jobs=2": ("fastreg", lambda *a: _fastreg_logit_cv(*a, n_jobs=2)),
    "glmnet": ("glmnet", _glmnet_logit_cv),
    "sklearn-liblinear": ("sklearn-liblinear", _sklearn_logit_cv("liblinear")),
    "sklearn-saga": ("sklearn-saga", _sklearn_logit_cv("saga")),
}


def _parse_tols(text):
    tols = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _, value = item.partition("=")
        tols[name.strip()] = float(value)
    return tols


def cv_main(args, model, log):
    """Time 5-fold CV (with the final refit) of fastreg and its peers; print a table.

    ``model`` is the (data, solvers, task class, reference class) of
    ``args.model`` (``compare_peers.MODELS``).
    """
    given = _parse_tols(args.cv_tol)
    logistic = args.model == "logistic"
    runners = LOGISTIC_CV_RUNNERS if logistic else CV_RUNNERS
    data, solver_table, task_class, reference_class = model
    names = [name for name in runners
             if runners[name][0] == "fastreg" or runners[name][0] in args.solvers]
    packages = list(dict.fromkeys(runners[name][0] for name in names))
    rows = []
    for key in (data if args.data == "all" else [args.data]):
        label, loader = data[key]
        X, y = loader(args.intercept)
        folds = _logistic_cv_folds(y) if logistic else cv_folds(X.shape[0])
        alphas = (logistic_alpha_grid if logistic else alpha_grid)(X, y, args.intercept)
        # each package's tolerance: the loosest reaching TARGET on the first fold's path
        tols = {}
        train = folds[0][0]
        fold_task = None
        for package in packages:
            if package not in args.solvers or not available(package, solver_table):
                continue
            if package in given:
                tols[package] = given[package]
                continue
            if fold_task is None:
                fold_task = task_class(X[train], y[train], args.intercept)
                fold_task.alphas = alphas  # the full-data grid, as in the CV
                reference = reference_class(fold_task, "fastreg")
                log(f"{label}: tolerance search on fold 0 (reference gap "
                    f"{reference.certified_gap:.1e})")
            found = search(package, fold_task, reference, 1, args.max_seconds, log)
            tols[package] = found["tol"] if found["tol"] is not None else LADDER[-1]
        results = {}
        for name in names:
            package, runner = runners[name]
            if not available(package, solver_table) or package not in tols:
                log(f"    {name:20s} not installed, skipped")
                continue
            tol = tols[package]
            times, cpu = [], []
            for _ in range(args.repeat if package == "fastreg" else 1):
                start, start_cpu = time.perf_counter(), time.process_time()
                out = runner(X, y, alphas, folds, tol, args.intercept)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            # CPU time of this process (all its threads): on a shared machine the
            # better measure of one-thread runs; wall time shows what threads gain
            out["cpu"] = min(cpu)
            fixed = {"fastreg tol=1e-6": 1e-6, "fastreg cv_tol=1e-4": 1e-6}
            out.update(seconds=min(times), tol=fixed.get(name, tol))
            if "n_solved" in out:  # a shorter grid: per-alpha time extrapolated to the grid
                out["measured"] = out["seconds"]
                out["seconds"] *= len(alphas) / out["n_solved"]
                out["cpu"] *= len(alphas) / out["n_solved"]
            results[name] = out
            log(f"    {name:20s} tol {out['tol']:.0e}: {out['seconds']:8.2f} s (cpu "
                f"{out['cpu']:.2f} s), alpha_min "
                f"{out['alpha_min']:.4e}" + (f", alpha_1se {out['alpha_1se']:.4e}"
                                             if "alpha_1se" in out else ""))
        rows.append((f"{label} ({describe(X)})", results))

    what = "L1 logistic (stratified folds, held-out deviance)" if logistic else "Lasso"
    print(f"{what} {N_FOLDS}-fold CV, {N_ALPHAS} alphas down to {EPS:g}·alpha_max, same folds "
          f"and grid for all, n_jobs=1 unless said, final refit included, "
          f"{'with' if args.intercept else 'no'} intercept. Ratio to fastreg in parentheses; "
          "curve: largest relative difference of the mean CV error from fastreg's. A time "
          "marked * ran every tenth alpha only and is extrapolated to the grid.\n")
    print("| data | solver | tol | time | CPU time | curve vs fastreg | same alpha_min | "
          "same alpha_1se |")
    print("|---|---|---|---|---|---|---|---|")
    for label, results in rows:
        base = results.get("fastreg")
        for name, out in results.items():
            ratio = f" ({out['seconds'] / base['seconds']:.2g}×)" if base else ""
            cpu_ratio = f" ({out['cpu'] / base['cpu']:.2g}×)" if base else ""
            if base is not None:
                both = np.isfinite(out["mean"]) & np.isfinite(base["mean"])
                diff = np.max(np.abs(out["mean"][both] - base["mean"][both]) /
                              base["mean"][both])
                same = "yes" if np.isclose(out["alpha_min"], base["alpha_min"], rtol=1e-9) \
                    else "no"
            else:
                diff, same = np.nan, "—"
            same_1se = ("—" if base is None or "alpha_1se" not in out
                        else "yes" if out["alpha_1se"] == base["alpha_1se"] else "no")
            star = "*" if "measured" in out else ""
            print(f"| {label} | {name} | {out['tol']:.0e} | {out['seconds']:.3g} s{star}{ratio} | "
                  f"{out['cpu']:.3g} s{star}{cpu_ratio} | "
                  f"{diff:.1e} | {same} | {same_1se} |")
    return 0
