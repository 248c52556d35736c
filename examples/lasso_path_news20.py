"""Lasso path on news20 tf-idf features, plotted with ``Path.plot``.

Run from the top of the repository (matplotlib is needed for the figure)::

    python examples/lasso_path_news20.py [--out lasso_path_news20.png]

The news20 term counts are turned into tf-idf features (smoothed idf,
l2-normalized rows) and regressed on a ±1 target (first ten newsgroups
against the other ten).
"""

import argparse
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

import fastreg

DATA = Path(__file__).resolve().parent.parent / "data"


def news20_tfidf():
    counts = sp.load_npz(DATA / "news20_counts_X.npz").tocsr()
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    X = counts @ sp.diags(idf)
    row_norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sp.diags(1.0 / np.maximum(row_norms, 1e-300)) @ X
    y = np.where(np.load(DATA / "news20_y.npy") < 10, 1.0, -1.0)
    return sp.csc_matrix(X), y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="lasso_path_news20.png", help="figure file")
    args = parser.parse_args()

    X, y = news20_tfidf()
    start = time.perf_counter()
    path = fastreg.lasso_path(X, y, eps=1e-2, n_alphas=100)
    seconds = time.perf_counter() - start

    print(path)
    print(f"{X.shape[0]} documents x {X.shape[1]} words, {X.nnz} nonzeros; path in {seconds:.2f} s")
    print(f"nonzero coefficients at the smallest alpha: {path.n_nonzero[-1]}")
    print(f"deviance explained there: {path.dev_ratios[-1]:.3f}")
    print(f"largest duality gap on the path: {path.dual_gaps.max():.1e} (relative to P_null)")

    import matplotlib

    matplotlib.use("Agg")
    ax = path.plot(feature_names=[f"word {j}" for j in range(X.shape[1])], n_labels=6)
    ax.set_title("news20 tf-idf: Lasso coefficient paths")
    ax.figure.tight_layout()
    ax.figure.savefig(args.out, dpi=120)
    print(f"figure saved to {args.out}")


if __name__ == "__main__":
    main()
