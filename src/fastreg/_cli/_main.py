"""The command-line main job: fit a Lasso/ElasticNet path and report on it.

``python -m fastreg`` fits the embedded Debian package dataset (tf-idf of the
package descriptions → log installed size); ``python -m fastreg FILE`` fits a
user's svmlight/libsvm or ``.npz`` file the same way. Each run chooses alpha
by K-fold cross-validation (:class:`fastreg.LassoCV`, glmnet's 1se rule by
default), fits the path on all rows with a progress bar on stderr, and
prints a short report on stdout: the CV curve's summary and the strongest
features at the chosen alpha.

``--task classify`` fits an L1 (elastic-net) logistic regression path
instead, on a two-class target: by default whether a Debian package is a
library (section "libs" or "libdevel"). Its alpha is chosen by
:class:`fastreg.LogisticRegressionCV` (stratified folds, the full-data grid,
held-out binomial deviance, the same 1se rule), and the report gives the
held-out accuracy and deviance ratio and the words that push toward each
class.
"""

import argparse
import sys
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._scoring import deviance

__all__ = ["main", "build_parser"]

_DESCRIPTION = """\
Fit a Lasso (or ElasticNet) path with fastreg and report on it.

Without FILE, the job uses the Debian package descriptions shipped with
fastreg: tf-idf features of each package's one-line description predict the
logarithm of its installed size. With FILE, it fits that file instead:
svmlight/libsvm text (optionally .gz/.bz2), or a .npz archive holding arrays
X and y (or a sparse matrix written by scipy.sparse.save_npz, with y in the
archive or given by --y). alpha is chosen by K-fold cross-validation
(shuffled with a fixed seed) with the one-standard-error rule: the largest
alpha whose mean held-out error is within one standard error of the
smallest. The path is then fitted on all rows, and the chosen alpha is
reported with its largest positive and negative coefficients.
"""

_EPILOG = """\
The objective is 1/(2n) ||y - b0 - X b||^2 + alpha (l1_ratio ||b||_1 +
(1 - l1_ratio)/2 ||b||^2), on the same alpha scale as scikit-learn's Lasso.
Columns of files without feature names are shown as x0, x1, ... (0-based).

--task classify minimizes 1/n sum[log(1 + exp(eta)) - y eta] + the same
penalty (eta = b0 + X b, y coded 0/1: the second sorted label is 1), and
chooses alpha by the held-out binomial deviance. On the Debian data the
target is whether the package is in a library section (libs, libdevel);
a FILE must then have exactly two target values.
"""

LIBRARY_SECTIONS = ("libs", "libdevel")


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def build_parser():
    """The argument parser of ``python -m fastreg``."""
    parser = argparse.ArgumentParser(
        prog="python -m fastreg", description=_DESCRIPTION, epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="svmlight/libsvm or .npz data file (default: the embedded "
                             "Debian package dataset)")
    parser.add_argument("--task", choices=("regress", "classify"), default="regress",
                        help="'regress' (default): Lasso/ElasticNet on the target; 'classify': "
                             "L1 logistic regression on a two-class target (Debian: is the "
                             "package a library)")
    parser.add_argument("--y", metavar="TARGET",
                        help="target as a .npy file (or .npz with an array y), for a FILE "
                             "that holds only X")
    parser.add_argument("--l1-ratio", type=float, default=1.0, metavar="R",
                        help="ElasticNet mixing in [0, 1]; 1 is the Lasso (default: 1)")
    parser.add_argument("--n-alphas", type=_positive_int, default=100, metavar="K",
                        help="number of alphas on the automatic grid (default: 100)")
    parser.add_argument("--eps", type=float, default=None, metavar="E",
                        help="smallest alpha as a fraction of alpha_max (default: 1e-3 "
                             "when there are more train rows than features, else 1e-2)")
    parser.add_argument("--tol", type=float, default=1e-6, metavar="T",
                        help="relative duality-gap tolerance: each solve stops when its "
                             "gap is at most T times the null objective (default: 1e-6)")
    parser.add_argument("--no-intercept", dest="fit_intercept", action="store_false",
                        help="do not fit an intercept")
    parser.add_argument("--standardize", action="store_true",
                        help="penalize the coefficients of unit-sd columns (glmnet's "
                             "default); coefficients are reported on the original scale")
    parser.add_argument("--folds", type=_positive_int, default=5, metavar="K",
                        help="number of cross-validation folds, at least 2 (default: 5)")
    parser.add_argument("--rule", choices=("1se", "min"), default="1se",
                        help="alpha of the smallest mean CV error ('min') or the largest "
                             "within one standard error of it ('1se', the default)")
    parser.add_argument("--jobs", type=_positive_int, default=1, metavar="N",
                        help="folds fitted in parallel threads (default: 1)")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="seed of the fold shuffle (default: 0)")
    parser.add_argument("--top", type=_positive_int, default=10, metavar="K",
                        help="number of strongest positive and negative features to "
                             "list (default: 10)")
    parser.add_argument("--min-df", type=_positive_int, default=5, metavar="N",
                        help="Debian dataset only: keep words found in at least N "
                             "descriptions (default: 5)")
    parser.add_argument("--plot", metavar="PNG",
                        help="save the coefficient paths and the CV curve to this image "
                             "(needs matplotlib)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


@dataclass
class Problem:
    """Data ready to fit, with what the report says about it."""

    X: object
    y: np.ndarray
    feature_names: np.ndarray
    title: str
    details: str
    prep_seconds: float
    classes: tuple = ()  # classify: the (negative, positive) class names


def _debian_problem(args):
    from ._datasets import load_debian_packages
    from ._text import ENGLISH_STOP_WORDS, WORD_PATTERN, TfidfVectorizer

    start = time.perf_counter()
    data = load_debian_packages()
    docs = np.array(data.description, dtype=object)
    if args.task == "classify":
        y = np.isin(np.array(data.section), LIBRARY_SECTIONS).astype(np.float64)
        title = ("Debian package descriptions -> library section "
                 f"({' or '.join(LIBRARY_SECTIONS)}) or not")
    else:
        y = np.log(data.installed_size_kib.astype(np.float64))
        title = "Debian package descriptions -> log(installed size in KiB)"
    # The vocabulary and idf use all descriptions (no target): the folds share them.
    vectorizer = TfidfVectorizer(token_pattern=WORD_PATTERN, stop_words=ENGLISH_STOP_WORDS,
                                 min_df=args.min_df, sublinear_tf=True, norm="l2")
    X = vectorizer.fit_transform(docs)
    details = (f"{len(data)} packages, tf-idf of {X.shape[1]} description words "
               f"(min_df {args.min_df}, sublinear tf, l2 rows)")
    classes = ("other", "library") if args.task == "classify" else ()
    return Problem(X, y, vectorizer.feature_names_, title, details,
                   time.perf_counter() - start, classes)


def _file_problem(args):
    from ._datasets import load_file

    start = time.perf_counter()
    X, y, names = load_file(args.file, y=args.y)
    y = np.asarray(y, dtype=np.float64)
    if args.task == "classify":
        labels = np.unique(y)
        if len(labels) != 2:
            raise ValueError(f"--task classify needs exactly two target values, got "
                             f"{len(labels)}.")
        y = (y == labels[1]).astype(np.float64)
        classes = tuple(f"{label:g}" for label in labels)
    else:
        classes = ()
    if names is None or len(names) != X.shape[1]:
        names = np.array([f"x{j}" for j in range(X.shape[1])])
    kind = f"sparse, {X.nnz} nonzeros" if sp.issparse(X) else "dense"
    details = f"{X.shape[0]} rows x {X.shape[1]} columns ({kind})"
    return Problem(X, y, names, str(args.file), details, time.perf_counter() - start,
                   classes)


def _check_target(problem, args):
    """Refuse a target with nothing to fit (a constant y has no alpha_max and no R²)."""
    y = problem.y
    if not np.all(np.isfinite(y)):
        bad = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(f"the target has a non-finite value ({y[bad]}) at row {bad}.")
    if args.task == "regress" and y.size and np.all(y == y[0]):
        raise ValueError(f"the target is constant (every value is {y[0]:g}): there is "
                         "nothing to fit.")


class ProgressBar:
    """One status line on a text stream, redrawn after every alpha of a path.

    Called as ``bar(index, alpha, dual_gap, n_nonzero)``, the signature of the
    path solver's ``verbose`` callback.
    """

    def __init__(self, total, stream, width=30):
        self.total = total
        self.stream = stream
        self.width = width
        self.start = time.perf_counter()

    def __call__(self, index, alpha, dual_gap, n_nonzero):
        done = min(index + 1, self.total)
        filled = int(self.width * done / self.total)
        self.stream.write(
            f"\rpath [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done:>{len(str(self.total))}}/{self.total}  alpha {alpha:.3e}  "
            f"nonzeros {n_nonzero}  gap {dual_gap:.1e}  {time.perf_counter() - self.start:.1f} s"
        )
        self.stream.flush()

    def close(self):
        self.stream.write("\n")
        self.stream.flush()


def r2_scores(y, predictions):
    """R² of each column of ``predictions`` (NaN when y is constant)."""
    residual = ((y[:, None] - predictions) ** 2).sum(axis=0)
    total = ((y - y.mean()) ** 2).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 - residual / total


def _run_cv(model, problem, args, stderr):
    """Fit the CV estimator ``model`` (built with ``cv=args.folds``); (model, seconds)."""
    n = problem.X.shape[0]
    if args.folds < 2:
        raise ValueError(f"--folds must be at least 2, got {args.folds}.")
    if args.folds > n:
        raise ValueError(f"--folds {args.folds} is more than the {n} rows.")
    if not args.quiet:
        stderr.write(f"cv   {args.folds} folds x {args.n_alphas} alphas "
                     f"({args.jobs} job{'s' if args.jobs > 1 else ''}) ...")
        stderr.flush()
    start = time.perf_counter()
    model.fit(problem.X, problem.y)
    seconds = time.perf_counter() - start
    if not args.quiet:
        stderr.write(f" {seconds:.1f} s\n")
        stderr.flush()
    return model, seconds


def _cv_options(args):
    """The CV estimators' options the command line sets (not refitted: the path follows)."""
    return dict(n_alphas=args.n_alphas, eps=args.eps, tol=args.tol,
                fit_intercept=args.fit_intercept, cv=args.folds, selection=args.rule,
                random_state=args.seed, n_jobs=args.jobs, refit=False,
                standardize=args.standardize)


def _cross_validate(problem, args, stderr):
    """LassoCV (or ElasticNetCV) on the problem; (model, seconds)."""
    import fastreg

    if args.l1_ratio == 1.0:
        model = fastreg.LassoCV(**_cv_options(args))
    else:
        model = fastreg.ElasticNetCV(l1_ratio=args.l1_ratio, **_cv_options(args))
    return _run_cv(model, problem, args, stderr)


def _fit_path(problem, args, alphas, stderr, path_function=None):
    """The path (``enet_path`` or ``logistic_path``) on all rows over the CV grid, with
    the progress bar; (path, seconds)."""
    import fastreg

    path_function = fastreg.enet_path if path_function is None else path_function
    bar = None if args.quiet else ProgressBar(len(alphas), stderr)
    start = time.perf_counter()
    try:
        path = path_function(problem.X, problem.y, alphas=alphas, l1_ratio=args.l1_ratio,
                             tol=args.tol, fit_intercept=args.fit_intercept,
                             standardize=args.standardize,
                             verbose=bar if bar is not None else False)
    finally:
        if bar is not None:
            bar.close()
    return path, time.perf_counter() - start


def _top_features(coef, names, k):
    """(positive, negative): up to k (name, value) pairs, strongest first."""
    order = np.argsort(coef)
    positive = [(names[j], coef[j]) for j in order[::-1][:k] if coef[j] > 0]
    negative = [(names[j], coef[j]) for j in order[:k] if coef[j] < 0]
    return positive, negative


def _feature_table(positive, negative):
    rows = max(len(positive), len(negative))
    if rows == 0:
        return ["  (all coefficients are zero at the chosen alpha)"]
    width = max([len(str(n)) for n, _ in positive] + [8])
    lines = [f"  {'positive':<{width}} {'coef':>9}     {'negative':<{width}} {'coef':>9}"]
    for r in range(rows):
        left = (f"{positive[r][0]:<{width}} {positive[r][1]:>+9.4f}" if r < len(positive)
                else " " * (width + 10))
        right = f"{negative[r][0]:<{width}} {negative[r][1]:>+9.4f}" if r < len(negative) else ""
        lines.append(f"  {left}     {right}".rstrip())
    return lines


def cv_summary(model, path, rows=8, score="CV mse"):
    """Lines of the CV curve's summary: about ``rows`` alphas, with alpha_min and alpha_1se.

    A model with a ``cv_accuracy_`` curve (the classify task) gets a column of it.
    """
    alphas, mean, std = model.alphas_, model.cv_mean_, model.cv_std_
    accuracy = getattr(model, "cv_accuracy_", None)
    picks = set(np.linspace(0, len(alphas) - 1, rows).round().astype(int).tolist())
    picks |= {model.index_min_, model.index_1se_}
    nnz = path.n_nonzero
    lines = [f"  {'#':>4} {'alpha':>10} {'nonzeros':>8} {score:>10} {'± se':>9}"
             + (f" {'accuracy':>9}" if accuracy is not None else "")]
    for i in sorted(picks):
        mark = ("  <- min" if i == model.index_min_ else "") + \
               ("  <- 1se" if i == model.index_1se_ else "")
        extra = f" {accuracy[i]:>9.4f}" if accuracy is not None else ""
        lines.append(f"  {i + 1:>4} {alphas[i]:>10.3e} {nnz[i]:>8d} {mean[i]:>10.5f} "
                     f"{std[i]:>9.5f}{extra}{mark}")
    return lines


def report(problem, model, path, seconds, args):
    """The text report of the CV and the path on all rows, as a list of lines.

    ``seconds`` is (cross-validation, path) time.
    """
    import fastreg

    best = model.index_1se_ if args.rule == "1se" else model.index_min_
    coef = path.coef_at(best)
    model_name = "Lasso" if args.l1_ratio == 1.0 else f"ElasticNet (l1_ratio {args.l1_ratio:g})"
    positive, negative = _top_features(coef, problem.feature_names, args.top)
    n_alphas = len(path.alphas)
    epochs = int(np.asarray(path.n_iters).sum())
    variance = float(np.var(problem.y))
    cv_r2 = 1.0 - model.cv_mean_[best] / variance if variance > 0 else float("nan")
    rule = "1se rule" if args.rule == "1se" else "min rule"
    lines = [
        f"fastreg {fastreg.__version__}: {model_name} path, {problem.title}",
        f"data    {problem.details}",
        f"cv      {len(model.folds_)}-fold (seed {args.seed}): min CV mse "
        f"{model.cv_mean_[model.index_min_]:.5f} ± {model.cv_std_[model.index_min_]:.5f} at "
        f"alpha_min {model.alpha_min_:.3e} (#{model.index_min_ + 1}); alpha_1se "
        f"{model.alpha_1se_:.3e} (#{model.index_1se_ + 1})",
        *cv_summary(model, path),
        f"path    {n_alphas} alphas from {path.alphas[0]:.3e} to {path.alphas[-1]:.3e} on all "
        f"rows, {epochs} epochs, largest gap {np.max(path.dual_gaps):.1e} (tol {args.tol:g})",
        f"time    {seconds[0]:.2f} s for the cross-validation, {seconds[1]:.2f} s for the "
        f"path, {problem.prep_seconds:.2f} s to load and prepare the data",
        f"chosen  alpha {path.alphas[best]:.3e} (#{best + 1} of {n_alphas}, {rule}), CV R² "
        f"{cv_r2:.4f}, {np.count_nonzero(coef)} nonzero coefficients, "
        f"intercept {float(path.intercepts[best]):.4f}",
        "strongest features at the chosen alpha:",
        *_feature_table(positive, negative),
    ]
    return lines, best


# ---------------------------------------------------------- classification ---

def null_deviance(y, folds, fit_intercept):
    """Mean held-out deviance of the intercept-only model fitted on each training part.

    The folds are weighted by their held-out rows, as the CV curve.
    """
    total = 0.0
    for train, test in folds:
        rate = np.clip(y[train].mean(), 1e-12, 1 - 1e-12) if fit_intercept else 0.5
        total += len(test) * deviance(y[test], np.zeros(len(test)),
                                      np.log(rate / (1 - rate)), None)
    return total / len(y)


def cross_validate_logistic(problem, args, stderr):
    """:class:`fastreg.LogisticRegressionCV` (not refitted) on the problem; (model, seconds).

    Held-out binomial deviance over the full-data grid, stratified folds, the
    1se or min rule; the model's ``cv_accuracy_`` gives the held-out accuracy.
    ``null_deviance_`` is added: the held-out deviance of the intercept-only
    model (:func:`null_deviance`), for the deviance ratio.
    """
    import fastreg

    model = fastreg.LogisticRegressionCV(l1_ratio=args.l1_ratio, scoring="deviance",
                                         **_cv_options(args))
    model, seconds = _run_cv(model, problem, args, stderr)
    model.null_deviance_ = null_deviance(problem.y, model.folds_, args.fit_intercept)
    return model, seconds


def classify_report(problem, model, path, seconds, args):
    """The text report of the classify task, as a list of lines (as :func:`report`)."""
    import fastreg

    best = model.index_1se_ if args.rule == "1se" else model.index_min_
    coef = path.coef_at(best)
    penalty = "L1" if args.l1_ratio == 1.0 else f"elastic-net (l1_ratio {args.l1_ratio:g})"
    positive, negative = _top_features(coef, problem.feature_names, args.top)
    n_alphas = len(path.alphas)
    rate = float(problem.y.mean())
    dev_ratio = 1.0 - model.cv_mean_[best] / model.null_deviance_
    rule = "1se rule" if args.rule == "1se" else "min rule"
    lines = [
        f"fastreg {fastreg.__version__}: {penalty} logistic regression path, {problem.title}",
        f"data    {problem.details}",
        f"classes {problem.classes[1]!r} (y = 1, {rate:.1%} of the rows; positive coefficients "
        f"push toward it) vs {problem.classes[0]!r} (y = 0)",
        f"cv      {len(model.folds_)}-fold (seed {args.seed}): min CV deviance "
        f"{model.cv_mean_[model.index_min_]:.5f} ± {model.cv_std_[model.index_min_]:.5f} at "
        f"alpha_min {model.alpha_min_:.3e} (#{model.index_min_ + 1}); alpha_1se "
        f"{model.alpha_1se_:.3e} (#{model.index_1se_ + 1})",
        *cv_summary(model, path, score="CV dev"),
        f"path    {n_alphas} alphas from {path.alphas[0]:.3e} to {path.alphas[-1]:.3e} on all "
        f"rows, {int(np.asarray(path.n_iters).sum())} epochs, largest gap "
        f"{np.max(path.dual_gaps):.1e} (tol {args.tol:g})",
        f"time    {seconds[0]:.2f} s for the cross-validation, {seconds[1]:.2f} s for the "
        f"path, {problem.prep_seconds:.2f} s to load and prepare the data",
        f"chosen  alpha {path.alphas[best]:.3e} (#{best + 1} of {n_alphas}, {rule}), held-out "
        f"accuracy {model.cv_accuracy_[best]:.4f} (majority class {max(rate, 1 - rate):.4f}), "
        f"held-out deviance ratio {dev_ratio:.4f}, {np.count_nonzero(coef)} nonzero "
        f"coefficients, intercept {float(path.intercepts[best]):.4f}",
        "strongest features at the chosen alpha:",
        *_feature_table(positive, negative),
    ]
    return lines, best


def _save_plot(path, model, problem, best, filename):
    try:
        import matplotlib
    except ImportError:
        raise RuntimeError("--plot needs matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 8), sharex=True)
    path.plot(ax=top, feature_names=problem.feature_names)
    top.axvline(np.log10(path.alphas[best]), color="k", linestyle=":", linewidth=1)
    top.set_title(f"{problem.title}: coefficient paths (dotted: chosen alpha)", fontsize=9)
    top.set_xlabel("")
    model.plot(ax=bottom)
    if not bottom.xaxis_inverted():
        bottom.invert_xaxis()
    bottom.set_title(f"{len(model.folds_)}-fold cross-validation: mean ± one standard error",
                     fontsize=9)
    fig.tight_layout()
    fig.savefig(filename, dpi=120)
    plt.close(fig)


def main(argv=None, *, stdout=None, stderr=None):
    """Run the main job; returns the process exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).
    stdout, stderr : text streams, optional
        Where the report and the progress bar go (default: the process's).
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    args = build_parser().parse_args(argv)
    try:
        problem = _file_problem(args) if args.file else _debian_problem(args)
        _check_target(problem, args)
        if args.task == "classify":
            model, cv_seconds = cross_validate_logistic(problem, args, stderr)
            from .. import logistic_path

            path, path_seconds = _fit_path(problem, args, model.alphas_, stderr,
                                           logistic_path)
            lines, best = classify_report(problem, model, path, (cv_seconds, path_seconds),
                                          args)
        else:
            model, cv_seconds = _cross_validate(problem, args, stderr)
            path, path_seconds = _fit_path(problem, args, model.alphas_, stderr)
            lines, best = report(problem, model, path, (cv_seconds, path_seconds), args)
        if args.plot:
            _save_plot(path, model, problem, best, args.plot)
            lines.append(f"plot    coefficient paths and CV curve saved to {args.plot}")
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        stderr.write(f"python -m fastreg: error: {exc}\n")
        return 1
    except MemoryError:
        stderr.write("python -m fastreg: error: not enough memory for this data.\n")
        return 1
    stdout.write("\n".join(lines) + "\n")
    return 0
