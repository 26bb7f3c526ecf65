package io.npflua.lua.sandbox;

import io.npflua.lua.compiler.LuaOrder;
import io.npflua.lua.core.InstructionBudget;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Base and math functions as Lua 5.4 answers them where LuaJ 3.0.1's differ and a script can tell: {@code pairs}
 * honours {@code __pairs}, {@code ipairs} reads through {@code __index}, {@code assert} raises its message value
 * unchanged, {@code math.log} takes a base, and {@code tonumber} parses as Lua does (signed and fractional hex,
 * no Java exceptions), and {@code table.sort} orders as Lua 5.4 does (its algorithm, so equal elements end where
 * C Lua puts them; strings by unsigned bytes). They serve both execution models: they are library functions.
 */
final class LuaCompat {
    private static final LuaString ASSERTION_FAILED = LuaValue.valueOf("assertion failed!");
    private static final LuaString PAIRS = LuaValue.valueOf("__pairs");

    private LuaCompat() {}

    /** Lua's wording for a bad argument to a library function. */
    private static LuaError argError(int arg, String function, String message) {
        return new LuaError("bad argument #" + arg + " to '" + function + "' (" + message + ")");
    }

    /** Replaces the functions named above in {@code g} (its {@code math} table must be loaded). */
    static void install(LuaTable g) {
        g.rawset("pairs", new Pairs(g.rawget("pairs")));
        g.rawset("ipairs", new Ipairs());
        g.rawset("assert", new Assert());
        g.rawset("tonumber", new ToNumber());
        g.rawget("math").rawset("log", new Log());
        g.rawget("table").rawset("sort", new Sort());
    }

    /** {@code pairs(t)}: {@code __pairs(t)}'s first three results when the metamethod exists, else LuaJ's. */
    private static final class Pairs extends VarArgFunction {
        private final LuaValue stock;

        Pairs(LuaValue stock) {
            this.stock = stock;
            this.name = "pairs";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue t = args.arg1();
            LuaValue h = t.metatag(PAIRS);
            if (h.isnil()) {
                return stock.invoke(args);
            }
            Varargs r = h.invoke(t);
            return varargsOf(r.arg1(), r.arg(2), r.arg(3));
        }
    }

    /** {@code ipairs(t)}: {@code t[1]}, {@code t[2]}, ... read with metamethods, up to the first nil. */
    private static final class Ipairs extends VarArgFunction {
        private final LuaValue next = new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue i) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Varargs invoke(Varargs args) {
                LuaValue t = args.arg1();
                int i = args.checkint(2) + 1;
                LuaValue v = t instanceof LuaTable table && table.getmetatable() == null ? table.rawget(i) : t.get(i);
                return v.isnil() ? NIL : varargsOf(LuaValue.valueOf(i), v);
            }
        };

        Ipairs() {
            this.name = "ipairs";
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() == 0) {
                throw argError(1, "ipairs", "table expected, got no value");
            }
            return varargsOf(next, args.arg1(), LuaValue.ZERO);
        }
    }

    /** {@code assert(v [, message ...])}: the message raised as it is (a table stays a table), no position added. */
    private static final class Assert extends VarArgFunction {
        Assert() {
            this.name = "assert";
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() == 0) {
                throw argError(1, "assert", "value expected");
            }
            if (args.arg1().toboolean()) {
                return args;
            }
            throw new LuaError(args.narg() >= 2 ? args.arg(2) : ASSERTION_FAILED);
        }
    }

    /** {@code math.log(x [, base])}. */
    private static final class Log extends VarArgFunction {
        Log() {
            this.name = "log";
        }

        @Override
        public Varargs invoke(Varargs args) {
            double x = args.checkdouble(1);
            if (args.isnoneornil(2)) {
                return valueOf(Math.log(x));
            }
            double base = args.checkdouble(2);
            if (base == 2.0) {
                return valueOf(log2(x));
            }
            if (base == 10.0) {
                return valueOf(Math.log10(x));
            }
            return valueOf(Math.log(x) / Math.log(base));
        }

        /** log2 exact on powers of two (as C's {@code log2}), else through natural logarithms. */
        private static double log2(double x) {
            if (x > 0 && x < Double.POSITIVE_INFINITY && x == Math.scalb(1.0, Math.getExponent(x))) {
                return Math.getExponent(x);
            }
            return Math.log(x) / Math.log(2.0);
        }
    }

    /** {@code tonumber(v [, base])} with Lua 5.4's rules. */
    private static final class ToNumber extends VarArgFunction {
        ToNumber() {
            this.name = "tonumber";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = args.arg1();
            if (args.isnoneornil(2)) {
                if (args.narg() == 0) {
                    throw argError(1, "tonumber", "value expected");
                }
                if (v.type() == TNUMBER) {
                    return v;
                }
                if (v instanceof LuaString s) {
                    return parse(s.tojstring());
                }
                return NIL;
            }
            int base = args.checkint(2);
            if (!(v instanceof LuaString s)) {
                throw argError(
                        1, "tonumber", "string expected, got " + (v.type() == TNUMBER ? "number" : v.typename()));
            }
            if (base < 2 || base > 36) {
                throw argError(2, "tonumber", "base out of range");
            }
            return parseInBase(s.tojstring(), base);
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
        }

        private static String trim(String s) {
            int i = 0;
            int j = s.length();
            while (i < j && isSpace(s.charAt(i))) {
                i++;
            }
            while (j > i && isSpace(s.charAt(j - 1))) {
                j--;
            }
            return s.substring(i, j);
        }

        static LuaValue parseInBase(String text, int base) {
            String s = trim(text);
            boolean negative = s.startsWith("-");
            if (negative) {
                s = s.substring(1);
            }
            if (s.isEmpty()) {
                return NIL;
            }
            long n = 0;
            for (int i = 0; i < s.length(); i++) {
                int d = Character.digit(s.charAt(i), 36);
                if (d < 0 || d >= base) {
                    return NIL;
                }
                n = n * base + d; // wraps on overflow, as Lua's integers do
            }
            return valueOf((double) (negative ? -n : n));
        }

        /** A numeral as Lua reads one: decimal or hexadecimal, integer or float, optional sign, spaces around. */
        static LuaValue parse(String text) {
            String s = trim(text);
            if (s.isEmpty()) {
                return NIL;
            }
            int i = 0;
            boolean negative = false;
            if (s.charAt(0) == '-' || s.charAt(0) == '+') {
                negative = s.charAt(0) == '-';
                i = 1;
            }
            String body = s.substring(i);
            double value;
            if (body.length() > 1 && body.charAt(0) == '0' && (body.charAt(1) == 'x' || body.charAt(1) == 'X')) {
                value = hex(body.substring(2));
            } else {
                value = decimal(body);
            }
            if (Double.isNaN(value)) {
                return NIL;
            }
            return valueOf(negative ? -value : value);
        }

        /** Digits, '.', digits, then an optional exponent; at least one digit. NaN if it is not one. */
        private static double decimal(String s) {
            int i = 0;
            int n = s.length();
            int digits = 0;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
                digits++;
            }
            if (i < n && s.charAt(i) == '.') {
                i++;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                    digits++;
                }
            }
            if (digits == 0) {
                return Double.NaN;
            }
            if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                int exp = 0;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                    exp++;
                }
                if (exp == 0) {
                    return Double.NaN;
                }
            }
            if (i != n) {
                return Double.NaN;
            }
            return Double.parseDouble(s);
        }

        /** Hex digits, optional '.' and hex digits, optional 'p' exponent (after the "0x"). NaN if not one. */
        private static double hex(String s) {
            int i = 0;
            int n = s.length();
            long mantissa = 0;
            int exponent = 0;
            int digits = 0;
            boolean integral = true;
            boolean seenDot = false;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (c == '.' && !seenDot) {
                    seenDot = true;
                    integral = false;
                    continue;
                }
                int d = Character.digit(c, 16);
                if (d < 0 || c >= 128) {
                    break;
                }
                digits++;
                if (integral) {
                    mantissa = (mantissa << 4) | d; // integers wrap, as Lua's do
                } else if ((mantissa >>> 56) == 0) {
                    mantissa = (mantissa << 4) | d;
                    exponent -= 4;
                }
            }
            if (digits == 0) {
                return Double.NaN;
            }
            if (i < n && (s.charAt(i) == 'p' || s.charAt(i) == 'P')) {
                integral = false;
                i++;
                boolean neg = false;
                if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    neg = s.charAt(i) == '-';
                    i++;
                }
                int e = 0;
                int start = i;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    e = Math.min(100_000, e * 10 + (s.charAt(i) - '0'));
                    i++;
                }
                if (i == start) {
                    return Double.NaN;
                }
                exponent += neg ? -e : e;
            }
            if (i != n) {
                return Double.NaN;
            }
            if (integral) {
                return (double) mantissa; // a wrapped 64-bit integer: 0xffffffffffffffff is -1
            }
            // Unsigned mantissa scaled by 2^exponent.
            double m = mantissa >= 0 ? (double) mantissa : (double) (mantissa >>> 1) * 2.0;
            return Math.scalb(m, exponent);
        }
    }

    /** {@code table.sort(t [, comp])}: Lua 5.4's quicksort ({@code ltablib.c}'s auxsort), without its random pivots. */
    private static final class Sort extends VarArgFunction {
        Sort() {
            this.name = "sort";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            LuaValue comp = args.arg(2);
            if (!comp.isnil() && !comp.isfunction()) {
                throw argError(2, "sort", "function expected, got " + comp.typename());
            }
            int n = t.length();
            if (n < 2) {
                return NONE;
            }
            LuaValue[] a = new LuaValue[n + 1];
            for (int i = 1; i <= n; i++) {
                a[i] = t.get(i);
            }
            new Sorter(a, comp.isnil() ? null : comp).sort(1, n);
            for (int i = 1; i <= n; i++) {
                t.set(i, a[i]);
            }
            return NONE;
        }
    }

    private static final class Sorter {
        private final LuaValue[] a;
        private final LuaValue comp;
        private final InstructionBudget budget = InstructionBudget.current();

        Sorter(LuaValue[] a, LuaValue comp) {
            this.a = a;
            this.comp = comp;
        }

        private boolean less(LuaValue x, LuaValue y) {
            budget.charge(1);
            return comp == null ? LuaOrder.lessThan(x, y) : comp.call(x, y).toboolean();
        }

        private void swap(int i, int j) {
            LuaValue v = a[i];
            a[i] = a[j];
            a[j] = v;
        }

        void sort(int lo, int up) {
            while (lo < up) {
                if (less(a[up], a[lo])) {
                    swap(lo, up);
                }
                if (up - lo == 1) {
                    break;
                }
                int p = lo + (up - lo) / 2;
                if (less(a[p], a[lo])) {
                    swap(p, lo);
                } else if (less(a[up], a[p])) {
                    swap(p, up);
                }
                if (up - lo == 2) {
                    break;
                }
                LuaValue pivot = a[p];
                swap(p, up - 1);
                p = partition(lo, up, pivot);
                if (p - lo < up - p) {
                    sort(lo, p - 1);
                    lo = p + 1;
                } else {
                    sort(p + 1, up);
                    up = p - 1;
                }
            }
        }

        private int partition(int lo, int up, LuaValue pivot) {
            int i = lo;
            int j = up - 1;
            while (true) {
                while (less(a[++i], pivot)) {
                    if (i == up - 1) {
                        throw new LuaError("invalid order function for sorting");
                    }
                }
                while (less(pivot, a[--j])) {
                    if (j < i) {
                        throw new LuaError("invalid order function for sorting");
                    }
                }
                if (j < i) {
                    swap(up - 1, i);
                    return i;
                }
                swap(i, j);
            }
        }
    }
}
