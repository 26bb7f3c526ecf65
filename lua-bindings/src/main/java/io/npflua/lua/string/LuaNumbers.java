package io.npflua.lua.string;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import org.luaj.vm2.LuaString;

/**
 * Number-to-text conversion with C {@code printf} semantics ({@code %e %f %g %a}), computed from the exact binary
 * value of the double (as glibc does) rather than from Java's shortest decimal, which rounds some ties the other
 * way ({@code %.2f} of 2.675 is {@code 2.67} in C, {@code 2.68} with {@code String.format}).
 *
 * <p>Lua's number to string conversion in our model: LuaJ has only doubles, so an integral value in the int64
 * range prints as an integer ({@code 3}, not {@code 3.0}); any other value prints with {@code %.14g}, as Lua 5.4
 * prints floats ({@code 0.1}, {@code 1e+100}, {@code inf}, {@code -nan}).
 */
public final class LuaNumbers {
    private LuaNumbers() {}

    /** Lua's {@code tostring} of a number in LuaJ's number model. */
    public static String toJavaString(double d) {
        long l = (long) d;
        if (l == d && d < LuaArgs.TWO_POW_63) {
            return Long.toString(l);
        }
        return general(d, 14, false, false);
    }

    /** {@link #toJavaString(double)} as a Lua string. */
    public static LuaString toLuaString(double d) {
        return LuaString.valueOf(toJavaString(d));
    }

    /** {@code %.<prec>g} with sign, no padding. */
    static String general(double d, int prec, boolean alt, boolean upper) {
        if (!Double.isFinite(d)) {
            return nonFinite(d, upper);
        }
        boolean neg = isNegative(d);
        String body = generalAbs(Math.abs(d), prec, alt, upper);
        return neg ? "-" + body : body;
    }

    static boolean isNegative(double d) {
        return (Double.doubleToRawLongBits(d) & Long.MIN_VALUE) != 0;
    }

    static String nonFinite(double d, boolean upper) {
        String s = Double.isNaN(d) ? "nan" : "inf";
        if (upper) {
            s = s.toUpperCase(Locale.ROOT);
        }
        return isNegative(d) ? "-" + s : s;
    }

    /** {@code %.<prec>f} of a non-negative finite value. */
    static String fixedAbs(double abs, int prec, boolean alt) {
        String s = new BigDecimal(abs).setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
        return (alt && prec == 0) ? s + "." : s;
    }

    /** {@code %.<prec>e} of a non-negative finite value. */
    static String expAbs(double abs, int prec, boolean alt, boolean upper) {
        StringBuilder digits = new StringBuilder(prec + 2);
        int exp = roundedDigits(abs, prec + 1, digits);
        StringBuilder sb = new StringBuilder(prec + 8);
        sb.append(digits.charAt(0));
        if (prec > 0 || alt) {
            sb.append('.');
        }
        sb.append(digits, 1, prec + 1);
        appendExponent(sb, upper ? 'E' : 'e', exp);
        return sb.toString();
    }

    private static void appendExponent(StringBuilder sb, char e, int exp) {
        sb.append(e).append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) {
            sb.append('0');
        }
        sb.append(a);
    }

    /**
     * Rounds {@code abs} to {@code n} significant decimal digits (half-even on the exact binary value), writes
     * exactly {@code n} digits to {@code out} and returns the decimal exponent of the first one.
     */
    private static int roundedDigits(double abs, int n, StringBuilder out) {
        if (abs == 0) {
            out.append("0".repeat(n));
            return 0;
        }
        BigDecimal bd = new BigDecimal(abs).round(new MathContext(n, RoundingMode.HALF_EVEN));
        String u = bd.unscaledValue().toString();
        int exp = u.length() - 1 - bd.scale();
        if (u.length() >= n) {
            out.append(u, 0, n);
        } else {
            out.append(u);
            out.append("0".repeat(n - u.length()));
        }
        return exp;
    }

    /** {@code %.<prec>g} of a non-negative finite value. */
    static String generalAbs(double abs, int prec, boolean alt, boolean upper) {
        int p = prec == 0 ? 1 : prec;
        StringBuilder digits = new StringBuilder(p + 1);
        int x = roundedDigits(abs, p, digits);
        String s;
        if (p > x && x >= -4) {
            s = fixedAbs(abs, p - 1 - x, alt);
        } else {
            s = expAbs(abs, p - 1, alt, upper);
        }
        if (!alt) {
            s = stripZeros(s);
        }
        return s;
    }

    private static String stripZeros(String s) {
        int e = s.indexOf('e');
        if (e < 0) {
            e = s.indexOf('E');
        }
        String mant = e < 0 ? s : s.substring(0, e);
        String tail = e < 0 ? "" : s.substring(e);
        if (mant.indexOf('.') < 0) {
            return s;
        }
        int end = mant.length();
        while (mant.charAt(end - 1) == '0') {
            end--;
        }
        if (mant.charAt(end - 1) == '.') {
            end--;
        }
        return mant.substring(0, end) + tail;
    }

    /**
     * {@code %a} of a non-negative finite value, as glibc prints it: {@code 0x1.8p+0}, subnormals as
     * {@code 0x0.<digits>p-1022}; {@code prec < 0} prints the exact value without trailing zeros.
     */
    static String hexAbs(double abs, int prec, boolean alt, boolean upper) {
        long bits = Double.doubleToRawLongBits(abs);
        int bexp = (int) (bits >>> 52) & 0x7ff;
        long mant = bits & 0xFFFFFFFFFFFFFL;
        int lead;
        int exp;
        if (bexp == 0) {
            lead = 0;
            exp = mant == 0 ? 0 : -1022;
        } else {
            lead = 1;
            exp = bexp - 1023;
        }
        String frac;
        if (prec < 0) {
            frac = mant == 0 ? "" : String.format("%013x", mant).replaceFirst("0+$", "");
        } else {
            if (prec < 13) {
                int drop = (13 - prec) * 4;
                long kept = mant >>> drop;
                long rest = mant & ((1L << drop) - 1);
                long half = 1L << (drop - 1);
                // Ties go to the even last kept digit; with no fraction digits that digit is the leading one.
                long lastKept = prec == 0 ? lead : kept;
                if (rest > half || (rest == half && (lastKept & 1) != 0)) {
                    if (prec == 0) {
                        lead++;
                    } else if ((++kept >>> (prec * 4)) != 0) {
                        lead++;
                        kept &= (1L << (prec * 4)) - 1;
                    }
                }
                frac = prec == 0 ? "" : String.format("%0" + prec + "x", kept);
            } else {
                frac = String.format("%013x", mant) + "0".repeat(prec - 13);
            }
        }
        StringBuilder sb = new StringBuilder(24);
        sb.append("0x").append(lead);
        if (!frac.isEmpty() || alt) {
            sb.append('.');
        }
        sb.append(frac).append('p').append(exp < 0 ? '-' : '+').append(Math.abs(exp));
        String s = sb.toString();
        return upper ? s.toUpperCase(Locale.ROOT) : s;
    }
}
