package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every subcommand through {@code CommandLine.execute}, with captured output and exit codes. */
class CliCommandsTest {
    private static final List<String> COMMANDS = List.of(
            "run",
            "replay",
            "load",
            "unload",
            "reload",
            "list",
            "stats",
            "check",
            "demo",
            "man",
            "generate-completion");

    @TempDir
    Path dir;

    @Test
    void shouldExitZeroWithUsageForHelpOnEveryCommand() {
        Cli.Result top = Cli.run("--help");
        assertEquals(ExitCodes.OK, top.code());
        for (String c : COMMANDS) {
            assertTrue(top.out().contains(c), "top-level help lists " + c);
            Cli.Result r = Cli.run(c, "--help");
            assertEquals(ExitCodes.OK, r.code(), c + " --help");
            assertTrue(r.out().startsWith("Usage: npflua " + c), c + " --help prints its usage: " + r.out());
            assertTrue(r.out().contains("Exit codes:"), c + " --help lists the exit codes");
        }
    }

    @Test
    void shouldExitZeroWithVersionOnEveryCommand() {
        for (String c : COMMANDS) {
            Cli.Result r = Cli.run(c, "--version");
            assertEquals(ExitCodes.OK, r.code(), c + " --version");
            assertTrue(r.out().startsWith("npflua " + Main.VERSION), r.out());
        }
        List<String> lines = Cli.run("--version").out().lines().toList();
        assertEquals("npflua " + Main.VERSION, lines.get(0));
        assertTrue(lines.get(1).startsWith("JDK " + Runtime.version() + " ("), lines.get(1));
        assertEquals(
                "kernel Linux " + System.getProperty("os.version") + " " + System.getProperty("os.arch"), lines.get(2));
    }

    @Test
    void shouldExitTwoWithOneLineErrorOnUsageErrors() {
        String[][] cases = {
            {"run", "--no-such-option"},
            {"run", "-i", "eth0", "--fanout", "spray"},
            {"run", "-i", "eth0", "--on-error", "maybe"},
            {"run", "--bridge", "eth0,eth0"},
            {"run", "--bridge", "eth0"},
            {"run", "-i", "eth0", "--bridge", "eth1,eth2"},
            {"run"},
            {"run", "-i", "eth0", "--workers", "0"},
            {"run", "-i", "eth0", "--count", "many"},
            {"replay"},
            {"replay", "x.pcap", "--repeat", "0"},
            {"replay", "x.pcap", "--warmup", "-1"},
            {"load", "only-a-name"},
            {"unload"},
            {"check"},
            {"man", "nonsense"},
            {"bogus-command"},
        };
        for (String[] args : cases) {
            Cli.Result r = Cli.run(args);
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", args) + " -> " + r.err());
            assertTrue(r.err().startsWith("npflua: "), "error line: " + r.err());
        }
        Cli.Result none = Cli.run();
        assertEquals(ExitCodes.USAGE, none.code());
    }

    @Test
    void shouldRejectScriptNameThatIsNotAValidRuleName() {
        Cli.Result r = Cli.run("run", "-i", "eth0", "-s", "my script.lua");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("NAME=my script.lua"), r.err());
    }

    @Test
    void shouldPrintFileAndLineForBrokenScriptsAndExitOne() throws Exception {
        Path good = write("good.lua", "function filter(pkt) return true end\n");
        Path syntax = write("syntax.lua", "function filter(pkt)\n  return pkt:foo(\nend\n");
        Path runtime = write("runtime.lua", "local x = nil\n\nlocal y = x.field\nfunction filter() end\n");
        Path noEntry = write("noentry.lua", "local a = 1\n");
        Path binary = dir.resolve("binary.lua");
        Files.write(binary, new byte[] {0x1b, 'L', 'u', 'a', 0x52, 0, 1, 4, 4, 4, 8, 0});
        Cli.Result r = Cli.run(
                "check",
                good.toString(),
                syntax.toString(),
                runtime.toString(),
                noEntry.toString(),
                binary.toString(),
                dir.resolve("missing.lua").toString());
        assertEquals(ExitCodes.FAILURE, r.code(), r.err());
        assertEquals(good + ": OK\n" + good + ": 2 of 2 functions compiled to JVM bytecode\n", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(
                List.of(
                        syntax + ":3: unexpected symbol near 'end'",
                        runtime + ":3: attempt to index a nil value (local 'x')",
                        noEntry + ": script 'noentry.lua' defines no function 'filter' (found nil): the engine calls"
                                + " filter(pkt) for each frame; define it as a global function",
                        binary
                                + ": binary (precompiled) chunks are refused by the npflua sandbox; load Lua source text",
                        dir.resolve("missing.lua") + ": no such file (check the path)",
                        "npflua: check: 5 of 6 scripts failed; fix the lines shown above"),
                lines,
                r.err());
    }

    @Test
    void shouldSayHowFunctionsRunAndKeepTheInterpreterWhenAsked() throws Exception {
        Path script = write(
                "two.lua", "local function helper(x) return x end\nfunction filter(pkt) return helper(true) end\n");
        Cli.Result compiled = Cli.run("check", script.toString());
        assertEquals(ExitCodes.OK, compiled.code(), compiled.err());
        assertEquals(script + ": OK\n" + script + ": 3 of 3 functions compiled to JVM bytecode\n", compiled.out());
        Cli.Result interpreted = Cli.run("check", "--lua-execution", "interpreted", script.toString());
        assertEquals(ExitCodes.OK, interpreted.code(), interpreted.err());
        assertTrue(interpreted.out().contains("0 of 1 function compiled to JVM bytecode"), interpreted.out());
        assertTrue(interpreted.out().contains("interpreter chosen by option"), interpreted.out());
        Cli.Result bad = Cli.run("check", "--lua-execution", "jit-please", script.toString());
        assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
    }

    @Test
    void shouldExitZeroWhenEveryScriptChecksOut() throws Exception {
        Path good = write("a.lua", "function filter(pkt) return true end\n");
        Path other = write("b.lua", "function inspect(pkt) return false end\n");
        Cli.Result r = Cli.run("check", "--call", "inspect", other.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        Cli.Result q = Cli.run(
                "check",
                "-q",
                good.toString(),
                DemoCapture.example(dir, "ssh-version").toString(),
                DemoCapture.example(dir, "rtp-h263").toString());
        assertEquals(ExitCodes.OK, q.code(), q.err());
        assertEquals("", q.out());
    }

    @Test
    void shouldCutOffScriptCallsAtTheAllocationLimitGivenOnTheCommandLineInBothModels() throws Exception {
        Path pcap = DemoCapture.extract(dir);
        Path hog = write(
                "hog.lua",
                "function filter(pkt)\n  local t = {}\n"
                        + "  for i = 1, 1e5 do t[i] = tostring(i) .. 'x' end\n  return true\nend\n");
        Cli.Result free = Cli.run(
                "replay",
                pcap.toString(),
                "-s",
                hog.toString(),
                "--json",
                "--max-instructions",
                "100000000",
                "--max-call-ms",
                "0");
        assertEquals(0L, Json.parseObject(free.out().trim()).get("errors"), "some MB per call pass: " + free.out());
        for (String model : List.of("compiled", "interpreted")) {
            Cli.Result limited = Cli.run(
                    "replay",
                    pcap.toString(),
                    "-s",
                    hog.toString(),
                    "--json",
                    "--max-instructions",
                    "100000000",
                    "--max-call-ms",
                    "0",
                    "--max-call-mb",
                    "1",
                    "--lua-execution",
                    model);
            assertEquals(ExitCodes.OK, limited.code(), limited.err());
            Map<String, Object> json = Json.parseObject(limited.out().trim());
            assertEquals(
                    (long) DemoCapture.FRAMES, json.get("errors"), model + ": every call cut off: " + limited.out());
        }
        Cli.Result bad = Cli.run("replay", pcap.toString(), "-s", hog.toString(), "--max-call-mb", "-1");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
    }

    @Test
    void shouldResetAScriptStateOverTheMemoryLimitGivenOnTheCommandLine() throws Exception {
        Path pcap = DemoCapture.extract(dir);
        // keeps about 1.4 MB per frame in a global: over 1 MiB within a few frames, never over a per-call limit
        Path keeper = write(
                "keeper.lua",
                "kept = {}\nfunction filter(pkt)\n"
                        + "  for i = 1, 10000 do kept[#kept + 1] = ('k'):rep(100) .. #kept end\n  return true\nend\n");
        for (String model : List.of("compiled", "interpreted")) {
            Cli.Result limited = Cli.run(
                    "replay",
                    pcap.toString(),
                    "-s",
                    keeper.toString(),
                    "--json",
                    "--repeat",
                    "20",
                    "--max-instructions",
                    "100000000",
                    "--max-call-ms",
                    "0",
                    "--max-state-mb",
                    "1",
                    "--lua-execution",
                    model);
            assertEquals(ExitCodes.OK, limited.code(), limited.err());
            long errors = (Long) Json.parseObject(limited.out().trim()).get("errors");
            assertTrue(
                    errors > 0 && errors < 20L * DemoCapture.FRAMES,
                    model + ": some calls found the state over its" + " limit, and the reset states served the others: "
                            + limited.out());
        }
        Cli.Result unlimited = Cli.run(
                "replay",
                pcap.toString(),
                "-s",
                keeper.toString(),
                "--json",
                "--max-instructions",
                "100000000",
                "--max-call-ms",
                "0",
                "--max-state-mb",
                "0");
        assertEquals(0L, Json.parseObject(unlimited.out().trim()).get("errors"), unlimited.out());
        Cli.Result bad = Cli.run("replay", pcap.toString(), "-s", keeper.toString(), "--max-state-mb", "-1");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldReplayTheDemoCaptureWithTheGoldenVerdictsCountsAsJson() throws Exception {
        TreeSet<Long> ssh = DemoCapture.goldenBlocked("ssh-version");
        TreeSet<Long> rtp = DemoCapture.goldenBlocked("rtp-h263");
        assertEquals(3, ssh.size(), "golden SSH verdicts");
        assertEquals(6, rtp.size(), "golden RTP verdicts");
        Path pcap = DemoCapture.extract(dir);
        Path pass = dir.resolve("pass.pcap");
        Path blocked = dir.resolve("blocked.pcap");
        Cli.Result r = Cli.run(
                "replay",
                pcap.toString(),
                "-s",
                DemoCapture.example(dir, "ssh-version").toString(),
                "-s",
                DemoCapture.example(dir, "rtp-h263").toString(),
                "--json",
                "-w",
                pass.toString(),
                "--write-blocked",
                blocked.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        Map<String, Object> json = Json.parseObject(r.out().trim());
        long frames = DemoCapture.FRAMES;
        assertEquals(frames, json.get("frames"));
        assertEquals(frames - 9, json.get("passed"));
        assertEquals(9L, json.get("blocked"));
        assertEquals(0L, json.get("errors"));
        assertEquals(frames, json.get("kernel_packets"), "offline, every record read counts as a packet");
        assertEquals(0L, json.get("kernel_drops"));
        assertTrue(((Long) json.get("ns_per_frame")) > 0, r.out());
        List<Object> scripts = (List<Object>) json.get("scripts");
        Map<String, Object> first = (Map<String, Object>) scripts.get(0);
        Map<String, Object> second = (Map<String, Object>) scripts.get(1);
        assertEquals("ssh-version", first.get("name"));
        assertEquals(frames, first.get("calls"));
        assertEquals(3L, first.get("blocked"));
        assertEquals("rtp-h263", second.get("name"));
        assertEquals(frames - 3, second.get("calls"), "a blocked frame ends the chain");
        assertEquals(6L, second.get("blocked"));

        List<String> all = DemoCapture.timestamps(pcap);
        List<String> expectBlocked = new ArrayList<>();
        List<String> expectPassed = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            long n = i + 1;
            (ssh.contains(n) || rtp.contains(n) ? expectBlocked : expectPassed).add(all.get(i));
        }
        assertEquals(expectBlocked, DemoCapture.timestamps(blocked), "tshark reads the golden blocked frames");
        assertEquals(expectPassed, DemoCapture.timestamps(pass), "tshark reads every other frame as passed");
    }

    @Test
    void shouldReplayTheDemoCaptureWithReadableCountersAndRepeat() throws Exception {
        Path pcap = DemoCapture.extract(dir);
        Cli.Result r = Cli.run(
                "replay",
                pcap.toString(),
                "-s",
                DemoCapture.example(dir, "ssh-version").toString(),
                "-s",
                "rtp=" + DemoCapture.example(dir, "rtp-h263"),
                "--repeat",
                "3");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("192 frames: 165 passed, 27 blocked, 0 script errors", lines.get(0), r.out());
        assertTrue(lines.get(1).startsWith("read: 192 records; "), r.out());
        assertTrue(lines.get(1).contains(" ns/frame"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("ssh-version +192 +183 +9 +0 +")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("rtp +183 +165 +18 +0 +")), r.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldShowTheReasonsOutsideTheTopTenAsOtherReasonsInTextAndJson() throws Exception {
        // 40 distinct reasons in turn over the demo's 64 frames: r1..r24 twice, the rest once, 8 of them beyond the
        // 32 a worker counts one by one. The top ten are ten of the reasons given twice; the other 44 are the rest.
        Path pcap = DemoCapture.extract(dir);
        Path many = write("many.lua", "local n = 0\nfunction filter(pkt) n = n + 1 return true, 'r' .. (n % 40) end\n");
        Cli.Result text = Cli.run("replay", pcap.toString(), "-s", many.toString());
        assertEquals(ExitCodes.OK, text.code(), text.err());
        List<String> lines = text.out().lines().toList();
        int at = lines.indexOf("reasons of many:");
        assertTrue(at > 0, text.out());
        assertEquals("             2  r1", lines.get(at + 1), text.out());
        assertEquals("            44  (other reasons)", lines.get(at + 11), text.out());
        Cli.Result json = Cli.run("replay", pcap.toString(), "-s", many.toString(), "--json");
        assertEquals(ExitCodes.OK, json.code(), json.err());
        Map<String, Object> script = (Map<String, Object>)
                ((List<Object>) Json.parseObject(json.out().trim()).get("scripts")).get(0);
        assertEquals(10, ((List<Object>) script.get("top_reasons")).size());
        assertEquals(44L, script.get("other_reasons"));
    }

    @Test
    void shouldLeaveNoTraceOfTheWarmupInTheReplayCounters() throws Exception {
        // The warm-up runs the same scripts on synthetic frames (SSH banners among them) in throwaway states: the
        // counters and verdicts of the replay must be those of the capture alone.
        Path pcap = DemoCapture.extract(dir);
        Cli.Result r = Cli.run(
                "replay",
                pcap.toString(),
                "-s",
                DemoCapture.example(dir, "ssh-version").toString(),
                "-s",
                "rtp=" + DemoCapture.example(dir, "rtp-h263"),
                "--warmup",
                "20000");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("64 frames: 55 passed, 9 blocked, 0 script errors", lines.get(0), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("ssh-version +64 +61 +3 +0 +")), r.out());
    }

    @Test
    void shouldRejectBrokenScriptBeforeReplayingAndPointAtItsLine() throws Exception {
        Path pcap = DemoCapture.extract(dir);
        Path bad = write("bad.lua", "function filter(pkt)\n  return ((\nend\n");
        Cli.Result r = Cli.run("replay", pcap.toString(), "-s", bad.toString());
        assertEquals(ExitCodes.FAILURE, r.code());
        assertTrue(
                r.err()
                        .startsWith("npflua: script " + bad + " rejected: " + bad + ":3: unexpected symbol near"
                                + " 'end'"),
                r.err());
    }

    @Test
    void shouldRefuseUnwritableOutputsBeforeStarting() throws Exception {
        Path pcap = DemoCapture.extract(dir);
        Cli.Result r = Cli.run(
                "replay",
                pcap.toString(),
                "-w",
                dir.resolve("no/such/dir/x.pcap").toString());
        assertEquals(ExitCodes.FAILURE, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
        Cli.Result same = Cli.run("replay", pcap.toString(), "-w", "a.pcap", "--write-blocked", "a.pcap");
        assertEquals(ExitCodes.USAGE, same.code());
    }

    @Test
    void shouldListExactlyTheGoldenBlockedFramesInTheDemo() throws Exception {
        TreeSet<Long> ssh = DemoCapture.goldenBlocked("ssh-version");
        TreeSet<Long> rtp = DemoCapture.goldenBlocked("rtp-h263");
        Cli.Result r = Cli.run("demo");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        TreeSet<Long> shownSsh = new TreeSet<>();
        TreeSet<Long> shownRtp = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^  #(\\d+) +(\\S+) +(.*)$").matcher(r.out());
        while (m.find()) {
            long frame = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ssh-version" -> {
                    shownSsh.add(frame);
                    assertTrue(m.group(3).contains("OpenSSH_6.4\""), m.group());
                }
                case "rtp-h263" -> {
                    shownRtp.add(frame);
                    assertTrue(m.group(3).contains("PT 34"), m.group());
                }
                default -> throw new AssertionError("blocked by an unknown rule: " + m.group());
            }
        }
        assertEquals(ssh, shownSsh, r.out());
        assertEquals(rtp, shownRtp, r.out());
        assertTrue(r.out().contains("9 blocked frames:"), r.out());
        assertTrue(r.out().contains("64 frames: 55 passed, 9 blocked, 0 script errors"), r.out());
        assertTrue(r.out().contains("read: 64 records; "), r.out());
        assertTrue(!r.out().contains("kernel"), "offline there is no kernel: " + r.out());
    }

    @Test
    void shouldRefuseLiveDemoWithoutRootWithExitThree() throws Exception {
        if (!ControlPaths.isRoot()) {
            Cli.Result r = Cli.run("demo", "--live");
            assertEquals(ExitCodes.NEEDS_ROOT, r.code(), r.err());
            return;
        }
        try (NobodyProcess nobody = NobodyProcess.prepare()) {
            NobodyProcess.Result r = nobody.run("demo", "--live");
            assertEquals(ExitCodes.NEEDS_ROOT, r.code(), r.output());
            assertTrue(r.output().startsWith("npflua: demo --live: "), r.output());
        }
    }

    @Test
    void shouldPrintManPagesAndCompletion() throws Exception {
        Cli.Result man = Cli.run("man", "run");
        assertEquals(ExitCodes.OK, man.code(), man.err());
        assertTrue(man.out().startsWith(".TH \"NPFLUA-RUN\" 1"), man.out());
        assertTrue(man.out().contains("\\-\\-bridge"), man.out());
        assertTrue(man.out().contains(".SH EXIT STATUS"), man.out());
        Cli.Result all = Cli.run("man", "--output", dir.resolve("man").toString());
        assertEquals(ExitCodes.OK, all.code(), all.err());
        assertTrue(Files.exists(dir.resolve("man/npflua.1")));
        assertTrue(Files.exists(dir.resolve("man/npflua-replay.1")));
        Cli.Result completion = Cli.run("generate-completion");
        assertEquals(ExitCodes.OK, completion.code());
        assertTrue(completion.out().contains("complete -F _complete_npflua"), completion.out());
        assertTrue(completion.out().contains("--rules-dir"), "completion knows run's options");
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
