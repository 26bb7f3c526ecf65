package io.npflua.lua.sandbox;

import org.luaj.vm2.LuaString;

/**
 * Where a script's {@code alert(message [, fields])} goes: an event that decides nothing (IDS use). Called on the
 * thread that runs the script, during its call; the sink copies what it keeps (the message and the fields are valid
 * only during the call) and must not block.
 */
@FunctionalInterface
public interface AlertSink {
    /** Alerts go nowhere (and {@code alert} returns false). */
    AlertSink NONE = (scriptName, message, fields) -> false;

    /**
     * Records one alert of {@code scriptName}. The message and the fields are within the bounds of
     * {@link SandboxLimits} ({@code MAX_ALERT_*}), checked before this call.
     *
     * @return true when recorded, false when dropped (no event log, rate limit, full queue)
     */
    boolean alert(String scriptName, LuaString message, AlertFields fields);
}
