"""Warning and exception classes raised by fastreg."""

import sys

__all__ = [
    "ConvergenceWarning",
    "DataConversionWarning",
    "IllConditionedWarning",
    "NotFittedError",
    "not_fitted_error",
]


class ConvergenceWarning(UserWarning):
    """A solve stopped at max_iter before its duality gap reached tol."""


class DataConversionWarning(UserWarning):
    """Input was converted in a way the caller may not expect (e.g. a column-vector y)."""


class IllConditionedWarning(UserWarning):
    """A linear system is too ill-conditioned for its floating-point type."""


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit``."""


def not_fitted_error(message):
    """A NotFittedError that is also scikit-learn's when scikit-learn is loaded.

    Code written against scikit-learn catches ``sklearn.exceptions.NotFittedError``;
    fastreg never imports scikit-learn itself, so the combined class is built
    only when the caller already has it in memory.
    """
    sk = sys.modules.get("sklearn.exceptions")
    if sk is None:
        return NotFittedError(message)
    cls = _COMBINED.get(sk.NotFittedError)
    if cls is None:
        cls = type("NotFittedError", (NotFittedError, sk.NotFittedError), {})
        _COMBINED[sk.NotFittedError] = cls
    return cls(message)


_COMBINED = {}
