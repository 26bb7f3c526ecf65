package io.npflua.lua.compiler;

import io.npflua.lua.string.LuaNumbers;
import org.luaj.vm2.Buffer;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.TailcallVarargs;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Varargs;

/**
 * What generated code calls for the instructions that are too long to emit inline. Each method does exactly what
 * LuaJ's interpreter ({@code LuaClosure.execute}) does for the instruction it is named after, so that both
 * execution models give the same answers; where they differ on purpose the method says so.
 */
final class CompiledSupport {
    private CompiledSupport() {}

    /**
     * The open upvalue of register {@code index}, created on first capture. Open upvalues are kept by register, so
     * two closures that capture one local share one upvalue (the interpreter searches a list for the same result).
     */
    static UpValue findUpValue(LuaValue[] stack, int index, UpValue[] open) {
        UpValue u = open[index];
        if (u == null) {
            open[index] = u = new UpValue(stack, index);
        }
        return u;
    }

    /** Closes the open upvalues of registers {@code from} and above ({@code OP_JMP} with A &gt; 0). */
    static void closeFrom(UpValue[] open, int from) {
        for (int r = open.length; --r >= from; ) {
            UpValue u = open[r];
            if (u != null) {
                u.close();
                open[r] = null;
            }
        }
    }

    /** Closes every open upvalue on the way out of a call: nothing may see the registers after it. */
    static void closeAll(UpValue[] open) {
        for (int r = open.length; --r >= 0; ) {
            UpValue u = open[r];
            if (u != null) {
                u.close();
            }
        }
    }

    /** {@code dest[offset .. offset+n)} := the first {@code n} values of {@code v}, nil past its end. */
    static void copyTo(Varargs v, LuaValue[] dest, int offset, int n) {
        for (int i = 0; i < n; i++) {
            dest[offset + i] = v.arg(i + 1);
        }
    }

    /** The values of {@code v} in storage of their own (results kept while the registers change). */
    static Varargs dealias(Varargs v) {
        int n = v.narg();
        switch (n) {
            case 0:
                return LuaValue.NONE;
            case 1:
                return v.arg1();
            case 2:
                return LuaValue.varargsOf(v.arg1(), v.arg(2));
            default:
                LuaValue[] copy = new LuaValue[n];
                copyTo(v, copy, 0, n);
                return LuaValue.varargsOf(copy);
        }
    }

    /**
     * {@code R(b) .. ... .. R(c)}. When every operand is a string or a number the result is built here, numbers
     * converted as Lua converts them ({@code %.14g}: {@code 1700000000.25}, not LuaJ's {@code 1.7E9}); otherwise
     * ({@code __concat}) LuaJ's own pairwise evaluation from the right, as the interpreter does it.
     */
    static LuaValue concat(LuaValue[] stack, int b, int c) {
        int total = 0;
        for (int k = b; k <= c; k++) {
            LuaValue v = stack[k];
            if (v instanceof LuaString s) {
                total += s.m_length;
            } else if (v.type() == LuaValue.TNUMBER) {
                total = -1;
                break; // numbers need formatting: the general loop below
            } else {
                return luajConcat(stack, b, c);
            }
        }
        if (total >= 0) {
            byte[] out = new byte[total];
            int at = 0;
            for (int k = b; k <= c; k++) {
                LuaString s = (LuaString) stack[k];
                System.arraycopy(s.m_bytes, s.m_offset, out, at, s.m_length);
                at += s.m_length;
            }
            return LuaString.valueUsing(out);
        }
        LuaString[] parts = new LuaString[c - b + 1];
        total = 0;
        for (int k = b; k <= c; k++) {
            LuaValue v = stack[k];
            LuaString s = v instanceof LuaString str
                    ? str
                    : v.type() == LuaValue.TNUMBER ? LuaNumbers.toLuaString(v.todouble()) : null;
            if (s == null) {
                return luajConcat(stack, b, c);
            }
            parts[k - b] = s;
            total += s.m_length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (LuaString s : parts) {
            System.arraycopy(s.m_bytes, s.m_offset, out, at, s.m_length);
            at += s.m_length;
        }
        return LuaString.valueUsing(out);
    }

    /** {@code a < b}: {@link LuaOrder#lessThan}. */
    static boolean lt(LuaValue a, LuaValue b) {
        return LuaOrder.lessThan(a, b);
    }

    /** {@code a <= b}: {@link LuaOrder#lessOrEqual}. */
    static boolean le(LuaValue a, LuaValue b) {
        return LuaOrder.lessOrEqual(a, b);
    }

    /** The interpreter's {@code OP_CONCAT}: pairwise from the right through one buffer ({@code __concat}). */
    private static LuaValue luajConcat(LuaValue[] stack, int b, int c) {
        if (c > b + 1) {
            Buffer sb = stack[c].buffer();
            while (--c >= b) {
                sb = stack[c].concat(sb);
            }
            return sb.value();
        }
        return stack[c - 1].concat(stack[c]);
    }

    /**
     * A tail call for the caller's trampoline. A callee that is not a function is resolved through its
     * {@code __call} metamethod here, so that a chain of tail calls through {@code __call} does not nest Java frames
     * (LuaJ's interpreter nests one per call and overflows the Java stack after some thousands).
     */
    static Varargs tailcall(LuaValue f, Varargs args) {
        if (!f.isfunction()) {
            LuaValue h = f.metatag(LuaValue.CALL);
            if (h.isfunction()) {
                return new TailcallVarargs(h, LuaValue.varargsOf(f, args));
            }
            if (h.isnil()) {
                // Raised here, in the calling frame, so that the error has its position (Lua raises it at the call).
                throw new LuaError("attempt to call " + f.typename());
            }
        }
        return new TailcallVarargs(f, args);
    }

    /**
     * {@code tostring(x)} at a site where the result is only matched (see {@code FunctionCompiler}): {@code x}
     * itself when {@code f} is still the builtin and {@code x} an in-place string, else the ordinary call.
     */
    static LuaValue tostringInPlace(LuaValue f, LuaValue x, LuaValue builtin) {
        if (f == builtin && x instanceof InPlaceString s && s.inPlaceValid()) {
            return x;
        }
        return f.call(x);
    }

    /**
     * {@code local s = tostring(x)} at a site whose local is only matched, measured, tested or compared with string
     * constants (see {@code FunctionCompiler}): 1 when {@code x} itself may stand for its copy for the whole scope
     * ({@code f} is still the builtin, {@code x} an in-place string whose bytes cannot change during the call), else 0.
     */
    static int keepsInPlace(LuaValue f, LuaValue x, LuaValue builtin) {
        return f == builtin && x instanceof InPlaceString s && s.inPlaceReadOnly() ? 1 : 0;
    }

    /** The value of such a {@code tostring(x)}: {@code x} when {@link #keepsInPlace} said so, else the call. */
    static LuaValue tostringKept(int kept, LuaValue f, LuaValue x) {
        return kept != 0 ? x : f.call(x);
    }

    /**
     * {@code x == y} where one side is such a local and the other a string constant: while the local holds the frame
     * in place of its copy ({@code kept}), the frame's bytes are compared with the string; else Lua's equality.
     */
    static boolean equalsKept(int kept, LuaValue x, LuaValue y) {
        if (kept != 0) {
            if (x instanceof InPlaceString s && y instanceof LuaString t) {
                return s.inPlaceEquals(t);
            }
            if (y instanceof InPlaceString s && x instanceof LuaString t) {
                return s.inPlaceEquals(t);
            }
        }
        return x.eq_b(y);
    }

    /**
     * {@code x.name} for a constant string {@code key} at inline-cache site {@code site} of {@code f} (one of
     * {@code sites}): through the cache when {@code o} offers one ({@link ConstantIndexed}), else {@code o.get(key)}.
     */
    static LuaValue indexConstant(LuaValue o, LuaValue key, CompiledFunction f, int site, int sites) {
        return o instanceof ConstantIndexed d ? d.indexConstant(key, f.cache(site, sites)) : o.get(key);
    }

    /** {@code x.name = v} for a constant string {@code key}, as {@link #indexConstant} reads. */
    static void assignConstant(LuaValue o, LuaValue key, LuaValue v, CompiledFunction f, int site, int sites) {
        if (o instanceof ConstantIndexed d) {
            d.assignConstant(key, v, f.cache(site, sites));
        } else {
            o.set(key, v);
        }
    }

    /** {@code OP_FORPREP}: checks the loop's numbers and pre-decrements the index. */
    static void forPrep(LuaValue[] stack, int a) {
        LuaValue init = stack[a].checknumber("'for' initial value must be a number");
        LuaValue limit = stack[a + 1].checknumber("'for' limit must be a number");
        LuaValue step = stack[a + 2].checknumber("'for' step must be a number");
        stack[a] = init.sub(step);
        stack[a + 1] = limit;
        stack[a + 2] = step;
    }

    /** {@code OP_FORLOOP}: steps the index; true if the loop goes on (then the index is also in R(a+3)). */
    static boolean forLoop(LuaValue[] stack, int a) {
        LuaValue idx = forNext(stack[a], stack[a + 1], stack[a + 2]);
        if (idx != null) {
            stack[a] = idx;
            stack[a + 3] = idx;
            return true;
        }
        return false;
    }

    /** {@code OP_FORLOOP} on values: the next index, or null when the loop ends. */
    static LuaValue forNext(LuaValue index, LuaValue limit, LuaValue step) {
        LuaValue idx = step.add(index);
        return (step.gt_b(0) ? idx.lteq_b(limit) : idx.gteq_b(limit)) ? idx : null;
    }

    /** {@code OP_TFORCALL}: R(a+3) .. R(a+2+c) := R(a)(R(a+1), R(a+2)). */
    static void tforCall(LuaValue[] stack, int a, int c) {
        Varargs v = stack[a].invoke(LuaValue.varargsOf(stack[a + 1], stack[a + 2]));
        while (--c >= 0) {
            stack[a + 3 + c] = v.arg(c + 1);
        }
    }

    /** {@code OP_SETLIST} with B &gt; 0. */
    static void setList(LuaValue[] stack, int a, int b, int offset) {
        LuaValue o = stack[a];
        o.presize(offset + b);
        for (int j = 1; j <= b; j++) {
            o.set(offset + j, stack[a + j]);
        }
    }

    /** {@code OP_SETLIST} with B = 0: the registers up to {@code top}, the last of them a multiple result. */
    static void setListToTop(LuaValue[] stack, int a, int offset, int top, Varargs v) {
        LuaValue o = stack[a];
        int b = top - a - 1;
        int m = b - v.narg();
        int j = 1;
        for (; j <= m; j++) {
            o.set(offset + j, stack[a + j]);
        }
        for (; j <= b; j++) {
            o.set(offset + j, v.arg(j - m));
        }
    }

    /**
     * What a compiled frame throws for {@code t} raised at {@code pc}: a {@link LuaError} given its position and
     * final value as Lua gives them ({@link LuaJAccess#stamp}), any other {@link Exception} wrapped in one first,
     * and {@link Error}s (budget, call depth, stack overflow) unchanged.
     */
    static Throwable failure(Throwable t, Globals globals, Prototype p, int pc, LuaValue[] stack) {
        if (t instanceof LuaError e) {
            if (LuaJAccess.isFresh(e)) {
                // Raised by this instruction itself: Lua 5.4's wording, with the variable's name.
                String message = VmErrors.describe(p, pc, stack);
                if (message != null) {
                    e = new LuaError(message);
                }
            }
            LuaJAccess.stamp(e, globals, p, pc);
            return e;
        }
        if (t instanceof Exception e) {
            LuaError le = new LuaError(e);
            LuaJAccess.stamp(le, globals, p, pc);
            return le;
        }
        return t;
    }
}
