/* The lane-generic body of exp and log (the algorithms: _vmath.h), included
 * once per instruction set. _vmath.h defines, before each inclusion:
 *   FR_SUFFIX  the functions' name suffix; FR_TARGET  their target attribute
 *   V, VI, W   the double vector, the integer vector, the number of lanes
 *   M          a comparison's result; ANY(m) whether a lane is set in it
 *   the arithmetic (SET1, LOAD, FMA, ...) and bit operations (CAST_I, SLLI, ...)
 *   on them, named after the intrinsics they stand for. */

__attribute__((target(FR_TARGET)))
static void FR_CAT(fr_vexp_, FR_SUFFIX)(const double* x, double* out, ptrdiff_t n)
{
    const V log2e = SET1(1.4426950408889634);
    const V shifter = SET1(6755399441055744.0);  /* 1.5 * 2^52 */
    const V ln2_hi = SET1(6.93147180369123816490e-01);
    const V ln2_lo = SET1(1.90821492927058770002e-10);
    const V one = SET1(1.0);
    ptrdiff_t i = 0;
    for (; i + W <= n; i += W) {
        V v = LOAD(x + i);
        M outside = OR_M(CMP(v, SET1(-708.0), _CMP_LT_OQ), CMP(v, SET1(709.0), _CMP_NLE_UQ));
        /* k = round(x / ln2): adding 1.5 * 2^52 leaves k in the low bits */
        V kd = FMA(v, log2e, shifter);
        VI k = CAST_I(kd);
        kd = SUB(kd, shifter);
        V r = FNMA(kd, ln2_hi, v);
        r = FNMA(kd, ln2_lo, r);
        V p = SET1(1.0 / 6227020800.0);
        p = FMA(p, r, SET1(1.0 / 479001600.0));
        p = FMA(p, r, SET1(1.0 / 39916800.0));
        p = FMA(p, r, SET1(1.0 / 3628800.0));
        p = FMA(p, r, SET1(1.0 / 362880.0));
        p = FMA(p, r, SET1(1.0 / 40320.0));
        p = FMA(p, r, SET1(1.0 / 5040.0));
        p = FMA(p, r, SET1(1.0 / 720.0));
        p = FMA(p, r, SET1(1.0 / 120.0));
        p = FMA(p, r, SET1(1.0 / 24.0));
        p = FMA(p, r, SET1(1.0 / 6.0));
        p = FMA(p, r, SET1(0.5));
        p = FMA(p, r, one);
        p = FMA(p, r, one);
        V scale = CAST_D(SLLI(ADD_I(k, SET1_I(1023)), 52));
        V res = MUL(p, scale);
        if (ANY(outside)) {
            double saved[W];
            STORE(saved, v);
            STORE(out + i, res);
            for (int j = 0; j < W; j++)
                if (!(saved[j] >= -708.0 && saved[j] <= 709.0))
                    out[i + j] = exp(saved[j]);
        } else {
            STORE(out + i, res);
        }
    }
    for (; i < n; i++)
        out[i] = exp(x[i]);
}

__attribute__((target(FR_TARGET)))
static void FR_CAT(fr_vlog_, FR_SUFFIX)(const double* x, double* out, ptrdiff_t n)
{
    const V one = SET1(1.0), half = SET1(0.5);
    const V two52 = SET1(4503599627370496.0);
    const V ln2_hi = SET1(6.93147180369123816490e-01);
    const V ln2_lo = SET1(1.90821492927058770002e-10);
    const VI mantissa = SET1_I(0x000FFFFFFFFFFFFFLL);
    const VI one_bits = SET1_I(0x3FF0000000000000LL);
    const VI two52_bits = SET1_I(0x4330000000000000LL);
    ptrdiff_t i = 0;
    for (; i + W <= n; i += W) {
        V v = LOAD(x + i);
        M outside = OR_M(CMP(v, SET1(2.2250738585072014e-308), _CMP_NGE_UQ),
                         CMP(v, SET1(1.7976931348623157e308), _CMP_GT_OQ));
        VI bits = CAST_I(v);
        V m = CAST_D(OR_I(AND_I(bits, mantissa), one_bits));
        /* the biased exponent as a double, exactly: (2^52 + e) - 2^52 */
        V k = SUB(CAST_D(OR_I(SRLI(bits, 52), two52_bits)), two52);
        k = SUB(k, SET1(1023.0));
        M big = CMP(m, SET1(1.4142135623730951), _CMP_GT_OQ);
        m = SELECT(big, MUL(m, half), m);
        k = SELECT(big, ADD(k, one), k);
        V f = SUB(m, one);
        V s = DIV(f, ADD(f, SET1(2.0)));
        V z = MUL(s, s), w = MUL(z, z);
        V t1 = FMA(w, SET1(1.479819860511658591e-01), SET1(1.818357216161805012e-01));
        t1 = FMA(w, t1, SET1(2.857142874366239149e-01));
        t1 = FMA(w, t1, SET1(6.666666666666735130e-01));
        t1 = MUL(z, t1);
        V t2 = FMA(w, SET1(1.531383769920937332e-01), SET1(2.222219843214978396e-01));
        t2 = FMA(w, t2, SET1(3.999999999940941908e-01));
        t2 = MUL(w, t2);
        V hfsq = MUL(MUL(half, f), f);
        /* log x = k ln2_hi - ((hfsq - (s (hfsq + R) + k ln2_lo)) - f) */
        V inner = FMA(s, ADD(hfsq, ADD(t1, t2)), MUL(k, ln2_lo));
        V res = FMS(k, ln2_hi, SUB(SUB(hfsq, inner), f));
        if (ANY(outside)) {
            double saved[W];
            STORE(saved, v);
            STORE(out + i, res);
            for (int j = 0; j < W; j++)
                if (!(saved[j] >= 2.2250738585072014e-308 && saved[j] <= 1.7976931348623157e308))
                    out[i + j] = log(saved[j]);
        } else {
            STORE(out + i, res);
        }
    }
    for (; i < n; i++)
        out[i] = log(x[i]);
}
