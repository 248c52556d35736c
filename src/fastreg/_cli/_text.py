"""Tf-idf features for short texts, with numpy and scipy only.

Used by the command-line main job (Debian package descriptions) and by the
benchmarks (news20 term counts). The weighting follows the usual
conventions, so results can be checked against other implementations:

* term frequency ``tf`` is the raw count, or ``1 + ln(count)`` when
  ``sublinear_tf`` is set;
* ``idf = ln((1 + n) / (1 + df)) + 1`` with ``smooth_idf`` (as if one extra
  document contained every term once), else ``ln(n / df) + 1``;
* each row of ``tf * idf`` is scaled to unit l2 (or l1) norm.
"""

import numbers
import re

import numpy as np
import scipy.sparse as sp

__all__ = ["TOKEN_PATTERN", "WORD_PATTERN", "ENGLISH_STOP_WORDS", "TfidfVectorizer",
           "tfidf_weight", "idf_from_counts"]

#: Words of two or more letters/digits; single characters carry little meaning.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"

#: As TOKEN_PATTERN, but a word needs at least one letter: bare numbers in
#: descriptions are mostly version strings, which do not generalize.
WORD_PATTERN = r"(?u)\b(?=\w*[^\W\d_])\w\w+\b"

#: A short list of English function words that never describe content.
ENGLISH_STOP_WORDS = frozenset("""
    a about above after again all also an and any are as at be been before
    being between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i
    if in into is it its itself just may me more most much my no nor not of
    off on once one only or other our ours out over own same she should so
    some such than that the their theirs them then there these they this
    those through to too under until up upon very via was we were what when
    where which while who whom why will with within without would you your
""".split())


def idf_from_counts(counts, *, smooth_idf=True):
    """Inverse document frequencies of the columns of a term-count matrix.

    Parameters
    ----------
    counts : scipy.sparse matrix of shape (n_documents, n_terms)
        Nonnegative counts; explicit zeros are ignored.
    smooth_idf : bool

    Returns
    -------
    idf : ndarray of shape (n_terms,), float64
    """
    counts = sp.csc_matrix(counts)
    counts.eliminate_zeros()
    counts.sum_duplicates()
    n_docs = counts.shape[0]
    df = np.diff(counts.indptr).astype(np.float64)
    if smooth_idf:
        return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    with np.errstate(divide="ignore"):
        # A term in no document gets an infinite idf, but it also has no
        # entries, so it never reaches the weighted matrix.
        return np.log(n_docs / df) + 1.0


def tfidf_weight(counts, idf, *, sublinear_tf=False, norm="l2", dtype=np.float64):
    """Weight a term-count matrix by tf-idf and normalize its rows.

    Parameters
    ----------
    counts : scipy.sparse matrix of shape (n_documents, n_terms)
    idf : ndarray of shape (n_terms,)
    sublinear_tf : bool
        Use ``1 + ln(count)`` instead of the raw count.
    norm : {"l2", "l1", None}
        Row normalization; rows without any term stay zero.
    dtype : numpy dtype
        Value type of the result.

    Returns
    -------
    X : scipy.sparse.csr_matrix of shape (n_documents, n_terms)
        A new matrix; ``counts`` is not modified.
    """
    if norm not in ("l2", "l1", None):
        raise ValueError(f"norm must be 'l2', 'l1' or None, got {norm!r}.")
    X = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    X.sum_duplicates()
    X.eliminate_zeros()
    if np.any(X.data < 0):
        raise ValueError("counts must be nonnegative.")
    if sublinear_tf:
        X.data = 1.0 + np.log(X.data)
    idf = np.asarray(idf, dtype=np.float64)
    if idf.shape != (X.shape[1],):
        raise ValueError(f"idf has shape {idf.shape}, expected ({X.shape[1]},).")
    X.data *= idf[X.indices]
    if norm is not None:
        lengths = np.diff(X.indptr)
        rows = np.repeat(np.arange(X.shape[0]), lengths)
        squares = X.data ** 2 if norm == "l2" else np.abs(X.data)
        row_norm = np.bincount(rows, weights=squares, minlength=X.shape[0])
        if norm == "l2":
            row_norm = np.sqrt(row_norm)
        X.data /= row_norm[rows]
    return X.astype(dtype, copy=False)


class TfidfVectorizer:
    """Turn a collection of texts into an l2-normalized tf-idf matrix.

    Parameters
    ----------
    lowercase : bool, default=True
    token_pattern : str, default=TOKEN_PATTERN
        Regular expression; each match is one token.
    stop_words : iterable of str or None, default=None
        Tokens to drop (compared after lowercasing).
    min_df, max_df : int or float, default=1 and 1.0
        Keep terms whose document frequency is within [min_df, max_df]; a
        float is a fraction of the documents, an int a count.
    sublinear_tf : bool, default=False
    smooth_idf : bool, default=True
    norm : {"l2", "l1", None}, default="l2"
    dtype : numpy dtype, default=np.float64

    Attributes
    ----------
    vocabulary_ : dict
        Term → column index; columns are in alphabetical order of the terms.
    feature_names_ : ndarray of str
    idf_ : ndarray of shape (n_terms,)
    """

    def __init__(self, *, lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=None,
                 min_df=1, max_df=1.0, sublinear_tf=False, smooth_idf=True, norm="l2",
                 dtype=np.float64):
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.stop_words = stop_words
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.smooth_idf = smooth_idf
        self.norm = norm
        self.dtype = dtype

    def _tokenizer(self):
        find = re.compile(self.token_pattern).findall
        stop = frozenset(self.stop_words or ())
        lower = self.lowercase

        def tokens(doc):
            words = find(doc.lower() if lower else doc)
            return [w for w in words if w not in stop] if stop else words

        return tokens

    def _count(self, docs, vocabulary, grow):
        """Sparse counts of ``docs``; unseen terms are added only if ``grow``."""
        tokens = self._tokenizer()
        columns, indptr = [], [0]
        for doc in docs:
            if not isinstance(doc, str):
                raise TypeError(f"documents must be str, got {type(doc).__name__}.")
            if grow:
                columns.extend(vocabulary.setdefault(w, len(vocabulary)) for w in tokens(doc))
            else:
                columns.extend(vocabulary[w] for w in tokens(doc) if w in vocabulary)
            indptr.append(len(columns))
        columns = np.asarray(columns, dtype=np.int64)
        counts = sp.csr_matrix(
            (np.ones(columns.size), columns, np.asarray(indptr, dtype=np.int64)),
            shape=(len(indptr) - 1, len(vocabulary)),
        )
        counts.sum_duplicates()
        return counts

    def _df_bounds(self, n_docs):
        """(low, high) document-count bounds from min_df and max_df."""
        def as_count(value, name):
            if isinstance(value, numbers.Integral):
                if value < 0:
                    raise ValueError(f"{name} as a count must be nonnegative, got {value}.")
                return float(value)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} as a fraction must be in [0, 1], got {value}.")
            return value * n_docs

        return as_count(self.min_df, "min_df"), as_count(self.max_df, "max_df")

    def fit_transform(self, docs):
        """Learn the vocabulary and idf from ``docs`` and return their tf-idf matrix.

        Parameters
        ----------
        docs : iterable of str

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_documents, n_terms)
        """
        vocabulary = {}
        counts = self._count(docs, vocabulary, grow=True)
        low, high = self._df_bounds(counts.shape[0])
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        terms = np.array(list(vocabulary), dtype=object)
        keep = np.flatnonzero((df >= low) & (df <= high))
        if keep.size == 0:
            raise ValueError("no term is left after the min_df / max_df cut; lower min_df.")
        keep = keep[np.argsort(terms[keep].astype(str), kind="stable")]
        self.feature_names_ = terms[keep].astype(str)
        self.vocabulary_ = {t: i for i, t in enumerate(self.feature_names_)}
        counts = counts[:, keep]
        self.idf_ = idf_from_counts(counts, smooth_idf=self.smooth_idf)
        return tfidf_weight(counts, self.idf_, sublinear_tf=self.sublinear_tf,
                            norm=self.norm, dtype=self.dtype)

    def fit(self, docs):
        """Learn the vocabulary and idf from ``docs``; returns self."""
        self.fit_transform(docs)
        return self

    def transform(self, docs):
        """Tf-idf matrix of ``docs`` over the learned vocabulary (unseen words are dropped)."""
        if not hasattr(self, "vocabulary_"):
            raise ValueError("TfidfVectorizer is not fitted; call fit or fit_transform first.")
        counts = self._count(docs, self.vocabulary_, grow=False)
        return tfidf_weight(counts, self.idf_, sublinear_tf=self.sublinear_tf,
                            norm=self.norm, dtype=self.dtype)
