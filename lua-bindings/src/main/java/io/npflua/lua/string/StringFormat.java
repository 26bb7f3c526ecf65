package io.npflua.lua.string;

import io.npflua.lua.core.InstructionBudget;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code string.format} with C {@code printf} semantics and Lua 5.4's validation of each conversion (which flags
 * it accepts, at most two digits of width and precision, the same error messages).
 */
final class StringFormat {
    private static final String NAME = "format";
    /** Lua 5.4's MAX_FORMAT (32) minus its margin: a conversion spec of 22 or more characters is refused. */
    private static final int MAX_SPEC = 22;

    private StringFormat() {}

    /** A parsed conversion: flags, width, precision (-1 when absent) and the conversion letter. */
    private record Spec(
            String form,
            boolean left,
            boolean plus,
            boolean space,
            boolean alt,
            boolean zero,
            int width,
            int precision) {}

    static LuaString format(Varargs args) {
        LuaString fmt = LuaArgs.checkString(args, 1, NAME);
        byte[] f = fmt.m_bytes;
        int i = fmt.m_offset;
        int end = fmt.m_offset + fmt.m_length;
        ByteBuilder out = new ByteBuilder(fmt.m_length + 16);
        int arg = 1;
        while (i < end) {
            byte c = f[i++];
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i < end && f[i] == '%') {
                out.append('%');
                i++;
                continue;
            }
            if (++arg > args.narg()) {
                throw LuaArgs.argError(arg, NAME, "no value");
            }
            int specStart = i;
            while (i < end && "-+ #0123456789.".indexOf(f[i]) >= 0) {
                i++;
            }
            int conv = i < end ? f[i] & 0xff : -1;
            int specLen = i - specStart + 1;
            String form = "%" + new String(f, specStart, Math.min(i + 1, end) - specStart, StandardCharsets.ISO_8859_1);
            if (specLen >= MAX_SPEC) {
                throw new LuaError("invalid format (too long)");
            }
            i++;
            switch (conv) {
                case 'c' -> {
                    Spec s = check(form, "-", false);
                    long v = LuaArgs.checkInteger(args, arg, NAME);
                    padBytes(out, new byte[] {(byte) v}, 1, s);
                }
                case 'd', 'i' -> {
                    Spec s = check(form, "-+0 ", true);
                    long v = LuaArgs.checkInteger(args, arg, NAME);
                    String digits = v < 0 ? Long.toString(v).substring(1) : Long.toString(v);
                    integer(out, v < 0 ? "-" : s.plus ? "+" : s.space ? " " : "", "", digits, v == 0, s);
                }
                case 'u' -> {
                    Spec s = check(form, "-0", true);
                    long v = LuaArgs.checkInteger(args, arg, NAME);
                    integer(out, "", "", Long.toUnsignedString(v), v == 0, s);
                }
                case 'o', 'x', 'X' -> {
                    Spec s = check(form, "-#0", true);
                    long v = LuaArgs.checkInteger(args, arg, NAME);
                    String digits;
                    String prefix = "";
                    if (conv == 'o') {
                        digits = Long.toOctalString(v);
                    } else {
                        digits = Long.toHexString(v);
                        if (conv == 'X') {
                            digits = digits.toUpperCase(Locale.ROOT);
                        }
                        if (s.alt && v != 0) {
                            prefix = conv == 'X' ? "0X" : "0x";
                        }
                    }
                    integer(out, "", prefix, digits, v == 0, s);
                }
                case 'a', 'A', 'e', 'E', 'f', 'g', 'G' -> {
                    Spec s = check(form, "-+ #0", true);
                    double v = LuaArgs.checkNumber(args, arg, NAME);
                    floating(out, v, conv, s);
                }
                case 'p' -> {
                    Spec s = check(form, "-", false);
                    LuaValue v = args.arg(arg);
                    String text = switch (v.type()) {
                        case LuaValue.TNIL, LuaValue.TBOOLEAN, LuaValue.TNUMBER -> "(null)";
                        default -> "0x" + Integer.toHexString(System.identityHashCode(v));
                    };
                    padBytes(out, text.getBytes(StandardCharsets.ISO_8859_1), text.length(), s);
                }
                case 'q' -> {
                    if (form.length() > 2) {
                        throw new LuaError("specifier '%q' cannot have modifiers");
                    }
                    quoted(out, args, arg);
                }
                case 's' -> {
                    LuaString v = toLuaString(args.arg(arg));
                    if (form.length() == 2) {
                        out.append(v);
                    } else {
                        for (int k = 0; k < v.m_length; k++) {
                            if (v.m_bytes[v.m_offset + k] == 0) {
                                throw LuaArgs.argError(arg, NAME, "string contains zeros");
                            }
                        }
                        Spec s = check(form, "-", true);
                        if (s.precision < 0 && v.m_length >= 100) {
                            out.append(v);
                        } else {
                            int n = s.precision < 0 ? v.m_length : Math.min(v.m_length, s.precision);
                            byte[] b = new byte[n];
                            System.arraycopy(v.m_bytes, v.m_offset, b, 0, n);
                            padBytes(out, b, n, s);
                        }
                    }
                }
                default -> throw new LuaError("invalid conversion '" + form + "' to 'format'");
            }
        }
        InstructionBudget.current().charge(out.length() >>> 6);
        return out.toLuaString();
    }

    /** Lua's tostring: numbers as Lua prints them, {@code __tostring} and {@code __name} honoured. */
    static LuaString toLuaString(LuaValue v) {
        if (v instanceof LuaString s) {
            return s;
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaNumbers.toLuaString(v.todouble());
        }
        LuaValue h = v.metatag(LuaValue.TOSTRING);
        if (!h.isnil()) {
            LuaValue r = h.call(v);
            if (!(r instanceof LuaString rs)) {
                if (r.type() == LuaValue.TNUMBER) {
                    return LuaNumbers.toLuaString(r.todouble());
                }
                throw new LuaError("'__tostring' must return a string");
            }
            return rs;
        }
        return LuaString.valueOf(v.tojstring());
    }

    /** Lua 5.4's checkformat: only {@code flags}, then at most two digits of width and (if allowed) precision. */
    private static Spec check(String form, String flags, boolean precisionAllowed) {
        int i = 1;
        boolean left = false;
        boolean plus = false;
        boolean space = false;
        boolean alt = false;
        boolean zero = false;
        while (i < form.length() && flags.indexOf(form.charAt(i)) >= 0) {
            switch (form.charAt(i)) {
                case '-' -> left = true;
                case '+' -> plus = true;
                case ' ' -> space = true;
                case '#' -> alt = true;
                default -> zero = true;
            }
            i++;
        }
        int width = 0;
        int precision = -1;
        if (form.charAt(i) != '0') {
            int start = i;
            while (i < form.length() && i - start < 2 && Character.isDigit(form.charAt(i))) {
                width = width * 10 + form.charAt(i++) - '0';
            }
            if (form.charAt(i) == '.' && precisionAllowed) {
                i++;
                precision = 0;
                start = i;
                while (i < form.length() && i - start < 2 && Character.isDigit(form.charAt(i))) {
                    precision = precision * 10 + form.charAt(i++) - '0';
                }
            }
        }
        if (!Character.isLetter(form.charAt(i)) || i != form.length() - 1) {
            throw new LuaError("invalid conversion specification: '" + form + "'");
        }
        return new Spec(form, left, plus, space, alt, zero, width, precision);
    }

    private static void integer(ByteBuilder out, String sign, String prefix, String digits, boolean isZero, Spec s) {
        if (s.precision >= 0) {
            if (s.precision == 0 && isZero) {
                digits = "";
            }
            if (digits.length() < s.precision) {
                digits = "0".repeat(s.precision - digits.length()) + digits;
            }
        }
        if (s.alt && s.form.endsWith("o") && !digits.startsWith("0")) {
            digits = "0" + digits;
        }
        pad(out, sign + prefix, digits, s.zero && s.precision < 0, s);
    }

    private static void floating(ByteBuilder out, double v, int conv, Spec s) {
        boolean upper = conv == 'A' || conv == 'E' || conv == 'G';
        boolean neg = LuaNumbers.isNegative(v);
        String sign = neg ? "-" : s.plus ? "+" : s.space ? " " : "";
        double abs = Math.abs(v);
        if (!Double.isFinite(v)) {
            String t = Double.isNaN(v) ? "nan" : "inf";
            pad(out, sign, upper ? t.toUpperCase(Locale.ROOT) : t, false, s);
            return;
        }
        int p = s.precision;
        String body = switch (conv) {
            case 'a', 'A' -> LuaNumbers.hexAbs(abs, p, s.alt, upper);
            case 'e', 'E' -> LuaNumbers.expAbs(abs, p < 0 ? 6 : p, s.alt, upper);
            case 'f' -> LuaNumbers.fixedAbs(abs, p < 0 ? 6 : p, s.alt);
            default -> LuaNumbers.generalAbs(abs, p < 0 ? 6 : p, s.alt, upper);
        };
        if ((conv == 'a' || conv == 'A') && s.zero && !s.left) {
            // The zero padding of %a goes after the "0x" prefix.
            String hexPrefix = body.substring(0, 2);
            pad(out, sign + hexPrefix, body.substring(2), true, s);
            return;
        }
        pad(out, sign, body, s.zero, s);
    }

    private static void pad(ByteBuilder out, String head, String body, boolean zeroPad, Spec s) {
        int len = head.length() + body.length();
        int fill = Math.max(0, s.width - len);
        if (s.left) {
            out.append(head).append(body);
            appendRepeated(out, ' ', fill);
        } else if (zeroPad) {
            out.append(head);
            appendRepeated(out, '0', fill);
            out.append(body);
        } else {
            appendRepeated(out, ' ', fill);
            out.append(head).append(body);
        }
    }

    private static void padBytes(ByteBuilder out, byte[] b, int n, Spec s) {
        int fill = Math.max(0, s.width - n);
        if (!s.left) {
            appendRepeated(out, ' ', fill);
        }
        out.append(b, 0, n);
        if (s.left) {
            appendRepeated(out, ' ', fill);
        }
    }

    private static void appendRepeated(ByteBuilder out, char c, int n) {
        for (int i = 0; i < n; i++) {
            out.append(c);
        }
    }

    private static void quoted(ByteBuilder out, Varargs args, int arg) {
        LuaValue v = args.arg(arg);
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                LuaString s = (LuaString) v;
                out.append('"');
                for (int k = 0; k < s.m_length; k++) {
                    int c = s.m_bytes[s.m_offset + k] & 0xff;
                    if (c == '"' || c == '\\' || c == '\n') {
                        out.append('\\').append(c);
                    } else if (c < 32 || c == 127) {
                        int next = k + 1 < s.m_length ? s.m_bytes[s.m_offset + k + 1] : 0;
                        boolean digitFollows = next >= '0' && next <= '9';
                        out.append(digitFollows ? String.format("\\%03d", c) : "\\" + c);
                    } else {
                        out.append(c);
                    }
                }
                out.append('"');
            }
            case LuaValue.TNUMBER -> {
                double d = v.todouble();
                long l = (long) d;
                if (l == d && d < LuaArgs.TWO_POW_63) {
                    out.append(l == Long.MIN_VALUE ? "0x8000000000000000" : Long.toString(l));
                } else if (d == Double.POSITIVE_INFINITY) {
                    out.append("1e9999");
                } else if (d == Double.NEGATIVE_INFINITY) {
                    out.append("-1e9999");
                } else if (Double.isNaN(d)) {
                    out.append("(0/0)");
                } else {
                    out.append((d < 0 ? "-" : "") + LuaNumbers.hexAbs(Math.abs(d), -1, false, false));
                }
            }
            case LuaValue.TNIL, LuaValue.TBOOLEAN -> out.append(v.tojstring());
            default -> throw LuaArgs.argError(arg, NAME, "value has no literal form");
        }
    }
}
