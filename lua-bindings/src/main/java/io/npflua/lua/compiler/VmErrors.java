package io.npflua.lua.compiler;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * Lua 5.4's wording for an error that an instruction itself raises ("attempt to index a nil value (global 'x')"),
 * where LuaJ's says "attempt to index ? (a nil value)". The instruction at {@code pc} and its operands (still in the
 * registers: the instruction threw before writing its result) tell what failed; the variable's name comes from the
 * same symbolic reading of the bytecode that Lua's {@code getobjname} does. Only for errors the instruction raised
 * itself (an operand of a type that has no such operation and no metamethod for it); anything raised deeper keeps
 * its message.
 */
final class VmErrors {
    private static final LuaString ENV = LuaValue.valueOf("_ENV");

    private VmErrors() {}

    /** The Lua 5.4 message for the failure of the instruction at {@code pc}, or null to keep LuaJ's. */
    static String describe(Prototype p, int pc, LuaValue[] stack) {
        if (pc < 0 || pc >= p.code.length || stack == null) {
            return null;
        }
        int i = p.code[pc];
        int a = (i >> 6) & 0xff;
        int b = i >>> 23;
        int c = (i >> 14) & 0x1ff;
        switch (i & 0x3f) {
            case Lua.OP_GETTABLE, Lua.OP_SELF -> {
                return notIndexable(stack[b]) ? typeError(p, pc, b, stack[b], "index") : null;
            }
            case Lua.OP_SETTABLE -> {
                return notIndexable(stack[a]) ? typeError(p, pc, a, stack[a], "index") : null;
            }
            case Lua.OP_GETTABUP, Lua.OP_SETTABUP -> {
                return null; // _ENV and upvalue tables: LuaJ's message names no variable either way
            }
            case Lua.OP_CALL, Lua.OP_TAILCALL -> {
                LuaValue f = stack[a];
                return !f.isfunction() && f.metatag(LuaValue.CALL).isnil() ? typeError(p, pc, a, f, "call") : null;
            }
            case Lua.OP_ADD, Lua.OP_SUB, Lua.OP_MUL, Lua.OP_DIV, Lua.OP_MOD, Lua.OP_POW -> {
                LuaValue x = rk(p, stack, b);
                LuaValue y = rk(p, stack, c);
                int culprit = isArith(x) ? c : b;
                LuaValue v = isArith(x) ? y : x;
                if (isArith(v) || hasArithMeta(x) || hasArithMeta(y)) {
                    return null;
                }
                return culprit > 0xff
                        ? "attempt to perform arithmetic on a " + v.typename() + " value"
                        : typeError(p, pc, culprit, v, "perform arithmetic on");
            }
            case Lua.OP_UNM -> {
                LuaValue v = stack[b];
                return isArith(v) || hasArithMeta(v) ? null : typeError(p, pc, b, v, "perform arithmetic on");
            }
            case Lua.OP_LEN -> {
                LuaValue v = stack[b];
                int t = v.type();
                return t == LuaValue.TNIL || t == LuaValue.TBOOLEAN || t == LuaValue.TNUMBER || t == LuaValue.TFUNCTION
                        ? typeError(p, pc, b, v, "get length of")
                        : null;
            }
            case Lua.OP_CONCAT -> {
                for (int k = c; k > b; k--) {
                    LuaValue x = stack[k - 1];
                    LuaValue y = stack[k];
                    boolean xs = isStringy(x);
                    boolean ys = isStringy(y);
                    if (!(xs && ys)
                            && x.metatag(LuaValue.CONCAT).isnil()
                            && y.metatag(LuaValue.CONCAT).isnil()) {
                        int r = xs ? k : k - 1;
                        return typeError(p, pc, r, stack[r], "concatenate");
                    }
                }
                return null;
            }
            case Lua.OP_LT, Lua.OP_LE -> {
                LuaValue x = rk(p, stack, b);
                LuaValue y = rk(p, stack, c);
                LuaValue tag = (i & 0x3f) == Lua.OP_LT ? LuaValue.LT : LuaValue.LE;
                if (!x.metatag(tag).isnil() || !y.metatag(tag).isnil()) {
                    return null;
                }
                String t1 = x.typename();
                String t2 = y.typename();
                return t1.equals(t2)
                        ? "attempt to compare two " + t1 + " values"
                        : "attempt to compare " + t1 + " with " + t2;
            }
            default -> {
                return null;
            }
        }
    }

    private static LuaValue rk(Prototype p, LuaValue[] stack, int x) {
        return x > 0xff ? p.k[x & 0xff] : stack[x];
    }

    private static boolean notIndexable(LuaValue v) {
        int t = v.type();
        return t == LuaValue.TNIL || t == LuaValue.TBOOLEAN || t == LuaValue.TNUMBER || t == LuaValue.TFUNCTION;
    }

    private static boolean isArith(LuaValue v) {
        return v.type() == LuaValue.TNUMBER
                || (v.type() == LuaValue.TSTRING && !v.tonumber().isnil());
    }

    private static boolean hasArithMeta(LuaValue v) {
        int t = v.type();
        return (t == LuaValue.TTABLE || t == LuaValue.TUSERDATA) && v.getmetatable() != null;
    }

    private static boolean isStringy(LuaValue v) {
        return v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER;
    }

    private static String typeError(Prototype p, int pc, int reg, LuaValue v, String op) {
        String name = objectName(p, pc, reg);
        return "attempt to " + op + " a " + v.typename() + " value" + (name == null ? "" : " (" + name + ")");
    }

    /** {@code kind 'name'} of register {@code reg} at {@code pc} (Lua's {@code getobjname}), or null. */
    static String objectName(Prototype p, int pc, int reg) {
        LuaString local = p.getlocalname(reg + 1, pc);
        if (local != null) {
            return "local '" + local.tojstring() + "'";
        }
        int set = findSetReg(p, pc, reg);
        if (set < 0) {
            return null;
        }
        int i = p.code[set];
        int a = (i >> 6) & 0xff;
        int b = i >>> 23;
        int c = (i >> 14) & 0x1ff;
        switch (i & 0x3f) {
            case Lua.OP_MOVE -> {
                return b < a ? objectName(p, set, b) : null;
            }
            case Lua.OP_GETTABUP -> {
                String key = constantName(p, c);
                if (key == null) {
                    return null;
                }
                boolean env = p.upvalues != null && b < p.upvalues.length && ENV.raweq(p.upvalues[b].name);
                return (env ? "global '" : "field '") + key + "'";
            }
            case Lua.OP_GETTABLE -> {
                String key = constantName(p, c);
                if (key == null) {
                    return null;
                }
                LuaString table = p.getlocalname(b + 1, set);
                return (table != null && ENV.raweq(table) ? "global '" : "field '") + key + "'";
            }
            case Lua.OP_GETUPVAL -> {
                return p.upvalues != null && b < p.upvalues.length && p.upvalues[b].name != null
                        ? "upvalue '" + p.upvalues[b].name.tojstring() + "'"
                        : null;
            }
            case Lua.OP_LOADK -> {
                return p.k[i >>> 14] instanceof LuaString ? "constant '" + p.k[i >>> 14].tojstring() + "'" : null;
            }
            case Lua.OP_SELF -> {
                String key = constantName(p, c);
                return key == null ? null : "method '" + key + "'";
            }
            default -> {
                return null;
            }
        }
    }

    private static String constantName(Prototype p, int rk) {
        return rk > 0xff && p.k[rk & 0xff] instanceof LuaString s ? s.tojstring() : null;
    }

    /** The last instruction before {@code lastpc} that sets {@code reg}, if not conditional (Lua's findsetreg). */
    private static int findSetReg(Prototype p, int lastpc, int reg) {
        int setreg = -1;
        int jmptarget = 0;
        int[] code = p.code;
        for (int pc = 0; pc < lastpc; pc++) {
            int i = code[pc];
            int op = i & 0x3f;
            int a = (i >> 6) & 0xff;
            boolean sets = switch (op) {
                case Lua.OP_LOADNIL -> a <= reg && reg <= a + (i >>> 23);
                case Lua.OP_TFORCALL -> reg >= a + 2;
                case Lua.OP_CALL, Lua.OP_TAILCALL -> reg >= a;
                case Lua.OP_JMP -> {
                    int dest = pc + 1 + ((i >>> 14) - 0x1ffff);
                    if (pc < dest && dest <= lastpc && dest > jmptarget) {
                        jmptarget = dest;
                    }
                    yield false;
                }
                case Lua.OP_SETTABUP,
                        Lua.OP_SETUPVAL,
                        Lua.OP_SETTABLE,
                        Lua.OP_EQ,
                        Lua.OP_LT,
                        Lua.OP_LE,
                        Lua.OP_TEST,
                        Lua.OP_RETURN,
                        Lua.OP_SETLIST,
                        Lua.OP_EXTRAARG -> false;
                default -> a == reg;
            };
            if (sets) {
                setreg = pc < jmptarget ? -1 : pc;
            }
            if (op == Lua.OP_SETLIST && ((i >> 14) & 0x1ff) == 0) {
                pc++;
            }
        }
        return setreg;
    }
}
