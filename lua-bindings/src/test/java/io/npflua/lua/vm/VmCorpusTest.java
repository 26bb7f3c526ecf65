package io.npflua.lua.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.npflua.lua.sandbox.ExecutionModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the VM corpus (resources {@code io/npflua/lua/vm/corpus/}) under every {@link CorpusRunner} and compares
 * each case's output with its golden output. A corpus file {@code X.lua} holds many cases, each starting with a
 * line {@code -- case: NAME} and run as its own chunk named {@code NAME} (with {@code function filter(pkt) return
 * true end} appended, as the sandbox requires an entry function); {@code X.out} holds the reference
 * interpreter's output in the same layout, made by {@code run-cases.lua} under lua5.2 ({@code semantics.out}
 * under lua5.4: the answers the project follows where 5.2 and 5.4 differ). Regenerate with {@code regen.sh}.
 *
 * <p>Cases listed in {@code known-differences.txt} are where LuaJ 3.0.1's interpreter is known to disagree with
 * the reference; under a runner with {@link CorpusRunner#hasKnownDifferences()} they must still differ (so the
 * list stays true), under any other runner they must match like every other case.
 */
class VmCorpusTest {
    private static final String DIR = "corpus/";
    /** The corpus files, without extension. */
    static final List<String> FILES = List.of(
            "registers",
            "closures",
            "varargs",
            "calls",
            "metatables",
            "tailcalls",
            "goto",
            "errors",
            "loops",
            "arith",
            "strings",
            "tables",
            "big",
            "semantics");
    /** Appended to every case: the sandbox refuses a script without its entry function. */
    static final String FILTER = "\nfunction filter(pkt) return true end\n";

    private static final Pattern CASE = Pattern.compile("^-- case: (\\S+)\\s*$");

    private static final List<CorpusRunner> RUNNERS = List.of(
            new SandboxCorpusRunner(ExecutionModel.INTERPRETED), new SandboxCorpusRunner(ExecutionModel.COMPILED));

    /** One case: its name, source (as run, with the filter function appended) and golden output. */
    record Case(String file, String name, String source, String golden) {}

    private static String resource(String name) throws IOException {
        try (InputStream in = VmCorpusTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Splits a corpus or golden file into named sections (lines after each separator, each ending in \n). */
    static Map<String, String> sections(String fileName, String text) {
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) {
            n--;
        }
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Matcher m = CASE.matcher(lines[i]);
            if (m.matches()) {
                if (name != null) {
                    out.put(name, body.toString());
                }
                name = m.group(1);
                body.setLength(0);
                if (out.containsKey(name)) {
                    throw new IllegalStateException(fileName + ": case " + name + " appears twice");
                }
            } else if (name != null) {
                body.append(lines[i]).append('\n');
            }
        }
        if (name != null) {
            out.put(name, body.toString());
        }
        return out;
    }

    static List<Case> cases(String file) throws IOException {
        String source = resource(file + ".lua");
        for (int i = 0; i < source.length(); i++) {
            if (source.charAt(i) > 0x7e || (source.charAt(i) < 0x20 && source.charAt(i) != '\n')) {
                throw new IllegalStateException(file + ".lua must be printable ASCII (use escapes), offset " + i);
            }
        }
        Map<String, String> programs = sections(file + ".lua", source);
        Map<String, String> goldens = sections(file + ".out", resource(file + ".out"));
        assertEquals(
                List.copyOf(programs.keySet()),
                List.copyOf(goldens.keySet()),
                file + ".out must have the cases of " + file + ".lua in the same order (run regen.sh)");
        List<Case> out = new ArrayList<>();
        for (Map.Entry<String, String> e : programs.entrySet()) {
            out.add(new Case(file, e.getKey(), e.getValue() + FILTER, goldens.get(e.getKey())));
        }
        return out;
    }

    static List<Case> allCases() throws IOException {
        List<Case> all = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String file : FILES) {
            for (Case c : cases(file)) {
                assertTrue(names.add(c.name()), "case name " + c.name() + " is used twice");
                all.add(c);
            }
        }
        return all;
    }

    /** One line of known-differences.txt: the models that differ ({@code both} or one model's name) and why. */
    record Known(String models, String reason) {
        boolean appliesTo(CorpusRunner runner) {
            return runner.hasKnownDifferences() && (models.equals("both") || models.equals(runner.name()));
        }
    }

    /** known-differences.txt: case name, models, reason, separated by whitespace; '#' comments. */
    static Map<String, Known> knownDifferences() throws IOException {
        Map<String, Known> out = new LinkedHashMap<>();
        for (String line : resource("known-differences.txt").lines().toList()) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+", 3);
            if (parts.length < 3 || !(parts[1].equals("both") || parts[1].equals("interpreted"))) {
                throw new IllegalStateException("known-differences.txt: expected 'name both|interpreted reason': " + t);
            }
            out.put(parts[0], new Known(parts[1], parts[2]));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicNode> everyCaseMatchesItsGoldenOutput() throws IOException {
        List<Case> all = allCases();
        Map<String, Known> known = knownDifferences();
        return RUNNERS.stream()
                .map(runner -> DynamicContainer.dynamicContainer(
                        runner.name(),
                        all.stream()
                                .map(c -> DynamicTest.dynamicTest(c.file() + ": " + c.name(), () -> {
                                    String actual = runner.run(c.name(), c.source());
                                    Known k = known.get(c.name());
                                    if (k != null && k.appliesTo(runner)) {
                                        assertNotEquals(
                                                c.golden(),
                                                actual,
                                                c.name() + " is listed in known-differences.txt for "
                                                        + runner.name() + " (" + k.reason()
                                                        + ") but now matches its golden output: "
                                                        + "update the list");
                                    } else {
                                        assertEquals(
                                                c.golden(),
                                                actual,
                                                c.name() + " (" + c.file() + ".lua) under " + runner.name());
                                    }
                                }))));
    }

    @Test
    void corpusIsLargeAndEveryFileHasCases() throws IOException {
        int total = 0;
        for (String file : FILES) {
            int n = cases(file).size();
            assertTrue(n >= 10, file + ".lua has only " + n + " cases");
            total += n;
        }
        assertTrue(total >= 300, "the corpus has only " + total + " cases");
    }

    @Test
    void knownDifferencesNameExistingCasesAndStayFew() throws IOException {
        Set<String> names = new HashSet<>();
        int ordinary = 0;
        for (Case c : allCases()) {
            names.add(c.name());
            if (!c.file().equals("semantics")) {
                ordinary++;
            }
        }
        Map<String, Known> known = knownDifferences();
        int ordinaryKnown = 0;
        for (String name : known.keySet()) {
            if (!names.contains(name)) {
                fail("known-differences.txt names " + name + ", which no corpus file has");
            }
            if (!name.startsWith("sem_")) {
                ordinaryKnown++;
            }
        }
        // Outside semantics.lua (deliberate probes) cases are written to print the same text in both engines.
        assertTrue(
                ordinaryKnown * 20 < ordinary,
                ordinaryKnown + " known differences among " + ordinary
                        + " ordinary cases: write the cases so both engines print the same text");
    }

    @Test
    void sectionsSplitAtSeparatorsAndKeepEveryLine() {
        Map<String, String> s = sections("t", "header\n-- case: a\nx\n\ny\n-- case: b\n-- case: c\nz");
        assertEquals(List.of("a", "b", "c"), List.copyOf(s.keySet()));
        assertEquals("x\n\ny\n", s.get("a"));
        assertEquals("", s.get("b"));
        assertEquals("z\n", s.get("c"));
    }
}
