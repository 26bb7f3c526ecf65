package io.npflua.lua.vm.fuzz;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The differential program campaign, run by hand: programs of seeds {@code start .. start+count-1} from
 * {@link LuaProgramGenerator} run through two runners ({@code interp}, {@code compiled} or {@code lua52}, see
 * {@link Runners}); every mismatch prints its seed and both outputs, and the first few are minimised by deleting
 * lines while the runners still disagree and the program still compiles. Ends with a summary.
 *
 * <p>Arguments: {@code start count runnerA runnerB}, for example {@code 0 20000 interp lua52}.
 */
public final class DifferentialCampaign {
    /** Mismatches minimised and printed in full; the rest are only counted and listed by seed. */
    private static final int MINIMISED = 10;
    /** Candidate programs tried per minimisation at most. */
    private static final int MINIMISE_TRIES = 800;

    private final LuaRunner a;
    private final LuaRunner b;
    /** The same engines with tight limits, for the minimiser's candidates. */
    private final LuaRunner quickA;

    private final LuaRunner quickB;
    private final Globals syntax = JsePlatform.standardGlobals();

    private DifferentialCampaign(String a, String b) {
        this.a = Runners.byName(a);
        this.b = Runners.byName(b);
        this.quickA = Runners.quick(a);
        this.quickB = Runners.quick(b);
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: DifferentialCampaign <startSeed> <count> <runnerA> <runnerB>"
                    + "  (runners: interp, compiled, lua52)");
            System.exit(2);
        }
        long start = Long.parseLong(args[0]);
        long count = Long.parseLong(args[1]);
        DifferentialCampaign c = new DifferentialCampaign(args[2], args[3]);
        PrintStream out = System.out;
        long t0 = System.nanoTime();
        long mismatches = 0;
        long uncaught = 0;
        long lines = 0;
        long outputLines = 0;
        List<Long> seeds = new ArrayList<>();
        Map<String, Integer> endings = new LinkedHashMap<>();
        for (long seed = start; seed < start + count; seed++) {
            String program = new LuaProgramGenerator(seed).program();
            String name = "seed" + seed;
            String outA = DifferentialHarness.run(c.a, name, program);
            String outB = DifferentialHarness.run(c.b, name, program);
            lines += program.lines().count();
            outputLines += outA.lines().count();
            String last = outA.substring(outA.lastIndexOf('\n') + 1);
            if (!last.equals("ok")) {
                uncaught++;
                String kind = last.replaceAll("\\d+", "N");
                endings.merge(kind.length() > 40 ? kind.substring(0, 40) : kind, 1, Integer::sum);
            }
            if (!outA.equals(outB)) {
                mismatches++;
                seeds.add(seed);
                out.println("MISMATCH seed " + seed + ": " + firstDifference(outA, outB, args[2], args[3]));
                if (mismatches <= MINIMISED) {
                    String min = c.minimise(name, program);
                    out.println("  minimised program (" + min.lines().count() + " lines):");
                    min.lines().forEach(l -> out.println("    | " + l));
                    out.println("  " + args[2] + ":");
                    DifferentialHarness.run(c.a, name, min).lines().forEach(l -> out.println("    > " + l));
                    out.println("  " + args[3] + ":");
                    DifferentialHarness.run(c.b, name, min).lines().forEach(l -> out.println("    > " + l));
                }
            }
            long done = seed - start + 1;
            if (done % 1000 == 0) {
                out.printf(
                        "progress: %d programs, %d mismatches, %.0f s%n",
                        done, mismatches, (System.nanoTime() - t0) / 1e9);
            }
        }
        out.printf(
                "summary: seeds %d..%d, %d programs (%d source lines, %d output lines), %s vs %s: %d mismatches,"
                        + " %.0f s%n",
                start,
                start + count - 1,
                count,
                lines,
                outputLines,
                args[2],
                args[3],
                mismatches,
                (System.nanoTime() - t0) / 1e9);
        out.println("uncaught-error endings (" + uncaught + "): " + endings);
        if (!seeds.isEmpty()) {
            out.println("mismatching seeds: " + seeds);
        }
    }

    /** The first line where the outputs differ, with both versions. */
    private static String firstDifference(String x, String y, String nameX, String nameY) {
        String[] lx = x.split("\n", -1);
        String[] ly = y.split("\n", -1);
        for (int i = 0; i < Math.max(lx.length, ly.length); i++) {
            String p = i < lx.length ? lx[i] : "(none)";
            String q = i < ly.length ? ly[i] : "(none)";
            if (!p.equals(q)) {
                return "output line " + (i + 1) + "\n    " + nameX + ": " + p + "\n    " + nameY + ": " + q;
            }
        }
        return "(outputs equal)";
    }

    private boolean compiles(String program) {
        try {
            syntax.load(DifferentialHarness.complete(program), "check");
            return true;
        } catch (LuaError | NullPointerException e) {
            return false; // LuaJ's compiler throws NullPointerException past some limits
        }
    }

    /** Whether the runners disagree on {@code program} with the same pair of first differing lines. */
    private boolean disagree(String name, String program, String signature) {
        if (!compiles(program)) {
            return false;
        }
        String x = DifferentialHarness.run(quickA, name, program);
        String y = DifferentialHarness.run(quickB, name, program);
        return !x.equals(y) && signature(x, y).equals(signature);
    }

    /** The first differing lines of two outputs, without their line number (deletions move them). */
    private static String signature(String x, String y) {
        String d = firstDifference(x, y, "a", "b");
        return d.substring(d.indexOf('\n') + 1);
    }

    /**
     * Deletes runs of lines, halving the run length down to one line, while the program still compiles and the two
     * runners still disagree on it in the same way (the same first differing lines).
     */
    String minimise(String name, String program) {
        String signature =
                signature(DifferentialHarness.run(a, name, program), DifferentialHarness.run(b, name, program));
        List<String> lines = new ArrayList<>(Arrays.asList(program.split("\n")));
        int tries = 0;
        for (int chunk = Math.max(1, lines.size() / 2); chunk >= 1 && tries < MINIMISE_TRIES; chunk /= 2) {
            boolean progress = true;
            while (progress && tries < MINIMISE_TRIES) {
                progress = false;
                for (int i = 0; i + chunk <= lines.size() && tries < MINIMISE_TRIES; ) {
                    List<String> candidate = new ArrayList<>(lines.subList(0, i));
                    candidate.addAll(lines.subList(i + chunk, lines.size()));
                    tries++;
                    if (disagree(name, String.join("\n", candidate) + "\n", signature)) {
                        lines = candidate;
                        progress = true;
                    } else {
                        i += chunk;
                    }
                }
            }
        }
        return String.join("\n", lines) + "\n";
    }
}
