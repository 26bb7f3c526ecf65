package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.bridge.OffloadPolicy;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.ScriptLimits;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.lua.sandbox.ExecutionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Lua configuration, the rules directory and how command-line flags override both. */
class ConfigTest {
    @TempDir
    Path dir;

    private static final String EXAMPLE = """
            -- A complete configuration (the one in docs/config.md).
            local rules = "/etc/npflua/rules.d"
            interfaces = { "eth0", "eth1" }
            workers = 2
            fanout = "hash"
            snaplen = 2048
            bpf = "tcp or udp"
            scripts = {
              { name = "ssh", file = "ssh-version.lua", on_error = "block", max_instructions = 200000,
                max_call_ms = 2, max_state_mb = 16 },
              { file = "rtp-h263.lua", entry = "check", execution = "interpreted" },
              "extra.lua",
            }
            rules_dir = rules
            limits = { on_error = "pass", max_instructions = 1000000, count = 0, duration = 3600,
                       max_call_ms = 5, max_call_mb = 8, max_state_mb = 0 }
            outputs = { passed = "out/pass.pcap", blocked = "blocked.pcap", metrics_port = 9100,
                        control = "/run/npflua/npflua.sock", events = "log/eve.json", events_rate = 50,
                        events_burst = 80 }
            """;

    @Test
    void shouldReadEverySettingOfTheCompleteExample() {
        RunConfig c = LuaConfig.parse(dir.resolve("npflua.lua"), EXAMPLE);
        assertEquals(List.of("eth0", "eth1"), c.interfaces());
        assertNull(c.bridge());
        assertEquals(2, c.workers());
        assertEquals(FanoutMode.HASH, c.fanout());
        assertEquals(2048, c.snapLength());
        assertEquals("tcp or udp", c.bpf());
        assertEquals(3, c.scripts().size());
        ScriptPlan ssh = c.scripts().get(0);
        assertEquals("ssh", ssh.name());
        assertEquals(dir.resolve("ssh-version.lua"), ssh.file(), "relative to the configuration's directory");
        assertEquals(ErrorPolicy.BLOCK, ssh.onError());
        assertEquals(200000L, ssh.maxInstructions());
        assertEquals("rtp-h263", c.scripts().get(1).name());
        assertEquals("check", c.scripts().get(1).entry());
        assertEquals(ExecutionModel.INTERPRETED, c.scripts().get(1).execution());
        assertNull(ssh.execution(), "the command line's (or the default) model");
        assertEquals(new ScriptLimits(2L, null, 16L), ssh.limits(), "its own limits; unset ones are the global's");
        assertEquals("extra", c.scripts().get(2).name());
        assertEquals(Path.of("/etc/npflua/rules.d"), c.rulesDir());
        assertEquals(ErrorPolicy.PASS, c.onError());
        assertEquals(1000000L, c.maxInstructions());
        assertEquals(3600.0, c.durationSeconds());
        assertEquals(5L, c.maxCallMillis());
        assertEquals(8L, c.maxCallMegabytes());
        assertEquals(0L, c.maxStateMegabytes(), "0 = no limit");
        assertEquals(dir.resolve("out/pass.pcap"), c.passedPcap());
        assertEquals(9100, c.metricsPort());
        assertEquals(Path.of("/run/npflua/npflua.sock"), c.control());
        assertEquals(dir.resolve("log/eve.json").toString(), c.events());
        assertEquals(50L, c.eventsRate());
        assertEquals(80L, c.eventsBurst());
        assertEquals(
                "-",
                LuaConfig.parse(dir.resolve("x.lua"), "outputs = { events = '-' }")
                        .events());
    }

    @Test
    void shouldReadTheDeploymentExample() throws Exception {
        Path file = Path.of("").toAbsolutePath().getParent().resolve("examples/deploy/npflua.lua");
        RunConfig c = LuaConfig.parse(Path.of("/etc/npflua/npflua.lua"), Files.readString(file));
        assertEquals(List.of("eth0"), c.interfaces());
        assertEquals(Path.of("/etc/npflua/rules.d"), c.rulesDir());
        assertEquals(Path.of("/run/npflua/npflua.sock"), c.control(), "the unit's RuntimeDirectory");
        assertEquals("/var/log/npflua/eve.json", c.events(), "the unit's LogsDirectory, the logrotate file's path");
        assertTrue(Files.readString(file.resolveSibling("npflua.logrotate")).contains("/var/log/npflua/eve.json {"));
        String unit = Files.readString(file.resolveSibling("npflua.service"));
        assertTrue(unit.contains("run --config /etc/npflua/npflua.lua"), unit);
        // systemctl reload: every rule file compiled first (a broken one fails the reload), then SIGHUP (RuleSync).
        assertTrue(unit.contains("check -q \"$$@\"'"), unit);
        assertTrue(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"), unit);
    }

    @Test
    void shouldParseTheExamplesOfDocsConfigMd() throws Exception {
        Path doc =
                Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("config.md");
        String text = Files.readString(doc);
        int blocks = 0;
        for (String part : text.split("```lua\n")) {
            if (blocks++ == 0) {
                continue;
            }
            String lua = part.substring(0, part.indexOf("```"));
            RunConfig c = LuaConfig.parse(dir.resolve("npflua.lua"), lua);
            assertTrue(!c.interfaces().isEmpty(), "the example sets interfaces: " + lua);
            if (lua.contains("flows =")) {
                FlowTracking t = c.flows().tracking();
                assertEquals(200_000, t.table().maxFlows());
                assertEquals(4096, t.inspectBytes());
                assertEquals(Duration.ofSeconds(600), t.table().timeouts().tcpEstablished());
                assertEquals(Duration.ofSeconds(30), t.table().timeouts().udpNew());
                assertEquals(Duration.ofSeconds(30), t.table().timeouts().tcpNew(), "others keep defaults");
            }
        }
        assertEquals(4, blocks, "three Lua examples in docs/config.md");
    }

    @Test
    void shouldAcceptAReturnedTableAndComputedValues() {
        RunConfig c = LuaConfig.parse(dir.resolve("c.lua"), """
                local n = 0
                for i = 1, 4 do n = n + 1 end
                return { bridge = { "veth-a", "veth-b" }, workers = n, fanout = string.lower("LB") }
                """);
        assertEquals(List.of("veth-a", "veth-b"), c.bridge());
        assertEquals(4, c.workers());
        assertEquals(FanoutMode.LB, c.fanout());
    }

    @Test
    void shouldRejectTyposWrongTypesAndConflicts() {
        assertMessage("workerz = 2", "unknown setting 'workerz'");
        assertMessage("workers = 'two'", "workers must be a whole number");
        assertMessage("workers = 1.5", "workers must be a whole number");
        assertMessage("interfaces = {'a'}; bridge = {'b','c'}", "either interfaces");
        assertMessage("bridge = {'a','a'}", "two different interfaces");
        assertMessage("fanout = 'spray'", "unknown fanout mode 'spray'");
        assertMessage("scripts = { { name = 'x' } }", "scripts[1] has no file");
        assertMessage("scripts = { { file = 'a.lua', on_eror = 'block' } }", "unknown scripts[1] field 'on_eror'");
        assertMessage("scripts = { 'a.lua', { name = 'a', file = 'b.lua' } }", "two scripts named 'a'");
        assertMessage("limits = { on_error = 'ignore' }", "unknown error policy 'ignore'");
        assertMessage("limits = { max_state_mb = -1 }", "limits.max_state_mb must be a whole number >= 0");
        assertMessage("outputs = { metrics_port = 70000 }", "1..65535");
        assertMessage("workers = ", "c.lua:1");
    }

    @Test
    void shouldKeepTheConfigurationAwayFromFilesProcessesAndCodeLoading() {
        for (String escape : List.of(
                "io.open('/etc/passwd')",
                "os.execute('true')",
                "load('return 1')()",
                "dofile('/etc/passwd')",
                "require('os')",
                "debug.sethook()",
                "luajava.bindClass('java.lang.System')",
                "loadfile('/etc/passwd')")) {
            CliFailure f = assertThrows(CliFailure.class, () -> LuaConfig.parse(dir.resolve("c.lua"), escape));
            assertTrue(f.why().contains("nil"), escape + ": " + f.why());
        }
    }

    @Test
    void shouldStopARunawayConfiguration() {
        CliFailure f = assertThrows(CliFailure.class, () -> LuaConfig.parse(dir.resolve("c.lua"), "while true do end"));
        assertTrue(f.why().contains("instructions"), f.why());
        CliFailure p = assertThrows(
                CliFailure.class,
                () -> LuaConfig.parse(dir.resolve("c.lua"), "pcall(function() while true do end end)"));
        assertTrue(p.why().contains("instructions"), "pcall cannot swallow the budget: " + p.why());
    }

    @Test
    void shouldLoadRulesDirectoryInFileNameOrderAfterConfigScriptsAndBeforeCommandLineScripts() throws Exception {
        Path rules = Files.createDirectory(dir.resolve("rules.d"));
        for (String n : List.of("20-rtp.lua", "10-ssh.lua", "B.lua", "a.lua", "notes.txt")) {
            Files.writeString(rules.resolve(n), "function filter() return true end");
        }
        Files.createDirectory(rules.resolve("sub.lua"));
        Path config = dir.resolve("npflua.lua");
        Files.writeString(
                config,
                "interfaces = { 'eth9' }\nworkers = 3\nscripts = { { name = 'a', file = 'x.lua',"
                        + " on_error = 'block' }, 'first.lua' }\n");
        RunCommand run = parseRun(
                "--config",
                config.toString(),
                "--rules-dir",
                rules.toString(),
                "-s",
                "first=other.lua",
                "-s",
                "last.lua",
                "--workers",
                "2",
                "--no-control");
        RunCommand.Plan plan = run.plan(LuaConfig.read(config));
        assertEquals(
                List.of("a", "first", "10-ssh", "20-rtp", "B", "last"),
                plan.scripts().stream().map(ScriptPlan::name).toList());
        assertEquals(
                rules.resolve("a.lua"),
                plan.scripts().get(0).file(),
                "the rules directory's a.lua replaces" + " the configuration's a");
        assertEquals(Path.of("other.lua"), plan.scripts().get(1).file(), "-s first=... replaces the config's");
        assertEquals(2, plan.workers(), "--workers overrides the configuration");
        assertEquals(List.of("eth9"), plan.interfaces());
        assertNull(plan.control());
    }

    @Test
    void shouldPreferCommandLineInterfacesAndFallBackToDefaults() {
        RunCommand run = parseRun("-i", "eth1", "-i", "eth2", "--control", "/tmp/x.sock");
        RunConfig cfg = LuaConfig.parse(dir.resolve("c.lua"), "bridge = { 'a', 'b' }\nfanout = 'qm'");
        RunCommand.Plan plan = run.plan(cfg);
        assertEquals(List.of("eth1", "eth2"), plan.interfaces());
        assertNull(plan.bridge());
        assertEquals(FanoutMode.QM, plan.fanout());
        assertEquals(1, plan.workers());
        assertEquals(Path.of("/tmp/x.sock"), plan.control());
    }

    @Test
    void shouldTakeTheBridgeFromTheCommandLineOverConfiguredInterfaces() {
        RunCommand run = parseRun("--bridge", "veth1,veth2", "--workers", "4");
        RunCommand.Plan plan = run.plan(LuaConfig.parse(dir.resolve("c.lua"), "interfaces = { 'eth0' }"));
        assertEquals(List.of("veth1", "veth2"), plan.bridge());
        assertEquals(List.of(), plan.interfaces());
        assertEquals(4, plan.workers());
    }

    @Test
    void shouldTakeTheBridgeOffloadPolicyFromTheCommandLineOverTheConfigurationAndDefaultToAuto() {
        RunConfig cfg = LuaConfig.parse(dir.resolve("c.lua"), "bridge = { 'a', 'b' }\noffloads = 'leave'");
        assertEquals(OffloadPolicy.LEAVE, cfg.offloads());
        assertEquals(OffloadPolicy.LEAVE, parseRun().plan(cfg).offloads());
        assertEquals(OffloadPolicy.OFF, parseRun("--offloads", "OFF").plan(cfg).offloads());
        assertEquals(
                OffloadPolicy.AUTO,
                parseRun("--bridge", "a,b").plan(RunConfig.empty()).offloads());
        assertMessage("bridge = { 'a', 'b' }\noffloads = 'disable'", "offloads must be auto, off or leave");
        CliFailure tap = assertThrows(
                CliFailure.class,
                () -> parseRun("-i", "eth0", "--offloads", "off").plan(RunConfig.empty()));
        assertTrue(tap.getMessage().contains("inline bridge only"), tap.getMessage());
        assertThrows(
                CommandLine.ParameterException.class, () -> parseRun("--bridge", "a,b", "--offloads", "sometimes"));
    }

    private RunCommand parseRun(String... args) {
        CommandLine cl = Main.commandLine(new EngineFactories());
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        return cl.getSubcommands().get("run").getCommand();
    }

    @Test
    void shouldRejectBadFlowSettings() {
        assertMessage("interfaces = 'eth0'; flows = { enabled = 1 }", "flows.enabled must be true or false");
        assertMessage("interfaces = 'eth0'; flows = { maxx = 5 }", "unknown flows field 'maxx'");
        assertMessage("interfaces = 'eth0'; flows = { max = 0 }", "flows.max must be a whole number >= 1");
        assertMessage("interfaces = 'eth0'; flows = { inspect_bytes = -1 }", "flows.inspect_bytes");
        assertMessage("interfaces = 'eth0'; flows = { timeouts = { tcp_old = 5 } }", "unknown flows.timeouts field");
        assertMessage("interfaces = 'eth0'; flows = { timeouts = { udp_new = 0 } }", "must be more than 0");
        assertMessage("interfaces = 'eth0'; flows = { timeouts = { icmp = 'soon' } }", "must be a number of seconds");
    }

    private void assertMessage(String source, String expected) {
        CliFailure f = assertThrows(CliFailure.class, () -> LuaConfig.parse(dir.resolve("c.lua"), source));
        assertTrue(f.getMessage().contains(expected), source + " -> " + f.getMessage());
        assertEquals(ExitCodes.USAGE, f.exitCode());
    }
}
