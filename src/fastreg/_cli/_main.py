"""The command-line main job: fit a Lasso/ElasticNet path and report on it.

``python -m fastreg`` fits the embedded Debian package dataset (tf-idf of the
package descriptions → log installed size); ``python -m fastreg FILE`` fits a
user's svmlight/libsvm or ``.npz`` file the same way. Each run splits the
rows into train and test with a fixed seed, fits the path on the train part
with a progress bar on stderr, picks the alpha with the best held-out R², and
prints a short report on stdout.
"""

import argparse
import sys
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["main", "build_parser"]

_DESCRIPTION = """\
Fit a Lasso (or ElasticNet) path with fastreg and report on it.

Without FILE, the job uses the Debian package descriptions shipped with
fastreg: tf-idf features of each package's one-line description predict the
logarithm of its installed size. With FILE, it fits that file instead:
svmlight/libsvm text (optionally .gz/.bz2), or a .npz archive holding arrays
X and y (or a sparse matrix written by scipy.sparse.save_npz, with y in the
archive or given by --y). Rows are split into train and test at random with
a fixed seed; the path is fitted on the train rows, and the alpha with the
best held-out R² is reported with its largest positive and negative
coefficients.
"""

_EPILOG = """\
The objective is 1/(2n) ||y - b0 - X b||^2 + alpha (l1_ratio ||b||_1 +
(1 - l1_ratio)/2 ||b||^2), on the same alpha scale as scikit-learn's Lasso.
Columns of files without feature names are shown as x0, x1, ... (0-based).
"""


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
    parser.add_argument("--test-size", type=float, default=0.2, metavar="F",
                        help="fraction of rows held out for choosing alpha (default: 0.2)")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="seed of the train/test split (default: 0)")
    parser.add_argument("--top", type=_positive_int, default=10, metavar="K",
                        help="number of strongest positive and negative features to "
                             "list (default: 10)")
    parser.add_argument("--min-df", type=_positive_int, default=5, metavar="N",
                        help="Debian dataset only: keep words found in at least N train "
                             "descriptions (default: 5)")
    parser.add_argument("--plot", metavar="PNG",
                        help="save the coefficient paths to this image (needs matplotlib)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


@dataclass
class Problem:
    """A train/test split ready to fit, with what the report says about it."""

    X_train: object
    y_train: np.ndarray
    X_test: object
    y_test: np.ndarray
    feature_names: np.ndarray
    title: str
    details: str
    prep_seconds: float


def _split(n_samples, test_size, seed):
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"--test-size must be in (0, 1), got {test_size}.")
    n_test = int(round(test_size * n_samples))
    if n_test < 2 or n_samples - n_test < 2:
        raise ValueError(f"cannot split {n_samples} rows with --test-size {test_size}: "
                         "train and test need at least 2 rows each.")
    order = np.random.default_rng(seed).permutation(n_samples)
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def _debian_problem(args):
    from ._datasets import load_debian_packages
    from ._text import ENGLISH_STOP_WORDS, WORD_PATTERN, TfidfVectorizer

    start = time.perf_counter()
    data = load_debian_packages()
    train, test = _split(len(data), args.test_size, args.seed)
    docs = np.array(data.description, dtype=object)
    y = np.log(data.installed_size_kib.astype(np.float64))
    # Vocabulary and idf come from the train rows only, so the test rows are unseen text.
    vectorizer = TfidfVectorizer(token_pattern=WORD_PATTERN, stop_words=ENGLISH_STOP_WORDS,
                                 min_df=args.min_df, sublinear_tf=True, norm="l2")
    X_train = vectorizer.fit_transform(docs[train])
    X_test = vectorizer.transform(docs[test])
    details = (f"{len(data)} packages, tf-idf of {X_train.shape[1]} description words "
               f"(min_df {args.min_df}, sublinear tf, l2 rows); "
               f"train {len(train)} / test {len(test)} (seed {args.seed})")
    return Problem(X_train, y[train], X_test, y[test], vectorizer.feature_names_,
                   "Debian package descriptions -> log(installed size in KiB)", details,
                   time.perf_counter() - start)


def _file_problem(args):
    from ._datasets import load_file

    start = time.perf_counter()
    X, y, names = load_file(args.file, y=args.y)
    y = np.asarray(y, dtype=np.float64)
    train, test = _split(X.shape[0], args.test_size, args.seed)
    if sp.issparse(X):
        X = sp.csr_matrix(X)  # row slicing; the solver converts the train part to CSC once
    if names is None or len(names) != X.shape[1]:
        names = np.array([f"x{j}" for j in range(X.shape[1])])
    kind = f"sparse, {X.nnz} nonzeros" if sp.issparse(X) else "dense"
    details = (f"{X.shape[0]} rows x {X.shape[1]} columns ({kind}); "
               f"train {len(train)} / test {len(test)} (seed {args.seed})")
    return Problem(X[train], y[train], X[test], y[test], names, str(args.file), details,
                   time.perf_counter() - start)


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


def _predict(X, path):
    """Predictions for every alpha of the path: shape (n_samples, n_alphas)."""
    scores = path.coefs.T @ X.T
    scores = scores.toarray() if sp.issparse(scores) else np.asarray(scores)
    return scores.T + np.asarray(path.intercepts)


def r2_scores(y, predictions):
    """R² of each column of ``predictions`` (NaN when y is constant)."""
    residual = ((y[:, None] - predictions) ** 2).sum(axis=0)
    total = ((y - y.mean()) ** 2).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 - residual / total


def _fit_path(problem, args, stderr):
    import fastreg

    options = dict(n_alphas=args.n_alphas, eps=args.eps, tol=args.tol,
                   fit_intercept=args.fit_intercept)
    bar = None if args.quiet else ProgressBar(args.n_alphas, stderr)
    if bar is not None:
        options["verbose"] = bar
    start = time.perf_counter()
    try:
        if args.l1_ratio == 1.0:
            path = fastreg.lasso_path(problem.X_train, problem.y_train, **options)
        else:
            path = fastreg.enet_path(problem.X_train, problem.y_train,
                                     l1_ratio=args.l1_ratio, **options)
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


def report(problem, path, seconds, args):
    """The text report of a fitted path, as a list of lines."""
    import fastreg

    r2 = r2_scores(problem.y_test, _predict(problem.X_test, path))
    best = int(np.nanargmax(r2)) if np.any(np.isfinite(r2)) else len(path.alphas) - 1
    coef = path.coef_at(best)
    model = "Lasso" if args.l1_ratio == 1.0 else f"ElasticNet (l1_ratio {args.l1_ratio:g})"
    positive, negative = _top_features(coef, problem.feature_names, args.top)
    n_alphas = len(path.alphas)
    epochs = int(np.asarray(path.n_iters).sum())
    lines = [
        f"fastreg {fastreg.__version__}: {model} path, {problem.title}",
        f"data    {problem.details}",
        f"path    {n_alphas} alphas from {path.alphas[0]:.3e} to {path.alphas[-1]:.3e}, "
        f"{epochs} epochs, largest gap {np.max(path.dual_gaps):.1e} (tol {args.tol:g})",
        f"time    {seconds:.2f} s for the path, "
        f"{problem.prep_seconds:.2f} s to load and prepare the data",
        f"chosen  alpha {path.alphas[best]:.3e} (#{best + 1} of {n_alphas}), best held-out "
        f"R² {r2[best]:.4f}, {np.count_nonzero(coef)} nonzero coefficients, "
        f"intercept {float(path.intercepts[best]):.4f}",
        "strongest features at the chosen alpha:",
        *_feature_table(positive, negative),
    ]
    return lines, best, r2


def _save_plot(path, problem, best, filename):
    try:
        import matplotlib
    except ImportError:
        raise RuntimeError("--plot needs matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = path.plot(feature_names=problem.feature_names)
    ax.axvline(np.log10(path.alphas[best]), color="k", linestyle=":", linewidth=1)
    ax.set_title(f"{problem.title}: coefficient paths (dotted: best held-out R²)", fontsize=9)
    ax.figure.tight_layout()
    ax.figure.savefig(filename, dpi=120)
    plt.close(ax.figure)


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
        path, seconds = _fit_path(problem, args, stderr)
        lines, best, _ = report(problem, path, seconds, args)
        if args.plot:
            _save_plot(path, problem, best, args.plot)
            lines.append(f"plot    coefficient paths saved to {args.plot}")
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        stderr.write(f"python -m fastreg: error: {exc}\n")
        return 1
    stdout.write("\n".join(lines) + "\n")
    return 0
