"""Groups of features for the block models: parsing, weights and block statistics.

A grouping is stored as (ptr, idx): group g holds the features
``idx[ptr[g]:ptr[g + 1]]``, every feature in exactly one group.
"""

import numpy as np

from ._kernels import _group_stats
from ._validation import _check_nonneg_vector

__all__ = ["block_spectra", "check_group_weights", "check_groups"]


def _as_index_list(members, g, n_features):
    arr = np.asarray(members)
    if arr.ndim != 1:
        raise ValueError(f"groups[{g}] must be a 1-D list of feature indices, got shape "
                         f"{arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"groups[{g}] is empty; every group needs at least one feature.")
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise ValueError(f"groups[{g}] must hold integer feature indices, got {members!r}.")
    bad = np.flatnonzero((arr < 0) | (arr >= n_features))
    if bad.size:
        raise ValueError(f"groups[{g}] holds index {arr[bad[0]]}, out of range for "
                         f"{n_features} features.")
    return arr.astype(np.intp)


def check_groups(groups, n_features):
    """Validate ``groups``; return (ptr, idx) with every feature in exactly one group.

    Parameters
    ----------
    groups : None, array-like of shape (n_features,), or sequence of index lists
        None: one group per feature. A 1-D array of length n_features gives
        each feature's group id (any sortable labels; groups are ordered by
        id). A sequence of lists gives each group's feature indices
        (contiguous or not); together they must cover every feature once.
    n_features : int

    Returns
    -------
    ptr : ndarray of intp, shape (n_groups + 1,)
    idx : ndarray of intp, shape (n_features,)
    """
    if groups is None:
        return np.arange(n_features + 1, dtype=np.intp), np.arange(n_features, dtype=np.intp)
    if isinstance(groups, (str, bytes)):
        raise ValueError(f"groups must be group ids or lists of feature indices, got {groups!r}.")
    if isinstance(groups, np.ndarray) and groups.ndim == 2:
        groups = list(groups)  # equal-size groups given as the rows of an array
    if not isinstance(groups, np.ndarray) and all(np.ndim(m) == 1 for m in groups) \
            and len(groups) > 0:
        lists = [_as_index_list(m, g, n_features) for g, m in enumerate(groups)]
        idx = np.concatenate(lists)
        counts = np.bincount(idx, minlength=n_features)
        if np.any(counts > 1):
            j = int(np.flatnonzero(counts > 1)[0])
            owners = [g for g, m in enumerate(lists) if j in m]
            raise ValueError(f"groups: feature {j} is in more than one group ({owners}).")
        if np.any(counts == 0):
            missing = np.flatnonzero(counts == 0)
            raise ValueError(f"groups: {missing.size} feature(s) are in no group (first: "
                             f"{missing[0]}); every feature must belong to exactly one group.")
        ptr = np.zeros(len(lists) + 1, dtype=np.intp)
        ptr[1:] = np.cumsum([m.size for m in lists])
        return ptr, idx.astype(np.intp)
    ids = np.asarray(groups)
    if ids.ndim != 1 or ids.shape[0] != n_features:
        raise ValueError(f"groups must have one group id per feature, shape ({n_features},), "
                         f"or be a list of index lists; got shape {ids.shape}.")
    if ids.dtype.kind == "f" and not np.all(np.isfinite(ids)):
        j = int(np.flatnonzero(~np.isfinite(ids))[0])
        raise ValueError(f"groups contains {ids[j]} at index {j}; group ids must be finite.")
    if ids.dtype.kind == "O" and any(v is None for v in ids):
        raise ValueError("groups contains None; every feature needs a group id.")
    _, inverse = np.unique(ids, return_inverse=True)
    idx = np.argsort(inverse, kind="stable").astype(np.intp)
    ptr = np.zeros(inverse.max() + 2 if n_features else 1, dtype=np.intp)
    ptr[1:] = np.cumsum(np.bincount(inverse))
    return ptr, idx


def check_group_weights(group_weights, ptr):
    """Validate group weights (default √size); at least one group must be penalized."""
    sizes = np.diff(ptr)
    if group_weights is None:
        return np.sqrt(sizes.astype(np.float64))
    w = _check_nonneg_vector(group_weights, sizes.size, "group_weights", "one per group")
    if not np.any(w > 0):
        raise ValueError("group_weights is zero for every group; at least one group must be "
                         "penalized.")
    positive = w[w > 0]
    if positive.min() < 1e-150 or positive.max() > 1e150:
        raise ValueError(f"group_weights must be 0 (unpenalized) or within [1e-150, 1e150]; got "
                         f"values from {positive.min():.3g} to {positive.max():.3g}.")
    return w


def block_spectra(view, ptr, idx, sq_norms):
    """The groups' Grams X̄_gᵀSX̄_g and bounds on their spectra.

    Returns (lipschitz, norm, eig_val, eig_vec, vec_ptr, grams): L_g, the
    squared column norm for a group of one feature (its coordinate step) and
    otherwise a bound on λ_max (the smaller of the trace and Gershgorin's
    max_a Σ_b |G_ab|); a bound on √L_g with a rounding margin (the screening
    tests must stay safe); room for the eigenvalues (at
    ``eig_val[ptr[g]:ptr[g + 1]]``) and eigenvectors (|g| × |g| row-major
    from ``eig_vec[vec_ptr[g]]``), filled for groups of one feature; and the
    Grams, laid out as the eigenvectors (None when every group has one
    feature), from which the block solver decomposes a group the first
    time it steps it (``_kernels/_block_spectra.pxd``). Computed once per fit.
    """
    sizes = np.diff(ptr)
    vec_ptr = np.zeros(sizes.size + 1, dtype=np.intp)
    vec_ptr[1:] = np.cumsum(sizes * sizes)
    eig_val = np.zeros(idx.size)
    eig_vec = np.zeros(max(int(vec_ptr[-1]), 1))
    single = sizes == 1
    eig_val[ptr[:-1][single]] = sq_norms[idx[ptr[:-1][single]]]
    eig_vec[vec_ptr[:-1][single]] = 1.0
    trace = np.add.reduceat(sq_norms[idx], ptr[:-1]) if idx.size else np.zeros(0)
    lipschitz, grams = trace.copy(), None
    if not np.all(single):
        grams = _group_stats.group_grams(view, ptr, idx)
        row_starts = np.zeros(idx.size, dtype=np.intp)  # row a of group g: vec_ptr[g] + a·|g|
        row_starts[1:] = np.cumsum(np.repeat(sizes, sizes))[:-1]
        row_sums = np.add.reduceat(np.abs(grams[:vec_ptr[-1]]), row_starts)
        gershgorin = np.maximum.reduceat(row_sums, ptr[:-1])
        lipschitz[~single] = np.minimum(trace, gershgorin)[~single]
    norm = np.sqrt(lipschitz * (1.0 + 1e-9))
    return lipschitz, norm, eig_val, eig_vec, vec_ptr, grams
