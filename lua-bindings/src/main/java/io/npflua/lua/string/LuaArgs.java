package io.npflua.lua.string;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Argument checks with Lua 5.4's messages ({@code bad argument #2 to 'format' (number has no integer
 * representation)}). LuaJ's own checks word these differently and convert numbers with Java's float printing.
 */
final class LuaArgs {
    /** 2^63 as a double: the first double above every int64. */
    static final double TWO_POW_63 = 9.223372036854775808E18;

    private LuaArgs() {}

    static LuaError argError(int arg, String fname, String msg) {
        return new LuaError("bad argument #" + arg + " to '" + fname + "' (" + msg + ")");
    }

    static LuaError typeError(Varargs args, int arg, String fname, String expected) {
        return typeError(args, arg, fname, expected, 0);
    }

    /** {@code shift} is added to the reported argument number (a method's arguments after self). */
    static LuaError typeError(Varargs args, int arg, String fname, String expected, int shift) {
        String got = arg > args.narg() ? "no value" : args.arg(arg).typename();
        return argError(arg + shift, fname, expected + " expected, got " + got);
    }

    /** A string argument; numbers convert as Lua does ({@code %.14g}, integers without {@code .0}). */
    static LuaString checkString(Varargs args, int arg, String fname) {
        return checkString(args, arg, fname, 0);
    }

    static LuaString checkString(Varargs args, int arg, String fname, int shift) {
        LuaValue v = args.arg(arg);
        if (v instanceof LuaString s) {
            return s;
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaNumbers.toLuaString(v.todouble());
        }
        throw typeError(args, arg, fname, "string", shift);
    }

    /** A single value that must be a string (or a number, converted); reported as argument {@code arg}. */
    static LuaString checkString(LuaValue v, int arg, String fname) {
        if (v instanceof LuaString s) {
            return s;
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaNumbers.toLuaString(v.todouble());
        }
        throw argError(arg, fname, "string expected, got " + v.typename());
    }

    static LuaString optString(Varargs args, int arg, String fname, LuaString def) {
        return args.isnoneornil(arg) ? def : checkString(args, arg, fname);
    }

    /** A number argument (strings convert), as a double. */
    static double checkNumber(Varargs args, int arg, String fname) {
        return checkNumber(args, arg, fname, 0);
    }

    static double checkNumber(Varargs args, int arg, String fname, int shift) {
        LuaValue v = args.arg(arg);
        if (v.type() == LuaValue.TNUMBER) {
            return v.todouble();
        }
        if (v instanceof LuaString) {
            LuaValue n = v.tonumber();
            if (!n.isnil()) {
                return n.todouble();
            }
        }
        throw typeError(args, arg, fname, "number", shift);
    }

    /** An integer argument: a number (or numeric string) with an exact int64 value. */
    static long checkInteger(Varargs args, int arg, String fname) {
        return checkInteger(args, arg, fname, 0);
    }

    static long checkInteger(Varargs args, int arg, String fname, int shift) {
        double d = checkNumber(args, arg, fname, shift);
        long l = (long) d;
        if (l != d || d >= TWO_POW_63) {
            throw argError(arg + shift, fname, "number has no integer representation");
        }
        return l;
    }

    /** A single value that must be an integer (a number or numeric string); reported as argument {@code arg}. */
    static long checkInteger(LuaValue v, int arg, String fname) {
        double d;
        if (v.type() == LuaValue.TNUMBER) {
            d = v.todouble();
        } else if (v instanceof LuaString && !v.tonumber().isnil()) {
            d = v.tonumber().todouble();
        } else {
            throw argError(arg, fname, "number expected, got " + v.typename());
        }
        long l = (long) d;
        if (l != d || d >= TWO_POW_63) {
            throw argError(arg, fname, "number has no integer representation");
        }
        return l;
    }

    static long optInteger(Varargs args, int arg, String fname, long def) {
        return args.isnoneornil(arg) ? def : checkInteger(args, arg, fname);
    }

    /** Lua 5.4's posrelatI: a start position, negative from the end, clipped to [1, inf). */
    static long startPosition(long pos, int len) {
        if (pos > 0) {
            return pos;
        } else if (pos == 0) {
            return 1;
        } else if (pos < -(long) len) {
            return 1;
        }
        return len + pos + 1;
    }

    /** Lua 5.4's getendpos: an end position, negative from the end, clipped to [0, len]. */
    static long endPosition(long pos, int len) {
        if (pos > len) {
            return len;
        } else if (pos >= 0) {
            return pos;
        } else if (pos < -(long) len) {
            return 0;
        }
        return len + pos + 1;
    }
}
