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
from libc.math cimport exp, fabs, log, log1p

from ._columns cimport Data


cdef struct Logistic:
    const double* y             # labels, 0 or 1
    bint fit_intercept
    double* prob                # n: σ(η) at the current state (see logit_refresh)
    double* lse                 # n: log(1 + e^η) at the current state
    double* try_prob            # n: the same at a line-search trial
    double* try_lse             # n
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
    double* block               # (k + 1)² + 2 (k + 1): the block Newton's and projection's scratch


cdef inline double log1pexp(double t) noexcept nogil:
    """log(1 + e^t) without overflow."""
    if t > 0.0:
        return t + log1p(exp(-t))
    return log1p(exp(t))


cdef inline double sigmoid(double t) noexcept nogil:
    cdef double e
    if t >= 0.0:
        return 1.0 / (1.0 + exp(-t))
    e = exp(t)
    return e / (1.0 + e)


cdef inline double entropy(double q) noexcept nogil:
    """Binary entropy −q log q − (1 − q) log(1 − q), 0 at (and, for rounding, beyond) 0 and 1."""
    if q <= 0.0 or q >= 1.0:
        return 0.0
    return -q * log(q) - (1.0 - q) * log1p(-q)


cdef inline double logit_evaluate(const Data* d, const Logistic* f, const double* r,
                                  double offset, const double* step, double t, double* prob,
                                  double* lse) noexcept nogil:
    """F at η = −(r + offset) + t · step (``step`` NULL: at η itself), keeping σ(η) and
    log(1 + e^η) of every sample in ``prob`` and ``lse``: one exp and one log1p each."""
    cdef Py_ssize_t i
    cdef double eta, e, acc = 0.0
    for i in range(d.n_samples):
        eta = -(r[i] + offset)
        if step != NULL:
            eta += t * step[i]
        e = exp(-fabs(eta))
        lse[i] = (eta if eta > 0.0 else 0.0) + log1p(e)
        prob[i] = 1.0 / (1.0 + e) if eta >= 0.0 else e / (1.0 + e)
        acc += (d.sw[i] if d.weighted else 1.0) * (lse[i] - f.y[i] * eta)
    return acc


cdef inline double logit_refresh(const Data* d, const Logistic* f, const double* r,
                                 double offset) noexcept nogil:
    """F at the state, refreshing the cached probabilities (``f.prob``, ``f.lse``)."""
    return logit_evaluate(d, f, r, offset, NULL, 0.0, f.prob, f.lse)


cdef inline double logit_cached_value(const Data* d, const Logistic* f, const double* r,
                                      double offset) noexcept nogil:
    """F at the state from the cached log(1 + e^η) (no transcendental)."""
    cdef Py_ssize_t i
    cdef double acc = 0.0
    for i in range(d.n_samples):
        acc += (d.sw[i] if d.weighted else 1.0) * (f.lse[i] + f.y[i] * (r[i] + offset))
    return acc


cdef inline void logit_intercept_step(const Data* d, const Logistic* f, const double* r,
                                      double* offset) noexcept nogil:
    """The exact intercept: Newton on b = −offset until Σ_i s_i (y_i − σ(η_i)) = 0."""
    cdef Py_ssize_t i, it
    cdef double p, si, g, h, step
    # (the caller refreshes the cached probabilities afterwards)
    for it in range(100):
        g = 0.0
        h = 0.0
        for i in range(d.n_samples):
            si = d.sw[i] if d.weighted else 1.0
            p = sigmoid(-(r[i] + offset[0]))
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
                                    double c) noexcept nogil:
    """−Σ_i s_i F_i*(−cθ_i) = Σ_i s_i H(y_i − cθ_i), H the binary entropy."""
    cdef Py_ssize_t i
    cdef double acc = 0.0
    for i in range(d.n_samples):
        acc += (d.sw[i] if d.weighted else 1.0) * entropy(f.y[i] - c * theta[i])
    return acc
