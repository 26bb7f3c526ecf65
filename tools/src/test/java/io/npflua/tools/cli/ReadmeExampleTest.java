package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the README true: its script, run with the command it shows, prints the output it shows. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void shouldPrintWhatTheReadmeShowsForItsExampleScript() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher lua = Pattern.compile("```lua\n(-- (\\S+\\.lua).*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertTrue(lua.find(), "README has a ```lua block starting with '-- NAME.lua'");
        Matcher cmd = Pattern.compile("`\\./npflua (replay [^`]+)` prints:\n\n```text\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertTrue(cmd.find(), "README shows a replay command followed by its output");
        Path script = Files.writeString(dir.resolve(lua.group(2)), lua.group(1));

        String[] args = cmd.group(1).trim().split(" +");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(lua.group(2))) {
                args[i] = script.toString();
            } else if (args[i].endsWith(".pcap")) {
                args[i] = Path.of("..", args[i]).toString();
            }
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        Cli.Result r;
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            r = Cli.run(args);
        } finally {
            System.setErr(stderr);
        }
        assertEquals(ExitCodes.OK, r.code(), r.err());
        String all = printed.toString(StandardCharsets.UTF_8) + r.err() + r.out();
        for (String line : cmd.group(2).split("\n")) {
            assertTrue(all.contains(line), "README line not printed: " + line + "\n--- printed:\n" + all);
        }
    }
}
