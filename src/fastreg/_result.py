"""The Path result: coefficients and diagnostics along a sequence of alphas."""

import numpy as np
import scipy.sparse as sp

__all__ = ["Path"]


class Path:
    """Solutions of a regularized linear model along a decreasing alpha grid.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Regularization strengths, decreasing.
    coefs : scipy.sparse.csc_matrix or ndarray of shape (n_features, n_alphas)
        Coefficients, one column per alpha. Lasso/ElasticNet and group lasso
        paths are sparse; Ridge paths are dense (with a leading n_targets axis
        for multi-target y). Models with a coefficient matrix per alpha
        (multinomial: (K, p) for K classes; multi-task: (K, p) for K tasks)
        store it flattened in C order, one sparse column of K·p rows per alpha
        (row k·p + j holds row k's coefficient of feature j); :meth:`coef_at`
        gives it back with its shape.
    coef_shape : tuple or None
        The shape of one alpha's coefficients when they are a matrix.
    intercepts : ndarray of shape (n_alphas,) (or (n_targets, n_alphas), (K, n_alphas))
    dual_gaps : ndarray of shape (n_alphas,)
        Certified duality gaps relative to the null objective (units of ``tol``);
        for Ridge's iterative solver, the relative KKT residual.
    n_iters : ndarray of shape (n_alphas,)
        Iterations per alpha (coordinate-descent epochs, or CG iterations).
    dev_ratios : ndarray of shape (n_alphas,)
        Fraction of (weighted) deviance explained, 1 - RSS / RSS_null.
    l1_ratio : float
    stopped_early : bool
        True when the automatic grid was cut short because the deviance ratio
        stopped improving; the arrays then hold only the alphas solved.
    coef_shape : tuple or None
        (n_tasks, n_features) for multi-task paths: the shape of
        :meth:`coef_at` (scikit-learn's ``coef_``); None otherwise.
    """

    def __init__(self, alphas, coefs, intercepts, dual_gaps, n_iters, dev_ratios,
                 l1_ratio, stopped_early=False, info=None, *, coef_shape=None):
        self.alphas = np.asarray(alphas)
        self.coefs = coefs
        self.intercepts = np.asarray(intercepts)
        self.dual_gaps = np.asarray(dual_gaps)
        self.n_iters = np.asarray(n_iters)
        self.dev_ratios = np.asarray(dev_ratios)
        self.l1_ratio = l1_ratio
        self.stopped_early = stopped_early
        self.info = {} if info is None else info
        self.coef_shape = coef_shape

    def __len__(self):
        return self.alphas.shape[0]

    def __repr__(self):
        n_features = self.coef_shape[-1] if self.coef_shape else self.coefs.shape[-2]
        return (f"Path(n_alphas={len(self)}, n_features={n_features}, "
                f"l1_ratio={self.l1_ratio}, alphas=[{self.alphas[0]:.3g} .. {self.alphas[-1]:.3g}])")

    @property
    def n_nonzero(self):
        """Number of nonzero coefficients at each alpha."""
        if sp.issparse(self.coefs):
            return np.diff(self.coefs.indptr)
        return np.count_nonzero(self.coefs, axis=-2)

    def coef_at(self, index):
        """Dense coefficients at position ``index`` of the grid (of ``coef_shape`` if set)."""
        if sp.issparse(self.coefs):
            coef = self.coefs[:, index].toarray().ravel()
            return coef if self.coef_shape is None else coef.reshape(self.coef_shape)
        return np.asarray(self.coefs[..., index])

    def plot(self, ax=None, feature_names=None, n_labels=10):
        """Plot coefficient paths against log(alpha) (requires matplotlib).

        Parameters
        ----------
        ax : matplotlib Axes, optional
        feature_names : sequence of str, optional
            Used to label the ``n_labels`` features with the largest final ``abs(coef)``.
        n_labels : int

        Returns
        -------
        ax : matplotlib Axes
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4.5))
        coefs = self.coefs.toarray() if sp.issparse(self.coefs) else np.asarray(self.coefs)
        if coefs.ndim == 3:
            coefs = coefs[0]
        active = np.flatnonzero(np.any(coefs != 0, axis=1))
        x = np.log10(self.alphas)
        ax.plot(x, coefs[active].T, linewidth=1)
        ax.invert_xaxis()
        ax.set_xlabel("log10(alpha)")
        ax.set_ylabel("coefficient")
        ax.axhline(0, color="0.5", linewidth=0.5)
        if feature_names is not None and active.size:
            top = active[np.argsort(-np.abs(coefs[active, -1]))[:n_labels]]
            for j in top:
                ax.annotate(str(feature_names[j]), (x[-1], coefs[j, -1]), fontsize=7)
        return ax
