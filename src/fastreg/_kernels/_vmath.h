/* exp and log over arrays, eight or four at a time where the CPU has
 * AVX-512 or AVX2 with FMA.
 *
 * The logistic and softmax datafits spend most of their time in one exp or
 * log per sample; libm's are scalar. Here each is a short polynomial on
 * every lane, within 1 ulp of the exact value on its normal range:
 *
 *   exp: x = k ln2 + r, |r| <= ln2/2 (ln2 split in two parts); e^r by its
 *        Taylor series to degree 13 (remainder below 2^-58), times 2^k
 *        written into the exponent bits.
 *   log: x = 2^k m, m in [sqrt(2)/2, sqrt(2)); log m = 2 atanh(s),
 *        s = (m - 1)/(m + 1), with fdlibm's minimax coefficients (e_log.c).
 *
 * Lanes outside that range (exp: x < -708 or > 709, NaN; log: x below the
 * smallest normal, infinite or NaN) are recomputed by libm. Without either
 * instruction set (or on other CPUs and compilers) both are plain libm
 * loops; FASTREG_SIMD=0 (or 1) in the environment caps the choice, to
 * check or compare the narrower versions. `out` may be `x` itself. The body is written once, for any number
 * of lanes (_vmath_body.h), and included below once per instruction set.
 */
#ifndef FASTREG_VMATH_H
#define FASTREG_VMATH_H

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FR_VMATH_X86 1
#include <immintrin.h>

#define FR_CAT_(a, b) a##b
#define FR_CAT(a, b) FR_CAT_(a, b)

/* AVX2 + FMA: four lanes, comparisons as vectors */
#define FR_SUFFIX avx2
#define FR_TARGET "avx2,fma"
#define V __m256d
#define VI __m256i
#define W 4
#define M __m256d
#define ANY(m) (_mm256_movemask_pd(m) != 0)
#define OR_M _mm256_or_pd
#define SELECT(m, a, b) _mm256_blendv_pd(b, a, m)
#define CMP _mm256_cmp_pd
#define SET1 _mm256_set1_pd
#define SET1_I _mm256_set1_epi64x
#define LOAD _mm256_loadu_pd
#define STORE _mm256_storeu_pd
#define ADD _mm256_add_pd
#define SUB _mm256_sub_pd
#define MUL _mm256_mul_pd
#define DIV _mm256_div_pd
#define FMA _mm256_fmadd_pd
#define FMS _mm256_fmsub_pd
#define FNMA _mm256_fnmadd_pd
#define CAST_I _mm256_castpd_si256
#define CAST_D _mm256_castsi256_pd
#define ADD_I _mm256_add_epi64
#define AND_I _mm256_and_si256
#define OR_I _mm256_or_si256
#define SLLI _mm256_slli_epi64
#define SRLI _mm256_srli_epi64
#include "_vmath_body.h"
#undef FR_SUFFIX
#undef FR_TARGET
#undef V
#undef VI
#undef W
#undef M
#undef ANY
#undef OR_M
#undef SELECT
#undef CMP
#undef SET1
#undef SET1_I
#undef LOAD
#undef STORE
#undef ADD
#undef SUB
#undef MUL
#undef DIV
#undef FMA
#undef FMS
#undef FNMA
#undef CAST_I
#undef CAST_D
#undef ADD_I
#undef AND_I
#undef OR_I
#undef SLLI
#undef SRLI

/* AVX-512F: eight lanes, comparisons as masks */
#define FR_SUFFIX avx512
#define FR_TARGET "avx512f"
#define V __m512d
#define VI __m512i
#define W 8
#define M __mmask8
#define ANY(m) ((m) != 0)
#define OR_M(a, b) ((__mmask8)((a) | (b)))
#define SELECT(m, a, b) _mm512_mask_blend_pd(m, b, a)
#define CMP _mm512_cmp_pd_mask
#define SET1 _mm512_set1_pd
#define SET1_I _mm512_set1_epi64
#define LOAD _mm512_loadu_pd
#define STORE _mm512_storeu_pd
#define ADD _mm512_add_pd
#define SUB _mm512_sub_pd
#define MUL _mm512_mul_pd
#define DIV _mm512_div_pd
#define FMA _mm512_fmadd_pd
#define FMS _mm512_fmsub_pd
#define FNMA _mm512_fnmadd_pd
#define CAST_I _mm512_castpd_si512
#define CAST_D _mm512_castsi512_pd
#define ADD_I _mm512_add_epi64
#define AND_I _mm512_and_si512
#define OR_I _mm512_or_si512
#define SLLI _mm512_slli_epi64
#define SRLI _mm512_srli_epi64
#include "_vmath_body.h"

/* 2: AVX-512F, 1: AVX2 + FMA, 0: neither, capped by the environment
 * variable FASTREG_SIMD (0, 1 or 2) when set (asked once; a race only writes
 * the same answer twice). */
static int fr_vmath_level = -1;

static inline int fr_vmath_simd(void)
{
    if (fr_vmath_level < 0) {
        int level;
        const char* cap = getenv("FASTREG_SIMD");
        __builtin_cpu_init();
        level = __builtin_cpu_supports("avx512f") ? 2
                : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
        if (cap != NULL && cap[0] >= '0' && cap[0] <= '2' && cap[0] - '0' < level)
            level = cap[0] - '0';
        fr_vmath_level = level;
    }
    return fr_vmath_level;
}
#else
static inline int fr_vmath_simd(void) { return 0; }
#endif

/* out[i] = exp(x[i]), i < n, with the instructions of ``level`` (as
 * fr_vmath_simd's; one the CPU lacks must not be asked for) */
static inline void fr_vexp_at(int level, const double* x, double* out, ptrdiff_t n)
{
#ifdef FR_VMATH_X86
    switch (level) {
    case 2: fr_vexp_avx512(x, out, n); return;
    case 1: fr_vexp_avx2(x, out, n); return;
    }
#endif
    for (ptrdiff_t i = 0; i < n; i++)
        out[i] = exp(x[i]);
}

/* out[i] = log(x[i]), i < n, as fr_vexp_at */
static inline void fr_vlog_at(int level, const double* x, double* out, ptrdiff_t n)
{
#ifdef FR_VMATH_X86
    switch (level) {
    case 2: fr_vlog_avx512(x, out, n); return;
    case 1: fr_vlog_avx2(x, out, n); return;
    }
#endif
    for (ptrdiff_t i = 0; i < n; i++)
        out[i] = log(x[i]);
}

/* out[i] = exp(x[i]), i < n, with the best instructions the CPU has */
static inline void fr_vexp(const double* x, double* out, ptrdiff_t n)
{
    fr_vexp_at(fr_vmath_simd(), x, out, n);
}

/* out[i] = log(x[i]), i < n, with the best instructions the CPU has */
static inline void fr_vlog(const double* x, double* out, ptrdiff_t n)
{
    fr_vlog_at(fr_vmath_simd(), x, out, n);
}

#endif
