package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.EngineException;
import io.npflua.engine.output.VerdictSinkFactory;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.ffm.sys.ErrnoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Steps {@code run}, {@code replay} and {@code demo} share: outputs checked, scripts added, build errors explained. */
final class EngineSetup {
    private EngineSetup() {}

    /** Throws unless {@code file} can be created or overwritten ({@code option} names the flag in the message). */
    static void checkWritable(Path file, String option) {
        String what = "cannot write " + file + " (" + option + ")";
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new CliFailure(what, "directory " + parent + " does not exist", "create it or choose another path");
        }
        if (Files.isDirectory(file)) {
            throw new CliFailure(what, "it is a directory", "name a file");
        }
        boolean ok = Files.exists(file) ? Files.isWritable(file) : Files.isWritable(parent);
        if (!ok) {
            throw new CliFailure(what, "permission denied", "choose a path this user may write");
        }
    }

    /** Throws unless both outputs (either may be null) are distinct. */
    static void checkDistinct(Path passed, Path blocked) {
        if (passed != null
                && blocked != null
                && passed.toAbsolutePath()
                        .normalize()
                        .equals(blocked.toAbsolutePath().normalize())) {
            throw CliFailure.usage(
                    "-w and --write-blocked name the same file " + passed,
                    "each needs its own file",
                    "choose two paths");
        }
    }

    /** Attaches per-worker sinks for passed and blocked frames (either may be null). */
    static void outputs(Engine.Builder b, VerdictSinkFactory passed, VerdictSinkFactory blocked) {
        if (passed != null) {
            b.onPassedPerWorker(passed);
        }
        if (blocked != null) {
            b.onBlockedPerWorker(blocked);
        }
    }

    /** Reads every planned script and adds it to {@code builder}, in order. */
    static void addScripts(Engine.Builder builder, List<ScriptPlan> plans, ErrorPolicy onError, Long max) {
        ScriptPlan.checkUnique(plans, "to load");
        for (ScriptPlan p : plans) {
            builder.script(p.toSpec(onError, max));
        }
    }

    /** Builds the engine, turning its validation errors into messages that point at files and options. */
    static Engine build(Engine.Builder builder, List<ScriptPlan> plans) {
        try {
            return builder.build();
        } catch (EngineException e) {
            if (e.getCause() instanceof RuleRejectedException r && e.rule() != null) {
                for (ScriptPlan p : plans) {
                    if (e.rule().equals(p.name())) {
                        throw new CliFailure(
                                "script " + p.file() + " rejected",
                                ScriptFiles.locate(p.file(), r.line(), r.detail()),
                                "run 'npflua check " + p.file() + "' and fix the line shown",
                                ExitCodes.FAILURE,
                                e);
                    }
                }
            }
            throw new CliFailure(
                    "cannot start the engine",
                    e.getMessage(),
                    null,
                    privilegeDenied(e) ? ExitCodes.NEEDS_ROOT : ExitCodes.FAILURE,
                    e);
        }
    }

    /** Starts the engine, turning a source that cannot be opened into an actionable message. */
    static void start(Engine engine) {
        try {
            engine.start();
        } catch (EngineException e) {
            engine.closeAndReport();
            throw new CliFailure(
                    "cannot start the engine",
                    e.getMessage(),
                    null,
                    privilegeDenied(e) ? ExitCodes.NEEDS_ROOT : ExitCodes.FAILURE,
                    e);
        }
    }

    /** A spec check that turns the record's validation into a usage error. */
    static ScriptSpec spec(String name, String source, String entry, ErrorPolicy policy, long max) {
        try {
            return new ScriptSpec(name, source, entry, policy, max);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("script " + name, e.getMessage(), null);
        }
    }

    /**
     * True when a system call under {@code e} failed for want of privilege (EPERM or EACCES): the errno is read from
     * the {@link ErrnoException} in the cause chain, never from message text. Its message already carries the advice
     * (root or CAP_NET_RAW with setcap).
     */
    static boolean privilegeDenied(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ErrnoException x) {
                return x.privilegeDenied();
            }
        }
        return false;
    }
}
