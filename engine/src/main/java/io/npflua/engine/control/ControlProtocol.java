package io.npflua.engine.control;

import io.npflua.engine.Engine;
import io.npflua.engine.FlowListing;
import io.npflua.engine.RuleInfo;
import io.npflua.engine.counter.SnapshotJson;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.flow.FlowFormat;
import io.npflua.engine.flow.FlowRecord;
import io.npflua.engine.json.Json;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;

/**
 * Turns one request line into one response line, against an {@link Engine}. Transport-free (the
 * {@link ControlServer} feeds it), so every command and every error can be tested directly. The format is documented
 * in {@code docs/control-protocol.md}.
 *
 * <p>Any failure becomes an error response; nothing a client sends can throw out of {@link #handle(String)}, and a
 * script is compiled before the engine's chain is touched (the engine's load and reload guarantee that).
 */
public final class ControlProtocol {
    /** Protocol version reported by {@code ping}. */
    public static final int VERSION = 1;

    private static final Set<String> LOAD_KEYS =
            Set.of("cmd", "id", "name", "source", "entry", "on_error", "max_instructions");
    private static final Set<String> NAME_KEYS = Set.of("cmd", "id", "name");
    private static final Set<String> BARE_KEYS = Set.of("cmd", "id");
    private static final Set<String> FLOWS_KEYS = Set.of("cmd", "id", "limit");

    private final Engine engine;

    /** A protocol handler for {@code engine}. */
    public ControlProtocol(Engine engine) {
        this.engine = engine;
    }

    /** Handles one request (without its newline) and returns the response (without newline). */
    public String handle(String line) {
        Map<String, Object> request;
        try {
            request = Json.parseObject(Json.CONTROL, line);
        } catch (Json.JsonException e) {
            return error(null, "malformed", e.getMessage());
        }
        Object id = request.get("id");
        if (id != null && !(id instanceof String) && !(id instanceof Long)) {
            return error(null, "bad_request", "\"id\" must be a string or an integer");
        }
        try {
            Object cmd = request.get("cmd");
            if (!(cmd instanceof String command)) {
                return error(
                        id,
                        "bad_request",
                        "missing \"cmd\": one of load, reload, unload, list, stats, flows, ping, reopen");
            }
            return switch (command) {
                case "load" -> load(id, request);
                case "reload" -> reload(id, request);
                case "unload" -> unload(id, request);
                case "list" -> list(id, request);
                case "stats" -> stats(id, request);
                case "ping" -> ping(id, request);
                case "flows" -> flows(id, request);
                case "reopen" -> reopen(id, request);
                default ->
                    error(
                            id,
                            "unknown_command",
                            "unknown command '" + command
                                    + "': use load, reload, unload, list, stats, flows, ping or reopen");
            };
        } catch (BadRequest e) {
            return error(id, "bad_request", e.getMessage());
        } catch (RuleRejectedException e) {
            return error(id, "rejected", e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(id, "bad_request", e.getMessage());
        } catch (IllegalStateException e) {
            return error(id, "unavailable", e.getMessage());
        } catch (RuntimeException e) {
            return error(id, "internal", "internal error: " + e);
        }
    }

    private String load(Object id, Map<String, Object> r) throws BadRequest, RuleRejectedException {
        only(r, LOAD_KEYS);
        ScriptSpec spec = new ScriptSpec(
                string(r, "name", true),
                string(r, "source", true),
                string(r, "entry", false),
                policy(r, null),
                count(r, "max_instructions", 0));
        return rule(id, engine.load(spec));
    }

    private String reload(Object id, Map<String, Object> r) throws BadRequest, RuleRejectedException {
        only(r, LOAD_KEYS);
        String name = string(r, "name", true);
        ScriptSpec current = engine.script(name);
        if (current == null) {
            throw new RuleRejectedException(
                    engine.list().stream().anyMatch(i -> i.name().equals(name))
                            ? "rule '" + name + "' is a Java handler and cannot be reloaded"
                            : "no script named '" + name + "' is loaded");
        }
        String source = string(r, "source", false);
        String entry = string(r, "entry", false);
        ScriptSpec spec = new ScriptSpec(
                name,
                source == null ? current.source() : source,
                entry == null ? current.entry() : entry,
                policy(r, current.onError()),
                count(r, "max_instructions", current.maxInstructions()));
        return rule(id, engine.reload(spec));
    }

    private String unload(Object id, Map<String, Object> r) throws BadRequest, RuleRejectedException {
        only(r, NAME_KEYS);
        String name = string(r, "name", true);
        engine.unload(name);
        return ok(id, g -> g.writeStringProperty("unloaded", name));
    }

    private String list(Object id, Map<String, Object> r) throws BadRequest {
        only(r, BARE_KEYS);
        return ok(id, g -> {
            g.writeName("rules");
            g.writeStartArray();
            for (RuleInfo info : engine.list()) {
                writeRule(g, info);
            }
            g.writeEndArray();
        });
    }

    private String stats(Object id, Map<String, Object> r) throws BadRequest {
        only(r, BARE_KEYS);
        return ok(id, g -> {
            g.writeName("stats");
            SnapshotJson.write(engine.stats(), g);
        });
    }

    /** Flows listed per worker at most; a request may ask for fewer ({@code limit}). */
    static final long MAX_FLOWS_LISTED = 100_000;
    /** How long a listing waits for the workers. */
    static final long FLOWS_TIMEOUT_MS = 2_000;

    private String flows(Object id, Map<String, Object> r) throws BadRequest {
        only(r, FLOWS_KEYS);
        long limit = count(r, "limit", 1_000);
        if (limit > MAX_FLOWS_LISTED) {
            throw new BadRequest("\"limit\" must be at most " + MAX_FLOWS_LISTED + " (flows per worker)");
        }
        FlowListing listing;
        try {
            listing = engine.flows((int) limit, FLOWS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing flows");
        }
        return ok(id, g -> {
            g.writeNumberProperty("unanswered", listing.unanswered());
            g.writeName("flows");
            g.writeStartArray();
            for (FlowRecord f : listing.flows()) {
                g.writeStartObject();
                g.writeNumberProperty("worker", f.worker());
                g.writeNumberProperty("id", f.id());
                g.writeStringProperty("proto", FlowFormat.protocolName(f.protocol()));
                g.writeStringProperty("src", FlowFormat.address(f.family(), f.srcHi(), f.srcLo()));
                g.writeNumberProperty("sport", f.srcPort());
                g.writeStringProperty("dst", FlowFormat.address(f.family(), f.dstHi(), f.dstLo()));
                g.writeNumberProperty("dport", f.dstPort());
                g.writeNumberProperty("vlan", f.vlan());
                g.writeStringProperty("state", f.stateName());
                g.writeNumberProperty("first", f.firstNs() / 1e9);
                g.writeNumberProperty("last", f.lastNs() / 1e9);
                g.writeNumberProperty("packets_orig", f.packetsOrig());
                g.writeNumberProperty("packets_reply", f.packetsReply());
                g.writeNumberProperty("bytes_orig", f.bytesOrig());
                g.writeNumberProperty("bytes_reply", f.bytesReply());
                names(g, "passed_by", listing.rules(f.passedMask()));
                names(g, "blocked_by", listing.rules(f.blockedMask()));
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private static void names(JsonGenerator g, String property, List<String> names) {
        g.writeName(property);
        g.writeStartArray();
        for (String n : names) {
            g.writeString(n);
        }
        g.writeEndArray();
    }

    private String ping(Object id, Map<String, Object> r) throws BadRequest {
        only(r, BARE_KEYS);
        return ok(id, g -> {
            g.writeNumberProperty("version", VERSION);
            g.writeNumberProperty("workers", engine.workerCount());
        });
    }

    private String reopen(Object id, Map<String, Object> r) throws BadRequest {
        only(r, BARE_KEYS);
        EventLog log = engine.config().events();
        if (log == null) {
            throw new IllegalStateException("this engine writes no event log (start it with --events FILE)");
        }
        log.reopen();
        return ok(id, g -> g.writeBooleanProperty("reopened", true));
    }

    private static String rule(Object id, RuleInfo info) {
        return ok(id, g -> {
            g.writeName("rule");
            writeRule(g, info);
        });
    }

    private static void writeRule(JsonGenerator g, RuleInfo info) {
        g.writeStartObject();
        g.writeStringProperty("name", info.name());
        g.writeStringProperty("kind", info.kind());
        g.writeStringProperty("entry", info.entry());
        g.writeStringProperty("on_error", info.onError());
        g.writeNumberProperty("generation", info.generation());
        g.writeNumberProperty("max_instructions", info.maxInstructions());
        g.writeEndObject();
    }

    private static String ok(Object id, Consumer<JsonGenerator> members) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeBooleanProperty("ok", true);
            id(g, id);
            members.accept(g);
            g.writeEndObject();
        });
    }

    /** An error response line. */
    static String error(Object id, String code, String message) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeBooleanProperty("ok", false);
            id(g, id);
            g.writeStringProperty("code", code);
            g.writeStringProperty("error", message);
            g.writeEndObject();
        });
    }

    private static void id(JsonGenerator g, Object id) {
        if (id instanceof Long n) {
            g.writeNumberProperty("id", n);
        } else if (id != null) {
            g.writeStringProperty("id", (String) id);
        }
    }

    private static void only(Map<String, Object> r, Set<String> allowed) throws BadRequest {
        for (String key : r.keySet()) {
            if (!allowed.contains(key)) {
                throw new BadRequest("unknown field \"" + key + "\" for " + r.get("cmd") + "; allowed: "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    private static String string(Map<String, Object> r, String key, boolean required) throws BadRequest {
        Object v = r.get(key);
        if (v == null) {
            if (required) {
                throw new BadRequest("missing \"" + key + "\"");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new BadRequest("\"" + key + "\" must be a string");
        }
        return s;
    }

    private static long count(Map<String, Object> r, String key, long fallback) throws BadRequest {
        Object v = r.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Long n) || n < 0) {
            throw new BadRequest("\"" + key + "\" must be a non-negative integer");
        }
        return n;
    }

    private static ErrorPolicy policy(Map<String, Object> r, ErrorPolicy fallback) throws BadRequest {
        String s = string(r, "on_error", false);
        return s == null ? fallback : ErrorPolicy.parse(s);
    }

    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
