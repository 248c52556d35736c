/* exp and log over arrays, four at a time where the CPU has AVX2 and FMA.
 *
 * The logistic and softmax datafits spend most of their time in one exp or
 * log per sample; libm's are scalar. Here each is a short polynomial on
 * four lanes, within 1 ulp of the exact value on its normal range:
 *
 *   exp: x = k ln2 + r, |r| <= ln2/2 (ln2 split in two parts); e^r by its
 *        Taylor series to degree 13 (remainder below 2^-58), times 2^k
 *        written into the exponent bits.
 *   log: x = 2^k m, m in [sqrt(2)/2, sqrt(2)); log m = 2 atanh(s),
 *        s = (m - 1)/(m + 1), with fdlibm's minimax coefficients (e_log.c).
 *
 * Lanes outside that range (exp: x < -708 or > 709, NaN; log: x below the
 * smallest normal, infinite or NaN) are recomputed by libm. Without AVX2
 * (or on other CPUs and compilers) both are plain libm loops. `out` may be
 * `x` itself.
 */
#ifndef FASTREG_VMATH_H
#define FASTREG_VMATH_H

#include <math.h>
#include <stddef.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FR_VMATH_AVX2 1
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static void fr_vexp_avx2(const double* x, double* out, ptrdiff_t n)
{
    const __m256d log2e = _mm256_set1_pd(1.4426950408889634);
    const __m256d shifter = _mm256_set1_pd(6755399441055744.0);  /* 1.5 * 2^52 */
    const __m256d ln2_hi = _mm256_set1_pd(6.93147180369123816490e-01);
    const __m256d ln2_lo = _mm256_set1_pd(1.90821492927058770002e-10);
    const __m256d lo = _mm256_set1_pd(-708.0), hi = _mm256_set1_pd(709.0);
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256i bias = _mm256_set1_epi64x(1023);
    ptrdiff_t i = 0;
    double saved[4];
    for (; i + 4 <= n; i += 4) {
        __m256d v = _mm256_loadu_pd(x + i);
        __m256d outside = _mm256_or_pd(_mm256_cmp_pd(v, lo, _CMP_LT_OQ),
                                       _mm256_cmp_pd(v, hi, _CMP_NLE_UQ));
        /* k = round(x / ln2): adding 1.5 * 2^52 leaves k in the low bits */
        __m256d kd = _mm256_fmadd_pd(v, log2e, shifter);
        __m256i k = _mm256_castpd_si256(kd);
        kd = _mm256_sub_pd(kd, shifter);
        __m256d r = _mm256_fnmadd_pd(kd, ln2_hi, v);
        r = _mm256_fnmadd_pd(kd, ln2_lo, r);
        __m256d p = _mm256_set1_pd(1.0 / 6227020800.0);
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 479001600.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 39916800.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 3628800.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 362880.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 40320.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 5040.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 720.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 120.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 24.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 6.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(0.5));
        p = _mm256_fmadd_pd(p, r, one);
        p = _mm256_fmadd_pd(p, r, one);
        __m256i scale = _mm256_slli_epi64(_mm256_add_epi64(k, bias), 52);
        if (!_mm256_testz_pd(outside, outside)) {
            _mm256_storeu_pd(saved, v);
            _mm256_storeu_pd(out + i, _mm256_mul_pd(p, _mm256_castsi256_pd(scale)));
            for (int j = 0; j < 4; j++)
                if (!(saved[j] >= -708.0 && saved[j] <= 709.0))
                    out[i + j] = exp(saved[j]);
        } else {
            _mm256_storeu_pd(out + i, _mm256_mul_pd(p, _mm256_castsi256_pd(scale)));
        }
    }
    for (; i < n; i++)
        out[i] = exp(x[i]);
}

__attribute__((target("avx2,fma")))
static void fr_vlog_avx2(const double* x, double* out, ptrdiff_t n)
{
    const __m256d one = _mm256_set1_pd(1.0), half = _mm256_set1_pd(0.5);
    const __m256d sqrt2 = _mm256_set1_pd(1.4142135623730951);
    const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
    const __m256d ln2_hi = _mm256_set1_pd(6.93147180369123816490e-01);
    const __m256d ln2_lo = _mm256_set1_pd(1.90821492927058770002e-10);
    const __m256d smallest = _mm256_set1_pd(2.2250738585072014e-308);
    const __m256d largest = _mm256_set1_pd(1.7976931348623157e308);
    const __m256i mantissa = _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL);
    const __m256i one_bits = _mm256_set1_epi64x(0x3FF0000000000000LL);
    const __m256i two52_bits = _mm256_set1_epi64x(0x4330000000000000LL);
    ptrdiff_t i = 0;
    double saved[4];
    for (; i + 4 <= n; i += 4) {
        __m256d v = _mm256_loadu_pd(x + i);
        __m256d outside = _mm256_or_pd(_mm256_cmp_pd(v, smallest, _CMP_NGE_UQ),
                                       _mm256_cmp_pd(v, largest, _CMP_GT_OQ));
        __m256i bits = _mm256_castpd_si256(v);
        __m256d m = _mm256_castsi256_pd(
            _mm256_or_si256(_mm256_and_si256(bits, mantissa), one_bits));
        /* the biased exponent as a double, exactly: (2^52 + e) - 2^52 */
        __m256d k = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(
            _mm256_srli_epi64(bits, 52), two52_bits)), two52);
        k = _mm256_sub_pd(k, _mm256_set1_pd(1023.0));
        __m256d big = _mm256_cmp_pd(m, sqrt2, _CMP_GT_OQ);
        m = _mm256_blendv_pd(m, _mm256_mul_pd(m, half), big);
        k = _mm256_add_pd(k, _mm256_and_pd(big, one));
        __m256d f = _mm256_sub_pd(m, one);
        __m256d s = _mm256_div_pd(f, _mm256_add_pd(f, _mm256_set1_pd(2.0)));
        __m256d z = _mm256_mul_pd(s, s), w = _mm256_mul_pd(z, z);
        __m256d t1 = _mm256_fmadd_pd(w, _mm256_set1_pd(1.479819860511658591e-01),
                                     _mm256_set1_pd(1.818357216161805012e-01));
        t1 = _mm256_fmadd_pd(w, t1, _mm256_set1_pd(2.857142874366239149e-01));
        t1 = _mm256_fmadd_pd(w, t1, _mm256_set1_pd(6.666666666666735130e-01));
        t1 = _mm256_mul_pd(z, t1);
        __m256d t2 = _mm256_fmadd_pd(w, _mm256_set1_pd(1.531383769920937332e-01),
                                     _mm256_set1_pd(2.222219843214978396e-01));
        t2 = _mm256_fmadd_pd(w, t2, _mm256_set1_pd(3.999999999940941908e-01));
        t2 = _mm256_mul_pd(w, t2);
        __m256d hfsq = _mm256_mul_pd(_mm256_mul_pd(half, f), f);
        /* log x = k ln2_hi - ((hfsq - (s (hfsq + R) + k ln2_lo)) - f) */
        __m256d inner = _mm256_fmadd_pd(s, _mm256_add_pd(hfsq, _mm256_add_pd(t1, t2)),
                                        _mm256_mul_pd(k, ln2_lo));
        __m256d res = _mm256_fmsub_pd(k, ln2_hi,
                                      _mm256_sub_pd(_mm256_sub_pd(hfsq, inner), f));
        if (!_mm256_testz_pd(outside, outside)) {
            _mm256_storeu_pd(saved, v);
            _mm256_storeu_pd(out + i, res);
            for (int j = 0; j < 4; j++)
                if (!(saved[j] >= 2.2250738585072014e-308 && saved[j] <= 1.7976931348623157e308))
                    out[i + j] = log(saved[j]);
        } else {
            _mm256_storeu_pd(out + i, res);
        }
    }
    for (; i < n; i++)
        out[i] = log(x[i]);
}

/* 1 when the CPU runs the AVX2 + FMA versions (asked once; a race only
 * writes the same answer twice). */
static int fr_vmath_level = -1;

static inline int fr_vmath_simd(void)
{
    if (fr_vmath_level < 0) {
        __builtin_cpu_init();
        fr_vmath_level = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return fr_vmath_level;
}
#else
static inline int fr_vmath_simd(void) { return 0; }
#endif

/* out[i] = exp(x[i]), i < n */
static inline void fr_vexp(const double* x, double* out, ptrdiff_t n)
{
#ifdef FR_VMATH_AVX2
    if (fr_vmath_simd()) {
        fr_vexp_avx2(x, out, n);
        return;
    }
#endif
    for (ptrdiff_t i = 0; i < n; i++)
        out[i] = exp(x[i]);
}

/* out[i] = log(x[i]), i < n */
static inline void fr_vlog(const double* x, double* out, ptrdiff_t n)
{
#ifdef FR_VMATH_AVX2
    if (fr_vmath_simd()) {
        fr_vlog_avx2(x, out, n);
        return;
    }
#endif
    for (ptrdiff_t i = 0; i < n; i++)
        out[i] = log(x[i]);
}

#endif
