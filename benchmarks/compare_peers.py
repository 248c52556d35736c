"""Time the same Lasso path with fastreg and its peers, at equal accuracy.

Every solver fits the 100-alpha Lasso path (alphas geometric from
alpha_max = ‖Xᵀy‖∞/n down to 1e-2·alpha_max) on each dataset, without an
intercept, or with one (``--intercept``; then y is centered in alpha_max).
The objective is scikit-learn's, 1/(2n)‖y − β0 − Xβ‖² + α‖β‖₁, which is
also celer's and skglm's; glmnet's lambda (standardize off) and adelie's
lmda equal α. The intercept is unpenalized; scikit-learn's and celer's
path functions get it as their estimators do, from the column means.

Each solver is timed at the loosest of its own tolerances that reaches a
largest relative suboptimality of 1e-6 over the path, against a reference
certified by its duality gap (the protocol: ``benchmarks/_protocol.py``),
and compared with fastreg's time.

Usage::

    python benchmarks/compare_peers.py [--data {news20,debian,golub,all}] [--repeat N]
                                       [--solvers fastreg,sklearn,celer,...] [--intercept]
                                       [--out results.json]
    python benchmarks/compare_peers.py --model logistic [--data {news20,debian,all}] ...
    python benchmarks/compare_peers.py --model multitask [--data {news20,news20-1k,all}] ...
    python benchmarks/compare_peers.py --model group [--data {news20,cpusmall,all}] ...
    python benchmarks/compare_peers.py --model group --loss logistic [--data {news20,news20-1k,all}]
    python benchmarks/compare_peers.py --cv [--data ...] [--cv-tol sklearn=5e-7,glmnet=1e-9]

``--out FILE`` also writes the measurements of the path comparison as JSON
(see :func:`results_json`; ``docs/benchmarks.md`` shows the format), for
figures such as the documentation's. Solvers that are not installed are
skipped. Beside the equal-accuracy time,
fastreg is also timed at its default tol=1e-6 (column ``fastreg tol=1e-6``).

Every peer runs in this interpreter: python-glmnet needs NumPy 1.x, so the
environment that runs the comparison with glmnet has NumPy < 2 (fastreg
built against NumPy 2 runs on it). Run the other peers in another
environment with ``--solvers`` if needed: each row's reference and fastreg's
time are recomputed in every run.

The models and modes live in private modules: the Lasso's data and peers in
``_lasso_peers.py``; ``--model logistic`` (the L1 logistic path, its data,
peers and entropy-dual certificate) in ``_logistic_peers.py``;
``--model multitask`` and ``--model group`` (the multi-task Lasso and the
group lasso paths) in ``_block_peers.py``, ``--model group --loss logistic``
(the logistic group lasso) in ``_group_logistic_peers.py``; ``--cv`` (5-fold cross-validation
of the Lasso, or of the L1 logistic regression with ``--model logistic``,
same folds and grid for everyone, final refit included) in ``_cv_peers.py``.
"""

import argparse
import datetime
import importlib
import json
import platform
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._block_peers import (GROUP_DATA, GROUP_SOLVERS, MULTITASK_DATA,  # noqa: E402
                                     MULTITASK_SOLVERS, GroupTask, MultiTaskTask)
from benchmarks._cv_peers import cv_main  # noqa: E402
from benchmarks._group_logistic_peers import (GROUP_LOGISTIC_DATA,  # noqa: E402
                                              GROUP_LOGISTIC_SOLVERS, GroupLogisticTask)
from benchmarks._lasso_peers import DATA, SOLVERS  # noqa: E402
from benchmarks._logistic_peers import (LOGISTIC_DATA, LOGISTIC_SOLVERS,  # noqa: E402
                                        LogisticReference, LogisticTask)
from benchmarks._protocol import (DEFAULT_TOL, EPS, N_ALPHAS, TARGET, Reference,  # noqa: E402
                                  Task, available, describe, search)


MODELS = {
    "lasso": (DATA, SOLVERS, Task, Reference),
    "logistic": (LOGISTIC_DATA, LOGISTIC_SOLVERS, LogisticTask, LogisticReference),
    "multitask": (MULTITASK_DATA, MULTITASK_SOLVERS, MultiTaskTask, Reference),
    "group": (GROUP_DATA, GROUP_SOLVERS, GroupTask, Reference),
}
# --model group --loss logistic: the logistic group lasso (_group_logistic_peers.py)
GROUP_LOGISTIC = (GROUP_LOGISTIC_DATA, GROUP_LOGISTIC_SOLVERS, GroupLogisticTask,
                  LogisticReference)


# ------------------------------------------------------------------ report ---

def _cell(result, base):
    if result is None:
        return "not installed"
    if "note" in result:
        return result["note"]
    if result["seconds"] is None:
        return f"not reached (best {result['subopt']:.1e})"
    text = f"{result['seconds']:.3g} s"
    if base is not None and base["seconds"]:
        ratio = result["seconds"] / base["seconds"]
        text += f" ({ratio:.2g}×)" if ratio < 10 else f" ({ratio:.0f}×)"
    return text


def markdown_tables(rows, solvers):
    """The time table (ratio to fastreg in parentheses) and the tolerance table."""
    head = "| data | " + " | ".join(solvers) + " |"
    rule = "|---|" + "---|" * len(solvers)
    times, tols = [head, rule], [head, rule]
    for label, results in rows:
        base = results.get("fastreg")
        times.append(f"| {label} | " + " | ".join(_cell(results.get(s), base) for s in solvers)
                     + " |")
        tols.append(f"| {label} | " + " | ".join(
            "—" if results.get(s) is None or results[s].get("tol") is None
            else f"{results[s]['tol']:.0e} ({results[s]['subopt']:.1e})" for s in solvers)
            + " |")
    return "\n".join(times), "\n".join(tols)


# (not named time_*: asv, which imports every module here, would take it for a benchmark)
def default_tol_result(task, reference, repeat):
    """fastreg at its default tol (DEFAULT_TOL), as a result dict."""
    times, fit = [], None
    while len(times) < repeat or (sum(times) < 2.0 and len(times) < 20):
        seconds, fit = task.run("fastreg", DEFAULT_TOL)
        times.append(seconds)
    return dict(tol=DEFAULT_TOL, seconds=min(times), subopt=reference.suboptimality(fit))


def _version(module):
    try:
        return importlib.import_module(module).__version__
    except Exception:  # not installed, or no version attribute
        return None


def results_json(args, rows):
    """The measurements of a path comparison, as a JSON-ready dict.

    ``rows`` is the report's list of (label, results); every number is one
    measured in this run: for each dataset and solver the tolerance chosen,
    the best time at it, the largest relative suboptimality reached, and
    every (tol, seconds, subopt) tried on the ladder.
    """
    modules = dict(fastreg="fastreg", sklearn="sklearn", celer="celer", skglm="skglm",
                   glmnet="glmnet", adelie="adelie", numpy="numpy", scipy="scipy")
    datasets = []
    for label, results in rows:
        solvers = {}
        for name, result in results.items():
            if result is None or "note" in result:
                solvers[name] = None if result is None else dict(note=result["note"])
                continue
            solvers[name] = dict(
                tol=result["tol"], seconds=result["seconds"], subopt=result["subopt"],
                tried=[dict(tol=t, seconds=s, subopt=o) for t, s, o in result.get("tried", [])])
        datasets.append(dict(label=label, solvers=solvers))
    return dict(
        model=args.model, intercept=bool(args.intercept), n_alphas=N_ALPHAS, eps=EPS,
        target_subopt=TARGET, repeat=args.repeat,
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        machine=dict(platform=platform.platform(), processor=platform.machine(),
                     python=platform.python_version()),
        versions={key: _version(module) for key, module in modules.items()},
        datasets=datasets)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Lasso (or L1 logistic) path time of fastreg and its peers at max relative "
                    f"suboptimality ≤ {TARGET:g} at every alpha.")
    parser.add_argument("--model", choices=list(MODELS), default="lasso",
                        help="the path to fit: the Lasso (default), the L1 logistic regression, "
                             "the multi-task Lasso or the group lasso (see _block_peers.py)")
    parser.add_argument("--data", default="all",
                        choices=sorted({*DATA, *LOGISTIC_DATA, *MULTITASK_DATA, *GROUP_DATA,
                                        *GROUP_LOGISTIC_DATA, "all"}),
                        help="dataset (each model has its own; see the module docstrings)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs at the chosen tolerance, at least (runs are repeated "
                             "up to 2 s in all, 20 at most); the best is reported")
    parser.add_argument("--solvers",
                        help="comma-separated subset of " + ",".join(SOLVERS) + " (Lasso) or "
                             + ",".join(LOGISTIC_SOLVERS) + " (logistic); default: all")
    parser.add_argument("--max-seconds", type=float, default=120.0,
                        help="stop tightening a solver's tolerance once one run takes longer")
    parser.add_argument("--loss", choices=["squared", "logistic"], default="squared",
                        help="with --model group: the squared loss (default) or the logistic "
                             "group lasso (see _group_logistic_peers.py)")
    parser.add_argument("--intercept", action="store_true",
                        help="fit an (unpenalized) intercept along the path")
    parser.add_argument("--cv", action="store_true",
                        help="time 5-fold cross-validation (LassoCV, or LogisticRegressionCV "
                             "with --model logistic) instead of one path")
    parser.add_argument("--cv-tol", metavar="NAME=TOL,...",
                        help="with --cv: tolerances (e.g. sklearn=5e-7,glmnet=1e-9, or "
                             "sklearn-liblinear=1e-6 with --model logistic) "
                             "instead of searching them on the first fold")
    parser.add_argument("--out", metavar="FILE",
                        help="also write the path comparison's measurements to FILE as JSON")
    args = parser.parse_args(argv)
    if args.loss != "squared" and args.model != "group":
        parser.error("--loss logistic is for --model group (--model logistic is the L1 "
                     "logistic path)")
    if args.cv and args.model in ("multitask", "group"):
        parser.error(f"--cv times the Lasso or the L1 logistic cross-validation; it does not "
                     f"support --model {args.model}")
    chosen = GROUP_LOGISTIC if args.loss == "logistic" else MODELS[args.model]
    data, solver_table, task_class, reference_class = chosen
    solvers = [s.strip() for s in (args.solvers or ",".join(solver_table)).split(",")
               if s.strip()]
    unknown = set(solvers) - set(solver_table)
    if unknown:
        parser.error(f"unknown {args.model} solvers: {', '.join(sorted(unknown))}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.data != "all" and args.data not in data:
        parser.error(f"--data {args.data} is not a {args.model} dataset")
    if args.cv and args.out:
        parser.error("--out writes the path comparison only, not --cv")

    def log(message):
        print(message, file=sys.stderr, flush=True)

    if args.cv:
        args.solvers = solvers
        return cv_main(args, chosen, log)

    has_fastreg = available("fastreg")
    rows = []
    for key in (data if args.data == "all" else [args.data]):
        name, loader = data[key]
        task = task_class(*loader(args.intercept), args.intercept)
        label = f"{name} ({describe(task.X)})"
        if has_fastreg:
            import fastreg

            if args.model == "lasso":
                same = fastreg.alpha_grid(task.X, task.y, n_alphas=N_ALPHAS, eps=EPS,
                                          fit_intercept=args.intercept)[0]
            elif args.model == "logistic":
                same = fastreg.logistic_alpha_max(task.X, task.y, fit_intercept=args.intercept)
            else:
                same = task.fastreg_alpha_max()
            if not np.isclose(same, task.alphas[0], rtol=1e-10, atol=0):
                log("  warning: fastreg's alpha_max differs from this script's")
        ref_solver = "fastreg" if has_fastreg else next(
            s for s in solver_table if s != "fastreg" and available(s, solver_table)
            and task.supports(s))
        reference = reference_class(task, ref_solver)
        log(f"{label}: reference by {reference.solver} in {reference.seconds:.2f} s, "
            f"certified relative gap {reference.certified_gap:.1e}")
        # the subopt of every run is measured against P_ref, so P_ref must
        # be within a small fraction of the target of the true optimum
        if reference.certified_gap > TARGET / 10:
            log("  warning: the reference is not certified well below the target accuracy")
        results = {}
        for solver in solvers:
            if not available(solver, solver_table):
                log(f"    {solver:8s} not installed, skipped")
                results[solver] = None
                continue
            if not task.supports(solver):
                results[solver] = dict(note=getattr(task, "unsupported", "no intercept"))
                continue
            results[solver] = search(solver, task, reference, args.repeat, args.max_seconds,
                                     log)
        if has_fastreg and "fastreg" in solvers:
            results[f"fastreg tol={DEFAULT_TOL:g}"] = default_tol_result(task, reference, args.repeat)
        rows.append((label, results))

    columns = solvers + ([f"fastreg tol={DEFAULT_TOL:g}"] if has_fastreg and "fastreg" in solvers
                         else [])
    times, tols = markdown_tables(rows, columns)
    intercept = "with intercept" if args.intercept else "no intercept"
    depth = f"{EPS:g}" if args.model in ("lasso", "logistic") else "eps (see _block_peers.py)"
    print(f"{task_class.model} path, {len(task.alphas)} alphas down to {depth}·alpha_max, "
          f"{intercept}; "
          f"time at the loosest tolerance reaching max relative suboptimality ≤ {TARGET:g} "
          f"(best of at least {args.repeat} runs; ratio to fastreg in parentheses)\n")
    print(times)
    print("\nTolerance chosen on each solver's own scale (max relative suboptimality reached):\n")
    print(tols)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(results_json(args, rows), f, indent=1)
            f.write("\n")
        log(f"measurements written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
