package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.RuleInfo;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code systemctl reload} (SIGHUP) for {@code npflua run}: reads the rule list again (the configuration file's
 * {@code scripts} and {@code rules_dir}, {@code --rules-dir}, {@code -s}) and makes the running engine match it: a
 * rule new to the list is loaded (at the end of the chain), one whose file or settings changed is reloaded in place
 * (counters carry on), one that left the list is unloaded, one unchanged is left alone. One line per change on
 * standard error (the journal), then a summary. A rule that does not compile, or a file that cannot be read, is
 * reported and skipped: the others still change, the running version of that rule stays, and the engine keeps
 * filtering. A configuration file that cannot be read changes nothing.
 *
 * <p>Only rules the list named are ever unloaded: one loaded over the control socket ({@code npflua load}) under a
 * name the list does not use stays, and a Java handler is neither replaced nor unloaded by a list entry of its name. Settings other than the rule list (interfaces, workers, outputs, limits) are read
 * at start only.
 */
final class RuleSync {
    /** What the rule list says now: the scripts in order and the defaults for those that set nothing. */
    record Wanted(List<ScriptPlan> scripts, ErrorPolicy onError, Long maxInstructions) {}

    /** What one pass changed. */
    record Result(int loaded, int reloaded, int unloaded, int unchanged, int failed) {
        @Override
        public String toString() {
            return loaded + " loaded, " + reloaded + " reloaded, " + unloaded + " unloaded, " + unchanged
                    + " unchanged, " + failed + " failed";
        }
    }

    private final Engine engine;
    private final Supplier<Wanted> wanted;
    private final PrintWriter err;
    /** The names the rule list had at the last pass (at start: the rules loaded then). */
    private final Set<String> listed = new LinkedHashSet<>();

    /**
     * For {@code engine}, which was started with the rules {@code atStart} named; {@code wanted} reads the list
     * again (it throws {@link CliFailure} when the configuration cannot be read).
     */
    RuleSync(Engine engine, List<ScriptPlan> atStart, Supplier<Wanted> wanted, PrintWriter err) {
        this.engine = engine;
        this.wanted = wanted;
        this.err = err;
        for (ScriptPlan p : atStart) {
            listed.add(p.name());
        }
    }

    /** One pass; never throws (everything is reported). Serialised: a second SIGHUP waits for the first. */
    synchronized Result sync() {
        Wanted w;
        try {
            w = wanted.get();
            ScriptPlan.checkUnique(w.scripts(), "in the rule list");
        } catch (CliFailure e) {
            say("reload failed: " + e.getMessage() + "; the running rules are unchanged");
            return new Result(0, 0, 0, 0, 1);
        } catch (RuntimeException e) {
            say("reload failed: " + e + "; the running rules are unchanged");
            return new Result(0, 0, 0, 0, 1);
        }
        int loaded = 0;
        int reloaded = 0;
        int unloaded = 0;
        int unchanged = 0;
        int failed = 0;
        Map<String, ScriptPlan> now = new HashMap<>();
        for (ScriptPlan p : w.scripts()) {
            now.put(p.name(), p);
        }
        // Removed first: a rule renamed (its file moved to another name) leaves before its new self arrives.
        for (String name : new ArrayList<>(listed)) {
            if (now.containsKey(name)) {
                continue;
            }
            listed.remove(name);
            RuleInfo running = loaded(name);
            if (running != null && running.kind().equals("java")) {
                // A Java handler is never the list's: its name was only taken up by a file the list could not load.
                continue;
            }
            try {
                engine.unload(name);
                unloaded++;
                say("rule " + name + " unloaded (no longer in the rule list)");
            } catch (RuleRejectedException e) {
                // Unloaded over the control socket in the meantime: nothing to do.
                say("rule " + name + " left the rule list; it was not loaded (" + e.getMessage() + ")");
            }
        }
        for (ScriptPlan p : w.scripts()) {
            String name = p.name();
            ScriptSpec spec;
            try {
                spec = p.toSpec(w.onError(), w.maxInstructions());
            } catch (CliFailure e) {
                failed++;
                say("rule " + name + " not " + (isLoaded(name) ? "reloaded" : "loaded") + ": " + e.getMessage()
                        + keeps(name));
                listed.add(name); // still listed: a later pass with the file fixed loads or reloads it
                continue;
            }
            ScriptSpec current = engine.script(name);
            try {
                if (current == null && isLoaded(name)) {
                    failed++;
                    say("rule " + name + " not loaded: a Java handler of that name is loaded");
                } else if (current == null) {
                    RuleInfo info = engine.load(spec);
                    loaded++;
                    say("rule " + name + " loaded from " + p.file() + " (generation " + info.generation() + ")");
                } else if (current.equals(spec)) {
                    unchanged++;
                } else {
                    RuleInfo info = engine.reload(spec);
                    reloaded++;
                    say("rule " + name + " reloaded from " + p.file() + " (generation " + info.generation() + ")");
                }
            } catch (RuleRejectedException e) {
                failed++;
                say("rule " + name + " not " + (current == null ? "loaded" : "reloaded") + ": "
                        + ScriptFiles.locate(p.file(), e.line(), e.detail()) + keeps(name));
            } catch (RuntimeException e) {
                failed++;
                say("rule " + name + " not " + (current == null ? "loaded" : "reloaded") + ": " + e + keeps(name));
            }
            listed.add(name);
        }
        Result r = new Result(loaded, reloaded, unloaded, unchanged, failed);
        say("rules reloaded: " + r);
        return r;
    }

    /** The loaded rule named {@code name}, or null. */
    private RuleInfo loaded(String name) {
        for (RuleInfo i : engine.list()) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        return null;
    }

    private boolean isLoaded(String name) {
        return loaded(name) != null;
    }

    private String keeps(String name) {
        RuleInfo i = loaded(name);
        return i == null ? "" : "; generation " + i.generation() + " keeps running";
    }

    private void say(String line) {
        err.println("npflua: " + line);
        err.flush();
    }
}
