# The logistic datafit F(w, b) = Σ_i s_i [log(1 + e^η_i) − y_i η_i], η = Xw + b,
# y ∈ {0, 1} (n times the user-facing loss). The solver's state is the same as
# the quadratic datafit's: r = −Xw and offset = −b, so that η = −(r + offset)
# and a coordinate move is the same column update (with zero column means:
# the intercept is explicit, not centered away).
#
# What it gives the solver: its value, the dual point θ = y − σ(η) built from
# the state (S-centered by the exact intercept step), the conjugate at a dual
# point (a weighted binary entropy), the Gap Safe radius (the entropy is
# 4-strongly concave: radius √(gap/2)), and the Newton model of one step
# (Hessian weights s_i p_i (1 − p_i) and the working response), solved by the
# quadratic's coordinate descent (_newton.pxd).
from libc.math cimport INFINITY, NAN, fabs, isnan
from libc.string cimport memcmp, memcpy

from ._columns cimport Data
from ._vmath cimport CHUNK, vexp, vlog


cdef struct Logistic:
    const double* y             # labels, 0 or 1
    bint fit_intercept
    double* prob                # n: σ(η) at the current state (see logit_refresh)
    double* try_prob            # n: the same at a line-search trial
    double* try_r               # n: the state r at that trial
    double* cached_r            # n: the state r the cache above belongs to
    double* cached_offset       # 1: and its offset (NaN: none)
    double* cached_loss         # 1: F at that state (NaN: σ(η) only, F not computed)
    double* spare               # n: left alone by the binary loss (the multinomial class
                                #    cycle's buffer)
    double* memo                # 4: the last dual value's scale c, value, slope and
                                #    curvature (``logit_dual_value``; NaN: none)
    double* memo_theta          # n: and its θ
    double* hess                # n: Newton weights s_i p_i (1 − p_i)
    double* response            # n: working response, then the Newton step in η
    double* r_model             # n: the Newton model's residual
    double* model_mean          # p: column means under the Newton weights
    double* model_sq_norm       # p: centered squared column norms under them
    double* w_start             # p: working-set coefficients at the Newton step's start
    # the unpenalized block (penalty factor 0; see _logit_block.pxd)
    Py_ssize_t n_unpen          # k unpenalized, nonconstant features
    const Py_ssize_t* unpen     # k: their indices
    const double* unpen_mean    # k: their weighted means (0 without intercept)
    const double* unpen_gram    # k × k: X̄_UᵀSX̄_U, the centered columns' Gram matrix
    double* block               # 2 (k + 1)² + 3 (k + 1): the block's Newton and projection scratch


cdef inline double _eta_at(const double* r, double offset, const double* step, double t,
                           double* r_out, Py_ssize_t i) noexcept nogil:
    """η_i at the state (r − t · step, offset), writing the trial's r_i to ``r_out``
    (``step`` NULL: at r itself)."""
    cdef double ri = r[i]
    if step != NULL:
        ri = ri - t * step[i]
        r_out[i] = ri
    return -(ri + offset)


cdef inline Py_ssize_t _eta_batch(const Data* d, const double* r, double offset,
                                  const double* step, double t, double* r_out,
                                  Py_ssize_t start, double* eta, double* e) noexcept nogil:
    """η (as ``_eta_at``) and e^(−|η|) of the batch of samples from ``start`` into
    ``eta`` and ``e``; returns the batch's size (at most CHUNK)."""
    cdef Py_ssize_t k, m = min(<Py_ssize_t> CHUNK, d.n_samples - start)
    for k in range(m):
        eta[k] = _eta_at(r, offset, step, t, r_out, start + k)
        e[k] = -fabs(eta[k])
    vexp(e, e, m)
    return m


cdef inline double _sigmoid(double eta, double e) noexcept nogil:
    """σ(η) from e = e^(−|η|), without overflow (one division, no branch to mispredict)."""
    cdef double top = 1.0 if eta >= 0.0 else e
    return top / (1.0 + e)


cdef inline double _log1p_at(double x, double log_u) noexcept nogil:
    """log(1 + x) from log_u = log(u), u = 1 + x rounded, to a few ulps: the ratio
    x / (u − 1) undoes the rounding of 1 + x to first order (Goldberg 1991, thm. 4)."""
    cdef double u = 1.0 + x
    if u == 1.0:
        return x
    return log_u * (x / (u - 1.0))


cdef inline double logit_evaluate(const Data* d, const Logistic* f, const double* r,
                                  double offset, const double* step, double t, double* r_out,
                                  double* prob) noexcept nogil:
    """F at the state (r − t · step, offset) (``step`` NULL: at r itself), keeping σ(η) of
    every sample in ``prob``: one exp and one log each, a batch of samples at a time
    (``_vmath.pxd``).

    With a step, the trial's r goes to ``r_out``: an accepted trial then becomes
    the state bit for bit, and its probabilities the cache of that state.
    """
    cdef Py_ssize_t batch, start, m, k, i
    cdef double eta[CHUNK]
    cdef double e[CHUNK]
    cdef double u[CHUNK]
    cdef double lse, acc = 0.0
    for batch in range((d.n_samples + CHUNK - 1) // CHUNK):
        start = batch * CHUNK
        m = _eta_batch(d, r, offset, step, t, r_out, start, eta, e)
        for k in range(m):
            u[k] = 1.0 + e[k]
        vlog(u, u, m)
        for k in range(m):
            i = start + k
            lse = (eta[k] if eta[k] > 0.0 else 0.0) + _log1p_at(e[k], u[k])  # log(1 + e^η)
            prob[i] = _sigmoid(eta[k], e[k])
            acc += (d.sw[i] if d.weighted else 1.0) * (lse - f.y[i] * eta[k])
    return acc


cdef inline double logit_probabilities(const Data* d, const Logistic* f, const double* r,
                                       double offset, const double* step, double t, double db,
                                       double* r_out, double* prob) noexcept nogil:
    """σ(η) at the state (r − t · step, offset) into ``prob`` (``step`` NULL: at r itself),
    one exp per sample and no log; returns the loss's slope along the step there,
    Σ_i s_i (σ(η_i) − y_i) (step_i + db) (0 without a step).

    As ``logit_evaluate``, with a step the trial's r goes to ``r_out``; its
    probabilities are bit for bit ``logit_evaluate``'s.
    """
    cdef Py_ssize_t batch, start, m, k, i
    cdef double eta[CHUNK]
    cdef double e[CHUNK]
    cdef double p, slope = 0.0
    for batch in range((d.n_samples + CHUNK - 1) // CHUNK):
        start = batch * CHUNK
        m = _eta_batch(d, r, offset, step, t, r_out, start, eta, e)
        for k in range(m):
            i = start + k
            p = _sigmoid(eta[k], e[k])
            prob[i] = p
            if step != NULL:
                slope += (d.sw[i] if d.weighted else 1.0) * (p - f.y[i]) * (step[i] + db)
    return slope


cdef inline double logit_cached_value(const Logistic* f) noexcept nogil:
    """F at the state whose σ(η) and value are cached (``logit_refresh``): no pass."""
    return f.cached_loss[0]


cdef inline void logit_mark_cached(const Data* d, const Logistic* f, const double* r,
                                   double offset, double value) noexcept nogil:
    """Record that the cached probabilities are those of the state (r, offset), and
    F = ``value`` there (NaN: not computed)."""
    memcpy(f.cached_r, r, d.n_samples * sizeof(double))
    f.cached_offset[0] = offset
    f.cached_loss[0] = value


cdef inline bint _logit_is_cached(const Data* d, const Logistic* f, const double* r,
                                  double offset) noexcept nogil:
    return (f.cached_offset[0] == offset
            and memcmp(r, f.cached_r, d.n_samples * sizeof(double)) == 0)


cdef inline double logit_refresh(const Data* d, const Logistic* f, const double* r,
                                 double offset) noexcept nogil:
    """F at the state, refreshing the cached probabilities (``f.prob``) and value.

    A state the cache already belongs to (the warm start of the next alpha,
    a working set that screening left alone) costs a comparison and no
    transcendental.
    """
    cdef double value
    if not isnan(f.cached_loss[0]) and _logit_is_cached(d, f, r, offset):
        return f.cached_loss[0]
    value = logit_evaluate(d, f, r, offset, NULL, 0.0, NULL, f.prob)
    logit_mark_cached(d, f, r, offset, value)
    return value


cdef inline void logit_refresh_probabilities(const Data* d, const Logistic* f, const double* r,
                                             double offset) noexcept nogil:
    """``logit_refresh`` for σ(η) only (no log): the intercept's Newton iterations
    need the probabilities of every iterate, the value of the last one only."""
    if _logit_is_cached(d, f, r, offset):
        return
    logit_probabilities(d, f, r, offset, NULL, 0.0, 0.0, NULL, f.prob)
    logit_mark_cached(d, f, r, offset, NAN)


cdef inline void logit_intercept_step(const Data* d, const Logistic* f, const double* r,
                                      double* offset) noexcept nogil:
    """The exact intercept: Newton on b = −offset until Σ_i s_i (y_i − σ(η_i)) = 0.

    Each iteration reads the probabilities of ``logit_refresh_probabilities``
    (one exp per sample), which leaves them cached at the final state: after
    a Newton step, which moves the intercept too, the first iteration is
    usually free and the second the last. The value (a log per sample) is
    left to the caller's ``logit_refresh``.
    """
    cdef Py_ssize_t i, it
    cdef double p, si, g, h, step
    for it in range(100):
        logit_refresh_probabilities(d, f, r, offset[0])
        g = 0.0
        h = 0.0
        for i in range(d.n_samples):
            si = d.sw[i] if d.weighted else 1.0
            p = f.prob[i]
            g += si * (p - f.y[i])
            h += si * p * (1.0 - p)
        if fabs(g) <= 1e-12 * d.n_samples or h <= 0.0:
            return
        step = g / h
        # a Newton step from a saturated start can overshoot: at most e^8 in odds
        if step > 8.0:
            step = 8.0
        elif step < -8.0:
            step = -8.0
        offset[0] += step   # b −= step
    logit_refresh_probabilities(d, f, r, offset[0])


cdef inline void logit_dual_point(const Data* d, const Logistic* f,
                                  double* theta) noexcept nogil:
    """θ = y − σ(η) from the cached probabilities, S-centered when an intercept is fitted
    (the intercept step leaves a rounding error in Σ s θ)."""
    cdef Py_ssize_t i
    cdef double total = 0.0
    for i in range(d.n_samples):
        theta[i] = f.y[i] - f.prob[i]
        total += (d.sw[i] if d.weighted else 1.0) * theta[i]
    if f.fit_intercept:
        total /= d.n_samples  # the weights sum to n
        for i in range(d.n_samples):
            theta[i] -= total


cdef inline double logit_dual_value(const Data* d, const Logistic* f, const double* theta,
                                    double c, double* slope, double* curvature) noexcept nogil:
    """−Σ_i s_i F_i*(−cθ_i) = Σ_i s_i H(q_i), q = y − cθ, H the binary entropy.

    H(q) = H(a) with a = |y − q| = ±cθ_i, the probability left to the other
    label: two logs per sample, log a and log(1 − a) (the latter as log1p),
    a batch of samples at a time (``_vmath.pxd``). a leaves (0, 1) only by
    rounding, at a saturated sample: H = 0 there, its limit.

    Also, for the bound of ``logit_dual_value_memo``: the value's derivative
    in c, Σ_i s_i (a_i/c) log((1 − a_i)/a_i), into ``slope``, and
    Σ_i s_i (a_i/c) / (1 − a_i) into ``curvature`` (times 1/c', it bounds the
    second derivative's size at every scale c' ≤ c).
    """
    cdef Py_ssize_t batch, start, m, k, i
    cdef double a[CHUNK]
    cdef double la[CHUNK]
    cdef double lb[CHUNK]
    cdef double si, log_b, term, acc = 0.0, d1 = 0.0, d2 = 0.0
    for batch in range((d.n_samples + CHUNK - 1) // CHUNK):
        start = batch * CHUNK
        m = min(<Py_ssize_t> CHUNK, d.n_samples - start)
        for k in range(m):
            i = start + k
            a[k] = (2.0 * f.y[i] - 1.0) * (c * theta[i])  # (±cθ_i: no branch on y)
            if not (a[k] > 0.0 and a[k] < 1.0):
                a[k] = 0.0     # H = 0; 1/2 below keeps the logs in range
            la[k] = a[k] if a[k] > 0.0 else 0.5
            lb[k] = 1.0 - la[k]
        vlog(la, la, m)
        vlog(lb, lb, m)
        for k in range(m):
            i = start + k
            si = d.sw[i] if d.weighted else 1.0
            log_b = _log1p_at(-a[k], lb[k])
            term = -a[k] * la[k] - (1.0 - a[k]) * log_b
            acc += si * term
            d1 += si * a[k] * (log_b - la[k])
            d2 += si * a[k] / (1.0 - a[k])
    slope[0] = d1 / c if c > 0.0 else 0.0
    curvature[0] = d2 / c if c > 0.0 else INFINITY
    return acc


cdef inline double logit_dual_value_memo(const Data* d, const Logistic* f, const double* theta,
                                         double c, bint bound) noexcept nogil:
    """``logit_dual_value``, remembered: the certificate after a working set's
    gap is usually at the same θ and scale (a comparison instead of a pass).

    With ``bound``, a scale c a little below the remembered c₀ at the same θ
    (the first gap at the next alpha: a smaller penalty, the same dual point)
    gets a lower bound instead of a pass, which leaves the gap an upper
    bound. Each H(c|θ_i|) is smooth on [c, c₀], its second derivative at most
    (|θ_i|/c) / (1 − c₀|θ_i|) in size there, so D(c) ≥ D(c₀) + D'(c₀)(c − c₀)
    − ½ K (c − c₀)² / c, K the remembered ``curvature``. Within 10% of c₀ it is
    about as tight as the value itself (one step of a 100-alpha grid is 5%).
    """
    cdef double value, c0 = f.memo[0], dc = c - f.memo[0]
    if (c == c0 or (bound and 0.9 * c0 <= c < c0)) and (
            memcmp(theta, f.memo_theta, d.n_samples * sizeof(double)) == 0):
        if c == c0:
            return f.memo[1]
        return f.memo[1] + f.memo[2] * dc - 0.5 * f.memo[3] * dc * dc / c
    value = logit_dual_value(d, f, theta, c, &f.memo[2], &f.memo[3])
    memcpy(f.memo_theta, theta, d.n_samples * sizeof(double))
    f.memo[0] = c
    f.memo[1] = value
    return value
