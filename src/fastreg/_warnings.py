"""Warning and exception classes raised by fastreg."""

__all__ = ["ConvergenceWarning", "DataConversionWarning", "IllConditionedWarning", "NotFittedError"]


class ConvergenceWarning(UserWarning):
    """A solve stopped at max_iter before its duality gap reached tol."""


class DataConversionWarning(UserWarning):
    """Input was converted in a way the caller may not expect (e.g. a column-vector y)."""


class IllConditionedWarning(UserWarning):
    """A linear system is too ill-conditioned for its floating-point type."""


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit``."""
