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
from libc.math cimport NAN, exp, fabs, isnan, log
from libc.string cimport memcmp, memcpy

from ._columns cimport Data


cdef struct Logistic:
    const double* y             # labels, 0 or 1
    bint fit_intercept
    double* prob                # n: σ(η) at the current state (see logit_refresh)
    double* lse                 # n: log(1 + e^η) at the current state
    double* try_prob            # n: the same at a line-search trial
    double* try_lse             # n
    double* try_r               # n: the state r at that trial
    double* cached_r            # n: the state r the cache above belongs to
    double* cached_offset       # 1: and its offset (NaN: none)
    double* cached_loss         # 1: F at that state, when ``lse`` is cached too (NaN: σ(η) only)
    double* memo                # 2: the last dual value's scale c and value (NaN: none)
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


cdef inline double log1p_(double x) noexcept nogil:
    """log(1 + x), x > −1, to a few ulps with one log: 1 + x rounds, and the ratio
    x / ((1 + x) − 1) undoes the rounding to first order (Goldberg 1991, thm. 4).
    glibc's log1p measured several times slower than its log on the paths."""
    cdef double u = 1.0 + x
    if u == 1.0:
        return x
    return log(u) * (x / (u - 1.0))


cdef inline double entropy(double q) noexcept nogil:
    """Binary entropy −q log q − (1 − q) log(1 − q), 0 at (and, for rounding, beyond) 0 and 1."""
    if q <= 0.0 or q >= 1.0:
        return 0.0
    return -q * log(q) - (1.0 - q) * log1p_(-q)


cdef inline double _eta_at(const double* r, double offset, const double* step, double t,
                           double* r_out, Py_ssize_t i) noexcept nogil:
    """η_i at the state (r − t · step, offset), writing the trial's r_i to ``r_out``
    (``step`` NULL: at r itself)."""
    cdef double ri = r[i]
    if step != NULL:
        ri = ri - t * step[i]
        r_out[i] = ri
    return -(ri + offset)


cdef inline double _sigmoid(double eta, double e) noexcept nogil:
    """σ(η) from e = e^(−|η|), without overflow."""
    return 1.0 / (1.0 + e) if eta >= 0.0 else e / (1.0 + e)


cdef inline double logit_evaluate(const Data* d, const Logistic* f, const double* r,
                                  double offset, const double* step, double t, double* r_out,
                                  double* prob, double* lse) noexcept nogil:
    """F at the state (r − t · step, offset) (``step`` NULL: at r itself), keeping σ(η) and
    log(1 + e^η) of every sample in ``prob`` and ``lse``: one exp and one log each.

    With a step, the trial's r goes to ``r_out``: an accepted trial then becomes
    the state bit for bit, and its probabilities the cache of that state.
    """
    cdef Py_ssize_t i
    cdef double eta, e, acc = 0.0
    for i in range(d.n_samples):
        eta = _eta_at(r, offset, step, t, r_out, i)
        e = exp(-fabs(eta))
        lse[i] = (eta if eta > 0.0 else 0.0) + log1p_(e)
        prob[i] = _sigmoid(eta, e)
        acc += (d.sw[i] if d.weighted else 1.0) * (lse[i] - f.y[i] * eta)
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
    cdef Py_ssize_t i
    cdef double eta, p, slope = 0.0
    for i in range(d.n_samples):
        eta = _eta_at(r, offset, step, t, r_out, i)
        p = _sigmoid(eta, exp(-fabs(eta)))
        prob[i] = p
        if step != NULL:
            slope += (d.sw[i] if d.weighted else 1.0) * (p - f.y[i]) * (step[i] + db)
    return slope


cdef inline double logit_cached_value(const Logistic* f) noexcept nogil:
    """F at the state whose σ(η) and log(1 + e^η) are cached (``logit_refresh``): kept
    with them, no pass."""
    return f.cached_loss[0]


cdef inline void logit_mark_cached(const Data* d, const Logistic* f, const double* r,
                                   double offset, double value) noexcept nogil:
    """Record that the cached probabilities are those of the state (r, offset), and
    the cached log(1 + e^η) too, with F = ``value``, unless ``value`` is NaN."""
    memcpy(f.cached_r, r, d.n_samples * sizeof(double))
    f.cached_offset[0] = offset
    f.cached_loss[0] = value


cdef inline bint _logit_is_cached(const Data* d, const Logistic* f, const double* r,
                                  double offset) noexcept nogil:
    return (f.cached_offset[0] == offset
            and memcmp(r, f.cached_r, d.n_samples * sizeof(double)) == 0)


cdef inline double logit_refresh(const Data* d, const Logistic* f, const double* r,
                                 double offset) noexcept nogil:
    """F at the state, refreshing the cached probabilities (``f.prob``, ``f.lse``).

    A state the cache already belongs to (the warm start of the next alpha,
    a working set that screening left alone) costs a comparison and no
    transcendental.
    """
    cdef double value
    if not isnan(f.cached_loss[0]) and _logit_is_cached(d, f, r, offset):
        return f.cached_loss[0]
    value = logit_evaluate(d, f, r, offset, NULL, 0.0, NULL, f.prob, f.lse)
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


cdef inline double _log1p_near0(double x) noexcept nogil:
    """log(1 + x): four terms of the series for |x| < 1e-4 (relative error < 3e-17)."""
    if fabs(x) < 1e-4:
        return x * (1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x)))
    return log1p_(x)


cdef inline double logit_dual_value(const Data* d, const Logistic* f, const double* r,
                                    double offset, const double* theta,
                                    double c) noexcept nogil:
    """−Σ_i s_i F_i*(−cθ_i) = Σ_i s_i H(q_i), q = y − cθ, H the binary entropy.

    Two logs per sample computed directly; here mostly none: with μ = y − p − θ
    the offset of θ from the state's own dual point (p, log p = η − log(1 + e^η)
    and log(1 − p) = −log(1 + e^η) cached at the state; μ = 0 exactly without
    an intercept), q and 1 − q are c·p, p, c·(1 − p) or 1 − p times 1 + x,
    with x of the order of 1 − c and of μ, small near a solution: log(1 + x)
    is then a short series.
    """
    cdef Py_ssize_t i
    cdef double acc = 0.0, term, log_c = log(c) if c > 0.0 else 0.0, omc = 1.0 - c
    cdef double p, b, q, mu, eta, lse, log_q, log_1q
    for i in range(d.n_samples):
        q = f.y[i] - c * theta[i]
        if q <= 0.0 or q >= 1.0:
            continue  # H(q) = 0 (beyond 0 and 1: rounding, see entropy)
        p = f.prob[i]
        b = 1.0 - p
        if p <= 0.0 or b <= 0.0:
            term = entropy(q)  # saturated: directly
        else:
            lse = f.lse[i]
            eta = -(r[i] + offset)
            if f.y[i] != 0.0:
                mu = b - theta[i]             # 1 − q = c(1 − p − μ)
                log_1q = log_c - lse
                if mu != 0.0:
                    log_1q += _log1p_near0(-mu / b)
                log_q = eta - lse
                if omc != 0.0 or mu != 0.0:
                    log_q += _log1p_near0((omc * b + c * mu) / p)
            else:
                mu = -p - theta[i]            # q = c(p + μ)
                log_q = log_c + eta - lse
                if mu != 0.0:
                    log_q += _log1p_near0(mu / p)
                log_1q = -lse
                if omc != 0.0 or mu != 0.0:
                    log_1q += _log1p_near0((omc * p - c * mu) / b)
            term = -q * log_q - (1.0 - q) * log_1q
        acc += (d.sw[i] * term) if d.weighted else term
    return acc


cdef inline double logit_dual_value_memo(const Data* d, const Logistic* f, const double* r,
                                         double offset, const double* theta,
                                         double c) noexcept nogil:
    """``logit_dual_value``, remembered: the certificate after a working set's
    gap is usually at the same θ and scale (a comparison instead of a pass)."""
    cdef double value
    if f.memo[0] == c and memcmp(theta, f.memo_theta, d.n_samples * sizeof(double)) == 0:
        return f.memo[1]
    value = logit_dual_value(d, f, r, offset, theta, c)
    memcpy(f.memo_theta, theta, d.n_samples * sizeof(double))
    f.memo[0] = c
    f.memo[1] = value
    return value
