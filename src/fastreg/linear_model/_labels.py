"""Class labels of classifiers: validated, encoded, and mapped back."""

import warnings

import numpy as np

from .._warnings import DataConversionWarning

__all__ = ["encode_binary", "encode_classes"]


def encode_binary(y, n_samples, sample_weight=None, *, name="y"):
    """(y coded 0/1 as float64, the two classes sorted) for a two-class target.

    As :func:`encode_classes`, with more than two classes an error.
    """
    codes, classes = encode_classes(y, n_samples, sample_weight, name=name)
    if classes.size > 2:
        raise ValueError(f"Only binary classification is supported here. {name} has "
                         f"{classes.size} classes.")
    return codes.astype(np.float64), classes


def encode_classes(y, n_samples, sample_weight=None, *, name="y"):
    """(class index of each sample, the sorted classes) for a target of two or more classes.

    Any labels numpy can sort (strings, integers, booleans, floats) are
    accepted; NaN, a second dimension, a single class, or a class left with
    zero total weight raise a ValueError naming ``y`` (or ``sample_weight``).
    """
    if y is None:
        raise ValueError(f"This classifier requires {name} to be passed, but the target "
                         f"{name} is None.")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn(f"A column-vector {name} was passed when a 1d array was expected; "
                      "it is raveled.", DataConversionWarning, stacklevel=4)
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per sample); got shape {y.shape}.")
    if y.shape[0] != n_samples:
        raise ValueError(f"{name} has {y.shape[0]} labels but X has {n_samples} samples.")
    if n_samples < 2:
        raise ValueError(f"{name}: a classifier needs at least 2 samples; got n_samples = "
                         f"{n_samples} (1 sample).")
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError(f"{name} contains NaN labels (first at index "
                         f"{int(np.flatnonzero(np.isnan(y))[0])}).")
    if y.dtype.kind == "f" and np.any(y != np.round(y)):
        raise ValueError(f"Unknown label type: {name} is a continuous target (non-integer "
                         "floats); a classifier needs class labels.")
    if y.dtype.kind == "O" and any(v is None for v in y):
        raise ValueError(f"{name} contains None labels.")
    try:
        classes, codes = np.unique(y, return_inverse=True)
    except TypeError as err:
        raise TypeError(f"{name}: labels must be mutually comparable ({err}).") from None
    if classes.size < 2:
        raise ValueError(f"{name} has a single class ({classes[0].tolist()!r}); a classifier "
                         "needs two.")
    codes = codes.reshape(-1)
    if sample_weight is not None:
        weight = np.bincount(codes, weights=sample_weight, minlength=classes.size)
        if np.any(weight <= 0):
            c = int(np.flatnonzero(weight <= 0)[0])
            raise ValueError(f"sample_weight gives class {classes[c].tolist()!r} zero total weight; "
                             "a classifier needs every class of y present.")
    return codes, classes
