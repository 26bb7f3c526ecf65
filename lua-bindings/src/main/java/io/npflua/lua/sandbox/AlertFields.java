package io.npflua.lua.sandbox;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * The fields of one {@code alert} call, checked: at most {@link SandboxLimits#MAX_ALERT_FIELDS} names (strings of at
 * most {@link SandboxLimits#MAX_ALERT_NAME_BYTES} bytes) with values that are strings (at most
 * {@link SandboxLimits#MAX_ALERT_STRING_BYTES} bytes), numbers or booleans. One reused instance per state: valid only
 * during the {@link AlertSink#alert} call.
 */
public final class AlertFields {
    private final LuaString[] names = new LuaString[SandboxLimits.MAX_ALERT_FIELDS];
    private final LuaValue[] values = new LuaValue[SandboxLimits.MAX_ALERT_FIELDS];
    private int count;

    /** Number of fields. */
    public int count() {
        return count;
    }

    /** The name of field {@code i}. */
    public LuaString name(int i) {
        return names[i];
    }

    /** The value of field {@code i}: a {@code LuaString}, a number ({@code isnumber()}) or a boolean. */
    public LuaValue value(int i) {
        return values[i];
    }

    void clear() {
        for (int i = 0; i < count; i++) {
            names[i] = null;
            values[i] = null;
        }
        count = 0;
    }

    /**
     * Adds a field, or returns the error text when it breaks a bound (the field is not added then). The sandbox's
     * {@code alert} fills its instance this way; Java callers (benchmarks, tests) may too.
     */
    public String add(LuaValue name, LuaValue value) {
        if (!(name instanceof LuaString n)) {
            return "field names must be strings (got a " + name.typename() + ")";
        }
        if (n.length() > SandboxLimits.MAX_ALERT_NAME_BYTES) {
            return "field name longer than " + SandboxLimits.MAX_ALERT_NAME_BYTES + " bytes";
        }
        if (count == SandboxLimits.MAX_ALERT_FIELDS) {
            return "more than " + SandboxLimits.MAX_ALERT_FIELDS + " fields";
        }
        int type = value.type();
        if (type == LuaValue.TSTRING && value instanceof LuaString s) {
            if (s.length() > SandboxLimits.MAX_ALERT_STRING_BYTES) {
                return "field '" + n.tojstring() + "' is longer than " + SandboxLimits.MAX_ALERT_STRING_BYTES
                        + " bytes";
            }
        } else if (type != LuaValue.TNUMBER && type != LuaValue.TBOOLEAN) {
            return "field '" + n.tojstring() + "' is a " + value.typename()
                    + "; fields are strings, numbers or booleans";
        }
        names[count] = n;
        values[count] = value;
        count++;
        return null;
    }
}
