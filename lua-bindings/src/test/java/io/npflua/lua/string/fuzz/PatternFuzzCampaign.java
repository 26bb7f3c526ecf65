package io.npflua.lua.string.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The differential pattern-engine fuzzer, run by hand (it needs the reference {@code lua5.4}; CI does not): each
 * batch of generated cases runs in one lua5.4 process through pattern-driver.lua and case by case in our engine;
 * every mismatch is minimised (one-byte deletions from subject and pattern while the two still disagree) and
 * printed. See docs/fuzzing.md for the command line.
 *
 * <p>Arguments: {@code seed batches batchSize [outDir]}. With an outDir, the cases and lua5.4's results of the first
 * batch are also written there ({@code cases.txt}, {@code golden.txt}), which is how the committed regression
 * files were made.
 */
public final class PatternFuzzCampaign {
    /** Our engine's budget per case in a campaign: generous, it only keeps a runaway case from hanging the run. */
    private static final long CAMPAIGN_STEPS = 500_000_000L;

    /** Runs of one case's chunk in the hot check: more than the 16 interpreted uses before a set gets its map. */
    private static final int HOT_RUNS = 20;

    private final Path workDir;
    private final Path driver;
    private final PatternEngine ours = new PatternEngine();

    private PatternFuzzCampaign(Path workDir) throws IOException {
        this.workDir = workDir;
        this.driver = workDir.resolve("pattern-driver.lua");
        try (InputStream in = PatternFuzzCampaign.class.getResourceAsStream("pattern-driver.lua")) {
            Files.write(driver, in.readAllBytes());
        }
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int batches = Integer.parseInt(args[1]);
        int batchSize = Integer.parseInt(args[2]);
        Path outDir = args.length > 3 ? Path.of(args[3]) : null;
        PatternFuzzCampaign c = new PatternFuzzCampaign(Files.createTempDirectory("patfuzz"));
        PrintStream out = System.out;
        long cases = 0;
        long mismatches = 0;
        Map<String, String> minimised = new LinkedHashMap<>();
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (int b = 0; b < batches; b++) {
            PatternCaseGenerator gen = new PatternCaseGenerator(seed + b);
            List<PatternCase> batch = gen.cases(batchSize);
            List<String> lines = batch.stream().map(PatternCase::toLua).toList();
            List<String> reference = c.reference(lines);
            if (b == 0 && outDir != null) {
                Files.createDirectories(outDir);
                Files.write(outDir.resolve("cases.txt"), lines, StandardCharsets.ISO_8859_1);
                Files.write(outDir.resolve("golden.txt"), reference, StandardCharsets.ISO_8859_1);
            }
            for (int i = 0; i < lines.size(); i++) {
                String mine = c.ours.run(lines.get(i), CAMPAIGN_STEPS);
                if (mine.equals(reference.get(i))) {
                    // hot: the same pattern objects again and again reach the cached compilation and set maps
                    mine = c.ours.run(lines.get(i), HOT_RUNS, HOT_RUNS * CAMPAIGN_STEPS);
                }
                String kind = kindOf(reference.get(i));
                kinds.merge(kind, 1, Integer::sum);
                cases++;
                if (!mine.equals(reference.get(i))) {
                    mismatches++;
                    out.println(
                            "mismatch " + lines.get(i) + "\n    lua5.4: " + reference.get(i) + "\n    ours:   " + mine);
                    if (minimised.size() < 40) {
                        // deleting bytes from a long quantifier chain can make a backtracking bomb for lua5.4
                        PatternCase min = batch.get(i).pattern().length > 64 ? batch.get(i) : c.minimise(batch.get(i));
                        String line = min.toLua();
                        String again = c.reference(List.of(line)).get(0);
                        minimised.putIfAbsent(
                                line,
                                "lua5.4: " + again + "\n    ours:   "
                                        + c.ours.run(line, CAMPAIGN_STEPS) + "\n    hot:    "
                                        + c.ours.run(line, HOT_RUNS, HOT_RUNS * CAMPAIGN_STEPS)
                                        + "\n    from:   " + lines.get(i));
                    }
                }
            }
            out.printf("batch %d: %d cases, %d mismatches so far%n", b, cases, mismatches);
        }
        out.printf("seed %d: %d cases, %d mismatches%n", seed, cases, mismatches);
        out.println("reference outcomes: " + kinds);
        minimised.forEach((k, v) -> out.println("MISMATCH " + k + "\n    " + v));
    }

    /** Outcome class of a result line, for the campaign's coverage summary. */
    private static String kindOf(String result) {
        if (result.startsWith("error: ")) {
            int paren = result.indexOf(" (");
            String k = result.substring(7);
            return k.startsWith("malformed") || k.startsWith("bad argument")
                    ? result.substring(7, paren < 0 ? result.length() : paren)
                    : k.replaceAll("%\\d", "%n");
        }
        if (result.equals("ok 1: nil")) {
            return "no match";
        }
        return result.startsWith("ok 1: s:") && result.length() == 8 ? "empty" : "match";
    }

    /** lua5.4's result lines for {@code lines}, from one process. */
    List<String> reference(List<String> lines) throws IOException, InterruptedException {
        return reference(lines, 600);
    }

    private List<String> reference(List<String> lines, int timeoutSeconds) throws IOException, InterruptedException {
        Path cases = workDir.resolve("cases.txt");
        Files.write(cases, lines, StandardCharsets.ISO_8859_1);
        Path results = workDir.resolve("results.txt");
        Process p = new ProcessBuilder("lua5.4", driver.toString(), cases.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(results.toFile())
                .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("lua5.4 failed or took over " + timeoutSeconds + " s on a batch");
        }
        byte[] bytes = Files.readAllBytes(results);
        List<String> result =
                new String(bytes, StandardCharsets.ISO_8859_1).lines().toList();
        if (result.size() != lines.size()) {
            throw new IOException("lua5.4 printed " + result.size() + " lines for " + lines.size() + " cases");
        }
        return result;
    }

    /** Deletes single bytes from subject and pattern while lua5.4 and our engine still disagree. */
    PatternCase minimise(PatternCase c) throws IOException, InterruptedException {
        boolean progress = true;
        while (progress) {
            progress = false;
            List<PatternCase> candidates = new ArrayList<>();
            for (int i = 0; i < c.subject().length; i++) {
                candidates.add(c.withSubject(without(c.subject(), i)));
            }
            for (int i = 0; i < c.pattern().length; i++) {
                candidates.add(c.withPattern(without(c.pattern(), i)));
            }
            if (c.init() != null && c.init() != 1) {
                candidates.add(new PatternCase(c.op(), c.subject(), c.pattern(), null, c.repl(), c.max(), c.sliced()));
            }
            if (c.max() != null) {
                candidates.add(new PatternCase(c.op(), c.subject(), c.pattern(), c.init(), c.repl(), null, c.sliced()));
            }
            if (candidates.isEmpty()) {
                break;
            }
            List<String> lines = candidates.stream().map(PatternCase::toLua).toList();
            List<String> ref;
            try {
                ref = reference(lines, 20);
            } catch (IOException e) {
                break; // a deletion made a backtracking bomb for lua5.4: keep what we have
            }
            for (int i = 0; i < lines.size(); i++) {
                if (!ours.run(lines.get(i), CAMPAIGN_STEPS).equals(ref.get(i))
                        || !ours.run(lines.get(i), HOT_RUNS, HOT_RUNS * CAMPAIGN_STEPS)
                                .equals(ref.get(i))) {
                    c = candidates.get(i);
                    progress = true;
                    break;
                }
            }
        }
        return c;
    }

    private static byte[] without(byte[] b, int i) {
        byte[] r = Arrays.copyOf(b, b.length - 1);
        System.arraycopy(b, i + 1, r, i, b.length - i - 1);
        return r;
    }
}
