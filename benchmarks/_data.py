"""Benchmark problems: real data from ``data/`` and synthetic text-like data.

* **news20 tf-idf**: the LIBSVM news20 term counts (15935 × 62061, 1.27M
  nonzeros) weighted by smoothed idf, raw term frequency and l2-normalized
  rows (the default tf-idf weighting of common text toolkits), stored CSC.
  Target: +1 for the first ten newsgroups (class code < 10), −1 otherwise.
* **debian tf-idf**: the Debian package descriptions embedded in fastreg
  (63540 packages), words of at least two letters without English stop
  words, kept when in at least 2 descriptions; sublinear tf, smoothed idf,
  l2-normalized rows. Target: log of the installed size in KiB; for
  classification (``debian_library_tfidf``), +1 for the library sections
  ("libs", "libdevel": 19% of the packages), −1 otherwise; for multinomial
  classification (``debian_sections_tfidf``), the packages of the ten most
  common sections (37518 packages) labelled by their section.
* **golub**: leukemia gene expression (38 × 7129, dense, Fortran order);
  target ±1 (ALL / AML).
* **synthetic text**: documents drawn from a Zipf-distributed vocabulary,
  with the same tf-idf weighting, and a linear target on a few hundred
  mid-frequency words plus noise. Used for scale.

The data directory is ``data/`` at the top of the repository, or the
directory named by the ``FASTREG_DATA`` environment variable.
"""

import functools
import os
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

__all__ = ["DATASETS", "best_time", "data_dir", "load", "news20_tfidf", "debian_tfidf",
           "debian_library_tfidf", "debian_sections_tfidf", "golub", "synthetic_text"]

LIBRARY_SECTIONS = ("libs", "libdevel")


def data_dir():
    """Directory holding golub.npz and the news20 files."""
    if os.environ.get("FASTREG_DATA"):
        return Path(os.environ["FASTREG_DATA"])
    return Path(__file__).resolve().parent.parent / "data"


def _tfidf(counts):
    """Smoothed-idf, raw-tf, l2-normalized rows; returns CSC float64."""
    from fastreg._cli._text import idf_from_counts, tfidf_weight

    X = tfidf_weight(counts, idf_from_counts(counts, smooth_idf=True), sublinear_tf=False,
                     norm="l2")
    return sp.csc_matrix(X)


@functools.lru_cache(maxsize=None)
def news20_tfidf():
    """news20 tf-idf (CSC float64) and a ±1 target (first ten groups vs the rest)."""
    counts = sp.load_npz(data_dir() / "news20_counts_X.npz")
    codes = np.load(data_dir() / "news20_y.npy")
    y = np.where(codes < 10, 1.0, -1.0)
    return _tfidf(counts), y


@functools.lru_cache(maxsize=None)
def _debian():
    """The Debian description tf-idf (CSC float64) and the package table."""
    from fastreg._cli._datasets import load_debian_packages
    from fastreg._cli._text import ENGLISH_STOP_WORDS, WORD_PATTERN, TfidfVectorizer

    data = load_debian_packages()
    vectorizer = TfidfVectorizer(token_pattern=WORD_PATTERN, stop_words=ENGLISH_STOP_WORDS,
                                 min_df=2, sublinear_tf=True, norm="l2")
    X = vectorizer.fit_transform(np.array(data.description, dtype=object))
    return sp.csc_matrix(X), data


def debian_tfidf():
    """Debian description tf-idf (CSC float64) and log(installed size)."""
    X, data = _debian()
    return X, np.log(data.installed_size_kib.astype(np.float64))


def debian_library_tfidf():
    """Debian description tf-idf (CSC float64) and a ±1 target: +1 in a library section."""
    X, data = _debian()
    return X, np.where(np.isin(np.array(data.section), LIBRARY_SECTIONS), 1.0, -1.0)


def debian_sections_tfidf(n_sections=10):
    """The packages of the ``n_sections`` most common Debian sections: tf-idf rows, section names."""
    X, data = _debian()
    section = np.array(data.section)
    names, counts = np.unique(section, return_counts=True)
    keep = np.isin(section, names[np.argsort(-counts, kind="stable")[:n_sections]])
    return sp.csc_matrix(X[keep]), section[keep]


@functools.lru_cache(maxsize=None)
def golub():
    """golub gene expression (Fortran-ordered float64) and a ±1 target."""
    with np.load(data_dir() / "golub.npz") as f:
        X = np.asfortranarray(f["X"], dtype=np.float64)
        y = np.where(f["y"] > 0, 1.0, -1.0)
    return X, y


@functools.lru_cache(maxsize=None)
def synthetic_text(n_samples=20_000, n_features=50_000, words_per_doc=60, n_informative=200,
                   seed=0):
    """Text-like sparse regression data of any size.

    Each document has a Poisson(``words_per_doc``) number of word tokens
    drawn from a Zipf-like law over the vocabulary (probability ∝
    1/(rank + 2.7)), so a few columns are dense and most are rare, as in
    real text. X is the tf-idf of the counts (see the module docstring). y
    = X β + noise, with β nonzero on ``n_informative`` words of middling
    frequency and a signal-to-noise ratio of 2.

    Returns
    -------
    X : scipy.sparse.csc_matrix of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,)
    """
    rng = np.random.default_rng(seed)
    weights = 1.0 / (np.arange(n_features) + 2.7)
    lengths = rng.poisson(words_per_doc, n_samples)
    words = rng.choice(n_features, size=int(lengths.sum()), p=weights / weights.sum())
    rows = np.repeat(np.arange(n_samples), lengths)
    counts = sp.csr_matrix((np.ones(words.size), (rows, words)), shape=(n_samples, n_features))
    X = _tfidf(counts)
    beta = np.zeros(n_features)
    middle = np.arange(n_features // 100, n_features // 5)
    support = rng.choice(middle, size=min(n_informative, middle.size), replace=False)
    beta[support] = rng.standard_normal(support.size)
    signal = X @ beta
    y = signal + rng.standard_normal(n_samples) * signal.std() / 2.0
    return X, y


DATASETS = {"news20": news20_tfidf, "debian": debian_tfidf,
            "debian-library": debian_library_tfidf, "debian-sections": debian_sections_tfidf,
            "golub": golub, "synthetic": synthetic_text}


def load(name):
    """(X, y) of a named benchmark problem.

    Raises NotImplementedError when its data files are missing: asv then
    skips the benchmark instead of failing it.
    """
    try:
        return DATASETS[name]()
    except FileNotFoundError as err:
        raise NotImplementedError(f"benchmark data for {name!r} not found ({err}); set "
                                  "FASTREG_DATA to the directory holding it") from None


def best_time(func, repeat):
    """Shortest wall time of ``repeat`` calls of ``func`` (machines are noisy)."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best
