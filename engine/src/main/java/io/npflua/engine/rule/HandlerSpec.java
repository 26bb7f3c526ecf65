package io.npflua.engine.rule;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A Java handler rule: its name, where each worker's instance comes from, and its error policy (null: pass).
 *
 * @param perWorker called once per worker; return the same thread-safe handler each time to share one
 */
public record HandlerSpec(String name, Supplier<? extends PacketHandler> perWorker, ErrorPolicy onError)
        implements RuleSpec {
    /** Validates the name and applies the default policy. */
    public HandlerSpec {
        ScriptSpec.checkName(name);
        Objects.requireNonNull(perWorker, "perWorker");
        onError = onError == null ? ErrorPolicy.PASS : onError;
    }

    @Override
    public String kind() {
        return "java";
    }
}
