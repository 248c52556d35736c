"""One pass over the samples of a multinomial model: what its duality gap needs.

From the kept softmax of the K linear predictors: the loss, the dual point
Θ = Y − P, the intercepts' gradient, and the per-sample sums the dual value
(an entropy over the simplex) is computed from without a log per class. One
pass in place of a dozen numpy passes over the n × K arrays, its logs a
batch of samples at a time (``_vmath.pxd``). The intercepts' Newton steps
read the kept softmax alone (``softmax_gradient``), and the penalty's side of
the gap is one pass over the features (``penalty_terms``).
"""

from libc.math cimport fabs, log
from libc.stdlib cimport calloc, free, malloc

import numpy as np

from ._sums cimport dot
from ._vmath cimport CHUNK, vlog


cdef struct HessianSum:
    # −Σ_i s_i P_i P_iᵀ, accumulated a batch of samples at a time: per pair of
    # classes a dot product over the batch's contiguous rows (vectorized)
    Py_ssize_t K
    double* acc         # K × K, its upper triangle
    double* rows        # K × CHUNK: the batch's probabilities, class by class
    double* weight      # CHUNK: the batch's sample weights


cdef inline void _hessian_batch(HessianSum* h, Py_ssize_t m) noexcept nogil:
    """Add the batch's −Σ s P Pᵀ (its rows and weights filled) to the sum."""
    cdef Py_ssize_t K = h.K, k, l, b
    cdef const double* pk
    cdef double* spk = h.weight + CHUNK
    for k in range(K):
        pk = h.rows + k * CHUNK
        for b in range(m):
            spk[b] = h.weight[b] * pk[b]   # (s p_k: the scratch half)
        for l in range(k, K):
            h.acc[k * K + l] -= dot(spk, h.rows + l * CHUNK, m)


cdef double[:, ::1] _hessian_start(hess, Py_ssize_t K, HessianSum* h):
    """The sum's buffers (all NULL without ``hess``); returns ``hess`` as a view."""
    h.K = K
    h.acc = h.rows = h.weight = NULL
    if hess is None:
        return None
    if hess.shape != (K, K):
        raise ValueError("hess must be (K, K)")
    h.acc = <double*> calloc(K * K, sizeof(double))
    h.rows = <double*> malloc(K * CHUNK * sizeof(double))
    h.weight = <double*> malloc(2 * CHUNK * sizeof(double))
    if h.acc == NULL or h.rows == NULL or h.weight == NULL:
        _hessian_free(h)
        raise MemoryError()
    return hess


cdef inline void _hessian_out(double[:, ::1] H, HessianSum* h,
                              const double[::1] grad) noexcept nogil:
    """H = diag(Σ_i s_i P_i) (``grad`` before Y is subtracted) − Σ_i s_i P_i P_iᵀ; frees
    the sum's buffers."""
    cdef Py_ssize_t K = h.K, k, l
    for k in range(K):
        for l in range(k, K):
            H[k, l] = h.acc[k * K + l]
            H[l, k] = h.acc[k * K + l]
        H[k, k] += grad[k]
    _hessian_free(h)


cdef inline void _hessian_free(HessianSum* h) noexcept nogil:
    free(h.acc)
    free(h.rows)
    free(h.weight)
    h.acc = h.rows = h.weight = NULL


def softmax_pass(double[:, ::1] eta, const int[::1] codes, const double[::1] sw,
                 double[:, ::1] theta, double[:, ::1] per_sample, kept, delta=None):
    """Fill Θ and the per-sample sums; return (n · loss, the intercepts' gradient).

    Parameters
    ----------
    eta : ndarray of shape (K, n), in/out
        Linear predictors, intercepts included.
    codes : ndarray of int32, shape (n,)
        Class index of each sample.
    sw : ndarray of shape (n,) or (0,)
        Sample weights (empty: all ones).
    theta : ndarray of shape (n, K), out
        Y − P.
    per_sample : ndarray of shape (3, n), out
        P_iy (the true class's probability), Σ_k P_ik log P_ik and log P_iy.
    kept : (E, sums, c), in/out
        The softmax of η at hand (``_class_cycle.softmax_refresh``): E = e^(η − c)
        of shape (K, n), its column sums and the shifts c; the pass divides,
        no exponential.
    delta : ndarray of shape (K,), optional
        A shift of the intercepts to apply first: η_k += delta_k for every
        sample, and the kept softmax rescaled to match (E_k *= e^delta_k, its
        sums recomputed). The caller keeps delta small enough for E (below 50).

    Returns
    -------
    loss : float
        Σ_i s_i [log Σ_k e^η_ik − η_iy].
    grad : ndarray of shape (K,)
        Σ_i s_i (P_ik − Y_ik), the intercepts' gradient.
    """
    cdef Py_ssize_t K = eta.shape[0], n = eta.shape[1], i, k, b, batch, start, m
    cdef bint weighted = sw.shape[0] > 0, shifting = delta is not None
    cdef double total, inv, lse, si, pk, e, p_eta, loss = 0.0
    cdef double total_b[CHUNK]
    cdef double log_b[CHUNK]
    cdef double[::1] grad = np.zeros(K)
    cdef double[::1] totals = np.zeros(K)   # Σ_i s_i Y_i
    cdef double[:, ::1] E
    cdef double[::1] sums
    cdef const double[::1] shift
    cdef const double[::1] dv
    cdef double[::1] scale
    E, sums, shift = kept
    if E.shape[0] != K or E.shape[1] != n or sums.shape[0] != n or shift.shape[0] != n:
        raise ValueError("kept must hold E (K, n), its column sums (n,) and shifts (n,)")
    if shifting:
        dv = delta
        scale = np.exp(delta)
        if dv.shape[0] != K:
            raise ValueError("delta must have one entry per class")
    if theta.shape[0] != n or theta.shape[1] != K or codes.shape[0] != n:
        raise ValueError("theta must be (n, K) and codes (n,) for eta of shape (K, n)")
    if per_sample.shape[0] != 3 or per_sample.shape[1] != n:
        raise ValueError("per_sample must be (3, n)")
    with nogil:
        for batch in range((n + CHUNK - 1) // CHUNK):
            start = batch * CHUNK
            m = min(<Py_ssize_t> CHUNK, n - start)
            # the softmax's numerators into Θ's rows (shifted: into E too), and
            # the logs of their sums
            for b in range(m):
                i = start + b
                if shifting:
                    total = 0.0
                    for k in range(K):
                        eta[k, i] += dv[k]
                        e = E[k, i] * scale[k]
                        E[k, i] = e
                        theta[i, k] = e
                        total += e
                    sums[i] = total
                else:
                    for k in range(K):
                        theta[i, k] = E[k, i]
                total_b[b] = sums[i]
            vlog(total_b, log_b, m)
            for b in range(m):
                i = start + b
                si = sw[i] if weighted else 1.0
                lse = shift[i] + log_b[b]
                loss += si * (lse - eta[codes[i], i])
                p_eta = 0.0
                inv = 1.0 / total_b[b]
                for k in range(K):
                    pk = theta[i, k] * inv
                    p_eta += pk * eta[k, i]
                    grad[k] += si * pk
                    theta[i, k] = -pk
                theta[i, codes[i]] += 1.0
                totals[codes[i]] += si
                per_sample[0, i] = 1.0 - theta[i, codes[i]]
                per_sample[1, i] = p_eta - lse
                per_sample[2, i] = eta[codes[i], i] - lse
        for k in range(K):
            grad[k] -= totals[k]
    return loss, np.asarray(grad)


def softmax_gradient(const double[:, ::1] E, const double[::1] sums, const double[::1] totals,
                     const double[::1] sw, hess=None, delta=None):
    """The intercepts' gradient Σ_i s_i (P_ik − Y_ik) from a kept softmax, alone.

    For the intercepts' Newton steps, whose Θ is not needed: E (K, n) and its
    column sums as in :func:`softmax_pass`'s ``kept``; no exponential, no log,
    nothing written per sample. ``totals`` (K,): the labels' Σ_i s_i Y_ik.
    ``delta`` (K,): at the intercepts shifted by it (P_ik ∝ E_ki e^delta_k;
    the caller keeps delta below 50), E left as is. ``hess`` (K, K), out: the
    intercepts' Hessian Σ_i s_i (diag P_i − P_i P_iᵀ) there.
    """
    cdef Py_ssize_t K = E.shape[0], n = E.shape[1], i, k, b, batch, start, m
    cdef bint weighted = sw.shape[0] > 0, shifting = delta is not None
    cdef double sk
    cdef double inv_b[CHUNK]
    cdef double w_b[CHUNK]
    cdef double[::1] grad = np.zeros(K)
    cdef double[::1] scale = np.exp(delta) if shifting else np.ones(K)
    cdef HessianSum h
    cdef double[:, ::1] H
    if sums.shape[0] != n or (weighted and sw.shape[0] != n) or totals.shape[0] != K:
        raise ValueError("sums (and sw if not empty) must have one entry per sample, "
                         "totals one per class")
    if scale.shape[0] != K:
        raise ValueError("delta must have one entry per class")
    H = _hessian_start(hess, K, &h)
    with nogil:
        for batch in range((n + CHUNK - 1) // CHUNK):
            start = batch * CHUNK
            m = min(<Py_ssize_t> CHUNK, n - start)
            if shifting:  # the shifted softmax's sums
                for b in range(m):
                    inv_b[b] = 0.0
                for k in range(K):
                    sk = scale[k]
                    for b in range(m):
                        inv_b[b] += E[k, start + b] * sk
                for b in range(m):
                    inv_b[b] = 1.0 / inv_b[b]
            else:
                for b in range(m):
                    inv_b[b] = 1.0 / sums[start + b]
            for b in range(m):
                w_b[b] = (sw[start + b] if weighted else 1.0) * inv_b[b]
            for k in range(K):
                grad[k] += scale[k] * dot(&E[k, start], w_b, m)
            if h.acc != NULL:
                for b in range(m):
                    h.weight[b] = sw[start + b] if weighted else 1.0
                for k in range(K):
                    sk = scale[k]
                    for b in range(m):
                        h.rows[k * CHUNK + b] = E[k, start + b] * sk * inv_b[b]
                _hessian_batch(&h, m)
        if h.acc != NULL:
            _hessian_out(H, &h, grad)
        for k in range(K):
            grad[k] -= totals[k]
    return np.asarray(grad)


def entropy_sum(double c, const double[:, ::1] per_sample, const double[::1] sw):
    """Σ_i s_i H((1 − c) Y_i + c P_i): the dual value of the point cΘ, Θ = Y − P.

    From the per-sample sums of :func:`softmax_pass` (no log per class): the
    other classes' entries c P_k contribute c log c (1 − P_y) + c (Σ_k P_k log P_k
    − P_y log P_y); the true class's q log q with q = 1 − c + c P_y. The
    intercepts' rounding correction of Θ is left out (below 1e-12 relative).
    """
    cdef Py_ssize_t n = per_sample.shape[1], i, b, batch, start, m
    cdef bint weighted = sw.shape[0] > 0
    cdef double c_log_c = c * log(c) if c > 0.0 else 0.0
    cdef double q, p_y, h, acc = 0.0
    cdef double q_b[CHUNK]
    cdef double log_b[CHUNK]
    if per_sample.shape[0] != 3 or (weighted and sw.shape[0] != n):
        raise ValueError("per_sample must be (3, n) and sw empty or (n,)")
    with nogil:
        for batch in range((n + CHUNK - 1) // CHUNK):
            start = batch * CHUNK
            m = min(<Py_ssize_t> CHUNK, n - start)
            for b in range(m):
                q = 1.0 - c + c * per_sample[0, start + b]
                q_b[b] = q if q > 0.0 else 1.0   # (q log q = 0 at q = 0)
            vlog(q_b, log_b, m)
            for b in range(m):
                i = start + b
                p_y = per_sample[0, i]
                h = (c_log_c * (1.0 - p_y) + c * (per_sample[1, i] - p_y * per_sample[2, i])
                     + q_b[b] * log_b[b])
                acc -= sw[i] * h if weighted else h
    return acc


def penalty_terms(const double[:, ::1] Zt, const double[:, ::1] W, const Py_ssize_t[::1] cols,
                  const double[::1] v, const double[::1] u, double l1, double l2,
                  bint positive, double[::1] scores):
    """The elastic net's side of the multinomial gap, in one pass over the features.

    Parameters
    ----------
    Zt : ndarray of shape (m, K)
        The correlations x̄_jᵀSΘ_k of the features ``cols``, one row each.
    W : ndarray of shape (K, p)
        The coefficients.
    cols : ndarray of intp, shape (m,)
        The features: every one that may be nonzero in W.
    v, u : ndarray of shape (p,)
        The L1 and L2 penalty factors (v_j = 0: unpenalized).
    l1, l2 : float
        The penalty's levels.
    positive : bool
        Whether the coefficients are constrained nonnegative.
    scores : ndarray of shape (m,), out
        Each feature's dual violation max_k |x̄_jᵀSΘ_k − l2 u_j B_kj| / v_j (the
        positive part without the absolute value with ``positive``); 0 for the
        unpenalized, which leave the dual norm and the conjugate.

    Returns
    -------
    l1_norm, l2_norm : float
        Σ v_j |B_kj| and Σ u_j B_kj² over the features.
    dual_norm : float
        The largest score.
    conjugate : float
        Σ (|x̄_jᵀSΘ_k| − l1 v_j)₊² / (2 l2 u_j) over the penalized features: the
        L2 term's conjugate at Θ itself (0 when l2 = 0).
    """
    cdef Py_ssize_t m = Zt.shape[0], K = Zt.shape[1], t, j, k
    cdef double l1_norm = 0.0, l2_norm = 0.0, dual_norm = 0.0, conjugate = 0.0
    cdef double a, z, w, top, excess, shrink
    if W.shape[0] != K or cols.shape[0] != m or scores.shape[0] != m:
        raise ValueError("Zt (m, K), W (K, p), cols (m,) and scores (m,) must agree")
    if v.shape[0] != W.shape[1] or u.shape[0] != W.shape[1]:
        raise ValueError("v and u must have one entry per feature")
    with nogil:
        for t in range(m):
            j = cols[t]
            if j < 0 or j >= W.shape[1]:
                with gil:
                    raise IndexError("cols holds a feature out of range")
            top = 0.0
            shrink = l2 * u[j]
            for k in range(K):
                w = W[k, j]
                z = Zt[t, k]
                l1_norm += v[j] * fabs(w)
                l2_norm += u[j] * w * w
                a = z - shrink * w
                a = a if positive else fabs(a)
                top = a if a > top else top
                if l2 > 0.0 and v[j] > 0.0:
                    excess = (z if positive else fabs(z)) - l1 * v[j]
                    if excess > 0.0:
                        conjugate += excess * excess / (2.0 * shrink)
            if v[j] > 0.0:
                scores[t] = top / v[j]
                dual_norm = scores[t] if scores[t] > dual_norm else dual_norm
            else:
                scores[t] = 0.0
    return l1_norm, l2_norm, dual_norm, conjugate
