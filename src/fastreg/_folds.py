"""Cross-validation folds and the per-fold path fit.

* :func:`check_cv` turns the ``cv`` argument (an int, a splitter object with
  ``split(X, y)``, or an iterable of (train, test) index pairs) into a list of
  validated (train, test) integer index arrays. An int gives shuffled K-fold
  (stratified by class for classifiers) with a local
  ``np.random.default_rng(random_state)``, never the global RNG.
* :func:`fit_fold` is one task of a cross-validation: it fits the
  warm-started path on a fold's training rows and scores every alpha on its
  held-out rows. It is a plain top-level function of picklable arguments, so
  joblib can run it in threads, processes or on a Dask cluster. The model is
  a :class:`FoldModel`: its path function (``enet_path``, ``logistic_path``,
  Ridge's fold path) and its held-out error (``fastreg._scoring``).

Folds slice the rows of X (one copy of the training part per fold) rather
than giving held-out rows zero sample weight. Both give the same problem
(weights are rescaled to sum to n, so with zero weights the objective is the
training rows' mean loss, as on the slice), but the slice skips the held-out
entries in every coordinate update: on news20 tf-idf (5-fold training part,
100 alphas) the sliced path took 2.3 s against 3.4 s with zero weights.
"""

import numbers

import numpy as np
import scipy.sparse as sp

__all__ = ["check_cv", "check_fold_weights", "kfold", "stratified_kfold", "fit_fold", "FoldModel", "FoldResult"]


def kfold(n_samples, n_splits, random_state=None):
    """Shuffled K-fold: a list of (train, test) sorted index arrays.

    The first ``n_samples % n_splits`` folds hold one extra sample (as
    scikit-learn's KFold). The permutation comes from
    ``np.random.default_rng(random_state)``.
    """
    order = np.random.default_rng(random_state).permutation(n_samples)
    sizes = np.full(n_splits, n_samples // n_splits)
    sizes[: n_samples % n_splits] += 1
    return _split(order, np.repeat(np.arange(n_splits), sizes), n_splits)


def stratified_kfold(labels, n_splits, random_state=None):
    """Shuffled K-fold with each class spread evenly over the folds.

    The rows of each class (in sorted order of the labels) are shuffled with
    ``np.random.default_rng(random_state)``, the classes laid end to end, and
    the rows dealt to the folds in turn: every fold holds ⌊n_c/K⌋ or ⌈n_c/K⌉
    rows of a class of n_c rows, and the fold sizes differ by at most one.
    """
    rng = np.random.default_rng(random_state)
    codes = np.unique(labels, return_inverse=True)[1].ravel()
    order = np.concatenate([rng.permutation(np.flatnonzero(codes == c))
                            for c in range(codes.max() + 1)])
    return _split(order, np.arange(len(order)) % n_splits, n_splits)


def _split(order, fold_of, n_splits):
    """(train, test) sorted index arrays, row ``order[i]`` held out in fold ``fold_of[i]``."""
    folds = []
    for k in range(n_splits):
        test = np.sort(order[fold_of == k])
        mask = np.ones(len(order), dtype=bool)
        mask[test] = False
        folds.append((np.flatnonzero(mask), test))
    return folds


def _as_indices(part, n_samples, what, k):
    arr = np.asarray(part)
    if arr.dtype == bool:
        if arr.shape != (n_samples,):
            raise ValueError(f"cv: the {what} mask of fold {k} has shape {arr.shape}; a boolean "
                             f"mask needs shape ({n_samples},).")
        arr = np.flatnonzero(arr)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise ValueError(f"cv: the {what} indices of fold {k} must be a 1-D array of integer "
                         f"row indices, got shape {arr.shape} and dtype {arr.dtype}.")
    if arr.size == 0:
        raise ValueError(f"cv: fold {k} has no {what} rows.")
    if arr.min() < -n_samples or arr.max() >= n_samples:
        raise ValueError(f"cv: fold {k} has {what} index out of range for {n_samples} samples "
                         f"(min {arr.min()}, max {arr.max()}).")
    return np.where(arr < 0, arr + n_samples, arr).astype(np.intp)


def check_cv(cv, X, y, random_state=None, stratify=False):
    """Validated folds: a list of (train, test) integer index arrays.

    Parameters
    ----------
    cv : int, splitter or iterable
        An int k ≥ 2 (shuffled K-fold), an object with ``split(X, y)`` (a
        scikit-learn splitter), or an iterable of (train, test) pairs of
        integer indices (or boolean masks).
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    random_state : int, numpy Generator or None
        Seed of the K-fold shuffle when ``cv`` is an int.
    stratify : bool, default=False
        With an int ``cv``, stratify the folds by the labels ``y``
        (:func:`stratified_kfold`).
    """
    n_samples = X.shape[0]
    if isinstance(cv, (bool, np.bool_, str, bytes)):  # a str has a split method
        raise TypeError(f"cv must be an int, a splitter with split(X, y) or an iterable of "
                        f"(train, test) pairs, got {cv!r}.")
    if isinstance(cv, numbers.Integral):
        if cv < 2:
            raise ValueError(f"cv must be at least 2 folds, got cv={cv}.")
        if cv > n_samples:
            raise ValueError(f"cv={cv} folds need at least {cv} samples, got "
                             f"n_samples={n_samples}.")
        if stratify:
            return stratified_kfold(y, int(cv), random_state)
        return kfold(n_samples, int(cv), random_state)
    if hasattr(cv, "split"):
        pairs = cv.split(X, y)
        source = f"cv.split(X, y) of {type(cv).__name__}"
    else:
        try:
            pairs = iter(cv)
        except TypeError:
            raise TypeError(f"cv must be an int, a splitter with split(X, y) or an iterable "
                            f"of (train, test) pairs, got {type(cv).__name__}.") from None
        source = "cv"
    folds = []
    for k, pair in enumerate(pairs):
        try:
            train, test = pair
        except (TypeError, ValueError):
            raise ValueError(f"{source}: item {k} is not a (train, test) pair.") from None
        folds.append((_as_indices(train, n_samples, "train", k),
                      _as_indices(test, n_samples, "test", k)))
    if len(folds) < 1:
        raise ValueError(f"{source} gave no (train, test) pairs.")
    return folds


def check_fold_weights(folds, sample_weight):
    """Raise a ValueError naming ``cv`` if a fold's training or held-out rows weigh nothing."""
    if sample_weight is None:
        return
    for k, (train, test) in enumerate(folds):
        if not np.sum(sample_weight[train]) > 0:
            raise ValueError(f"cv: the training rows of fold {k} all have zero sample weight.")
        if not np.sum(sample_weight[test]) > 0:
            raise ValueError(f"cv: the held-out rows of fold {k} all have zero sample weight; "
                             "their error is undefined.")


def take_rows(X, rows):
    """Rows of a validated X (Fortran dense or CSC) in the same storage."""
    if sp.issparse(X):
        return X[rows]
    return np.asfortranarray(X[rows])


class FoldModel:
    """What a cross-validation fits on each fold: a path function and a held-out error.

    ``path(X, y, l1_ratio=, alphas=, sample_weight=, callback=, coef_init=,
    **options)`` fits the warm-started path (:func:`fastreg.enet_path`,
    :func:`fastreg.logistic_path`); ``score(y, pred, intercept, weights)``
    is the held-out error to minimize (see ``fastreg._scoring``); ``extra``
    are more scorers of the same form, recorded at every alpha alongside
    (e.g. the misclassification error next to the deviance). All are
    top-level functions, so the model pickles by reference.
    """

    def __init__(self, path, score, extra=()):
        self.path = path
        self.score = score
        self.extra = tuple(extra)


class FoldResult:
    """What one fold sends back: held-out error per alpha solved, and where it stopped.

    Attributes
    ----------
    errors : ndarray of shape (n_solved,)
        Held-out error (the model's score: mse, deviance, …) at each alpha solved.
    test_weight : float
        Total weight of the held-out rows (their count without weights).
    n_iters : ndarray of shape (n_solved,)
        Coordinate-descent epochs per alpha.
    extra : ndarray of shape (n_solved, n_extra)
        The model's extra held-out errors at each alpha solved.
    max_gap : float
        Largest relative duality gap over the alphas solved.
    last_support, last_values : ndarrays
        The coefficients at the last alpha solved (sparse), to resume the path.
    """

    def __init__(self, errors, test_weight, n_iters, max_gap, last_support, last_values,
                 extra, last_shape=None):
        self.errors = errors
        self.last_shape = last_shape
        self.extra = extra
        self.test_weight = test_weight
        self.n_iters = n_iters
        self.max_gap = max_gap
        self.last_support = last_support
        self.last_values = last_values

    def last_coef(self, n_features):
        """The last coefficients, dense: (n_features,), or their matrix shape (multinomial)."""
        shape = self.last_shape or (n_features,)
        coef = np.zeros(int(np.prod(shape)))
        coef[self.last_support] = self.last_values
        return coef.reshape(shape)


def fit_fold(X, y, sample_weight, train, test, alphas, l1_ratio, patience, path_options,
             coef_init=None, model=None):
    """Fit the path on the rows ``train`` and score every alpha on the rows ``test``.

    ``X`` is validated (Fortran dense or CSC); ``alphas`` is a decreasing
    stretch of the grid computed on the full data, and ``coef_init`` the
    coefficients at the alpha before it when a path is resumed. ``model`` is
    a :class:`FoldModel` (default: the elastic net scored by mse). With an
    int ``patience``, the path stops once this fold's held-out error has not
    improved for ``patience`` consecutive alphas, counted once its error is
    below the first alpha's. Returns a :class:`FoldResult`.
    """
    if model is None:
        from ._scoring import squared_error
        from .linear_model._enet_path import enet_path

        model = FoldModel(enet_path, squared_error)

    X_train, X_test = take_rows(X, train), take_rows(X, test)
    if sp.issparse(X_test):
        X_test = X_test.tocsr()  # row-major for the held-out predictions
    y_test = y[test]
    sw_train = None if sample_weight is None else sample_weight[train]
    sw_test = None if sample_weight is None else sample_weight[test]
    errors = np.empty(len(alphas))
    extra = np.empty((len(alphas), len(model.extra)))
    best = [np.inf, 0]  # best held-out error so far, and its index
    last = [np.zeros(0, dtype=np.intp), np.zeros(0), None]

    def score(index, alpha, coef, intercept):
        flat = coef.ravel()
        support = np.flatnonzero(flat)
        if coef.ndim == 1 and np.ndim(intercept) == 1:
            # a multinomial model: K rows of coefficients, flattened, one intercept each
            last[2] = (len(intercept), coef.size // len(intercept))
            coef = coef.reshape(last[2]).T
        if sp.issparse(X_test) or coef.ndim > 1 or 2 * support.size > coef.size:
            pred = X_test @ coef  # O(nnz of the held-out rows); (n_test, n_targets or K)
        else:
            # dense X and sparse coefficients: only the support's columns
            pred = X_test[:, support] @ coef[support]
        pred = np.asarray(pred, dtype=np.float64)
        errors[index] = model.score(y_test, pred, intercept, sw_test)
        for e, scorer in enumerate(model.extra):
            extra[index, e] = scorer(y_test, pred, intercept, sw_test)
        last[:2] = [support, flat[support].copy()]
        if errors[index] < best[0]:
            best[:] = [errors[index], index]
        # Near alpha_max the model is often still all zero: a flat start is not a minimum.
        return (patience is not None and best[0] < errors[0]
                and index - best[1] >= patience)

    path = model.path(X_train, y[train], l1_ratio=l1_ratio, alphas=alphas,
                      sample_weight=sw_train, callback=score, coef_init=coef_init,
                      **path_options)
    solved = len(path.alphas)
    test_weight = float(len(test) if sw_test is None else np.sum(sw_test))
    return FoldResult(errors[:solved].copy(), test_weight, np.asarray(path.n_iters),
                      float(np.max(path.dual_gaps)) if solved else 0.0, last[0], last[1],
                      extra[:solved].copy(), last[2])


# ---------------------------------------------------------------------------
# The CV curve over folds, its selection, and the (synchronous) rounds of folds

def check_patience(patience):
    if patience is None:
        return None
    if isinstance(patience, (bool, np.bool_)) or not isinstance(patience, numbers.Integral):
        raise TypeError(f"patience must be None or a positive integer, got {patience!r}.")
    if patience < 1:
        raise ValueError(f"patience must be None or >= 1 (alphas without improvement before "
                         f"a fold stops), got {patience}.")
    return int(patience)


def curve(scores, test_weights):
    """(mean, standard error) over folds of scores (n_folds, n_alphas), NaN where unreached."""
    n_folds = scores.shape[0]
    w = test_weights / test_weights.sum()
    with np.errstate(invalid="ignore"):
        mean = w @ scores  # NaN wherever a fold did not reach the alpha
        if n_folds < 2:
            return mean, np.full_like(mean, np.nan)
        var = w @ (scores - mean) ** 2 / (n_folds - 1)
    return mean, np.sqrt(var)


def select(alphas, mean, std):
    """(index of the minimum, index of the 1se alpha) on one curve (NaN = not reached)."""
    i_min = int(np.nanargmin(mean))
    bound = mean[i_min] + (std[i_min] if np.isfinite(std[i_min]) else 0.0)
    within = np.flatnonzero(mean <= bound)  # NaN compares False
    i_1se = int(within[np.argmax(alphas[within])])
    return i_min, i_1se


def mean_has_stopped(runs, test_weights, n_grid, patience):
    """(stopped, target) for one l1_ratio's folds under the mean-curve patience rule.

    The mean curve is taken on the alphas every fold reached. It has stopped
    when its best value is below its first and is followed by ``patience``
    alphas without improvement, or when the grid is exhausted; otherwise every
    fold must reach ``target`` = best index + patience + 1 alphas.
    """
    common = min(len(run.errors) for run in runs)
    if common >= n_grid:
        return True, n_grid
    scores = np.array([run.errors[:common] for run in runs])
    mean = test_weights @ scores / test_weights.sum()
    best = int(np.argmin(mean))
    if mean[best] < mean[0] and common - 1 - best >= patience:
        return True, common
    return False, min(n_grid, max(best + patience + 1, common + 1))


def run_folds(X, y, sw, folds, l1_ratios, grids, patience, options, n_jobs, model):
    """Every (l1_ratio, fold) path as joblib tasks; an object array of merged FoldResults.

    ``model`` is the :class:`~fastreg._folds.FoldModel` every task fits and scores.

    Without patience, one parallel call solves every path over its whole grid.
    With patience, the first call stops each fold on its own held-out error;
    then, while the mean curve over folds has not stopped (see
    :func:`mean_has_stopped`), the folds short of the alphas it needs resume
    from their last coefficients in another parallel call. The rounds are
    synchronous, so the result does not depend on the number of workers.
    """
    from joblib import Parallel, delayed

    n_l1, n_folds = len(l1_ratios), len(folds)
    pairs = [(a, k) for a in range(n_l1) for k in range(n_folds)]
    done = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(fit_fold)(X, y, sw, folds[k][0], folds[k][1], grids[a], l1_ratios[a],
                          patience, options, model=model) for a, k in pairs)
    runs = np.empty((n_l1, n_folds), dtype=object)
    for (a, k), run in zip(pairs, done):
        runs[a, k] = run
    if patience is None:
        return runs
    test_weights = np.array([runs[0, k].test_weight for k in range(n_folds)])
    n_features = X.shape[1]
    while True:
        more = []  # (l1 index, fold, first alpha index, end)
        for a in range(n_l1):
            stopped, target = mean_has_stopped(runs[a], test_weights, len(grids[a]), patience)
            if not stopped:
                more += [(a, k, len(runs[a, k].errors), target) for k in range(n_folds)
                         if len(runs[a, k].errors) < target]
        if not more:
            return runs
        resumed = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(fit_fold)(X, y, sw, folds[k][0], folds[k][1], grids[a][first:end],
                              l1_ratios[a], None, options,
                              coef_init=runs[a, k].last_coef(n_features), model=model)
            for a, k, first, end in more)
        for (a, k, _, _), run in zip(more, resumed):
            old = runs[a, k]
            runs[a, k] = FoldResult(np.concatenate([old.errors, run.errors]), old.test_weight,
                                    np.concatenate([old.n_iters, run.n_iters]),
                                    max(old.max_gap, run.max_gap), run.last_support,
                                    run.last_values, np.concatenate([old.extra, run.extra]),
                                    run.last_shape)
