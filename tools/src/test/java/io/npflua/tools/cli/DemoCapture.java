package io.npflua.tools.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The bundled demo capture and the golden verdicts of the seed scripts over it
 * ({@code engine/src/test/resources/golden/demo-*.verdicts}, computed by the stock Lua 5.4 interpreter), so that the
 * CLI's counters are checked against verdicts the project did not compute with its own engine.
 */
final class DemoCapture {
    /** Frames in the demo capture. */
    static final int FRAMES = 64;

    private DemoCapture() {}

    /** Copies the engine jar's demo capture to {@code dir}. */
    static Path extract(Path dir) throws IOException {
        Path p = dir.resolve("demo.pcap");
        try (InputStream in = DemoCommand.class.getResourceAsStream(DemoCommand.CAPTURE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + DemoCommand.CAPTURE_RESOURCE + " on the class path");
            }
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    /** Copies the example script {@code name}.lua (packed into the CLI's jar from examples/) to {@code dir}. */
    static Path example(Path dir, String name) throws IOException {
        Path p = dir.resolve(name + ".lua");
        try (InputStream in = DemoCommand.class.getResourceAsStream(DemoCommand.SCRIPT_RESOURCES + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("no example " + name + ".lua on the class path");
            }
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    /** Frame numbers (1-based, as tshark counts) the golden file of {@code script} marks {@code block}. */
    static TreeSet<Long> goldenBlocked(String script) throws IOException {
        String file = switch (script) {
            case "ssh-version" -> "demo-ssh.verdicts";
            case "rtp-h263" -> "demo-rtp.verdicts";
            default -> throw new IllegalArgumentException(script);
        };
        Path golden = Path.of(System.getProperty("user.dir"))
                .resolveSibling("engine")
                .resolve("src/test/resources/golden")
                .resolve(file);
        TreeSet<Long> blocked = new TreeSet<>();
        for (String line : Files.readAllLines(golden, StandardCharsets.UTF_8)) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2 && !line.startsWith("#") && f[1].equals("block")) {
                blocked.add(Long.parseLong(f[0]));
            }
        }
        return blocked;
    }

    /** The frames' time stamps (tshark's frame.time_epoch text), one per frame in file order. */
    static List<String> timestamps(Path pcap) {
        return tshark(pcap, "frame.time_epoch");
    }

    /** Runs {@code tshark -r pcap -T fields -e field} and returns its lines. */
    static List<String> tshark(Path pcap, String field) {
        try {
            Process p = new ProcessBuilder("tshark", "-r", pcap.toString(), "-T", "fields", "-e", field)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("tshark -r " + pcap + " failed (exit " + p.exitValue() + ")");
            }
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
