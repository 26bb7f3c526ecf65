package io.npflua.ffm.socket;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A classic BPF program for {@code SO_ATTACH_FILTER}: the kernel runs it on every packet before the ring and keeps
 * the number of bytes it returns (0 drops the packet).
 *
 * <p>npflua does not compile filter expressions: programs come as instructions ({@link #of(int...)}), as text in the
 * format of {@code tcpdump -ddd EXPR} ({@link #parse(String)}), or straight from tcpdump
 * ({@link #compileWithTcpdump(String)}).
 *
 * @param instructions the program, 1 to 4096 instructions (BPF_MAXINSNS).
 */
public record BpfProgram(List<BpfInstruction> instructions) {
    /** BPF_MAXINSNS. */
    public static final int MAX_INSTRUCTIONS = 4096;

    /**
     * @throws IllegalArgumentException on an empty or too long program.
     */
    public BpfProgram {
        instructions = List.copyOf(instructions);
        if (instructions.isEmpty() || instructions.size() > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException(
                    "a BPF program has 1 to " + MAX_INSTRUCTIONS + " instructions, got " + instructions.size());
        }
    }

    /**
     * @param quads instructions as consecutive {@code code, jt, jf, k} values.
     * @return the program.
     */
    public static BpfProgram of(final int... quads) {
        if (quads.length % 4 != 0) {
            throw new IllegalArgumentException(
                    "BPF program given as int[] needs groups of 4 (code, jt, jf, k), got " + quads.length + " values");
        }
        final List<BpfInstruction> list = new ArrayList<>(quads.length / 4);
        for (int i = 0; i < quads.length; i += 4) {
            list.add(new BpfInstruction(quads[i], quads[i + 1], quads[i + 2], quads[i + 3]));
        }
        return new BpfProgram(list);
    }

    /**
     * @param snapLength bytes to keep of each packet.
     * @return the one-instruction program that accepts every packet, truncated to {@code snapLength}.
     */
    public static BpfProgram acceptAll(final int snapLength) {
        return of(BpfInstruction.RET_K, 0, 0, snapLength);
    }

    /**
     * Parses the output of {@code tcpdump -ddd EXPR}: a line with the instruction count, then one line per
     * instruction with four decimal numbers {@code code jt jf k}. Blank lines and tcpdump's warnings are ignored.
     *
     * @param text the text.
     * @return the program.
     * @throws IllegalArgumentException naming the line that is wrong.
     */
    public static BpfProgram parse(final String text) {
        final List<BpfInstruction> list = new ArrayList<>();
        int expected = -1;
        int lineNumber = 0;
        for (final String raw : text.split("\\R")) {
            lineNumber++;
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("Warning")) {
                continue;
            }
            final String[] fields = line.split("\\s+");
            try {
                if (expected < 0 && fields.length == 1) {
                    expected = Integer.parseInt(fields[0]);
                    continue;
                }
                if (fields.length != 4) {
                    throw new IllegalArgumentException("BPF text line " + lineNumber + " has " + fields.length
                            + " fields, expected 'code jt jf k' as printed by tcpdump -ddd: " + line);
                }
                list.add(new BpfInstruction(
                        Integer.parseInt(fields[0]),
                        Integer.parseInt(fields[1]),
                        Integer.parseInt(fields[2]),
                        Integer.parseUnsignedInt(fields[3])));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException(
                        "BPF text line " + lineNumber + " is not decimal numbers (tcpdump -ddd format): " + line, e);
            }
        }
        if (expected >= 0 && expected != list.size()) {
            throw new IllegalArgumentException(
                    "BPF text announces " + expected + " instructions but has " + list.size());
        }
        return new BpfProgram(list);
    }

    /**
     * Runs {@code tcpdump -y EN10MB -ddd EXPR} and parses its output.
     *
     * @param expression a pcap filter expression, e.g. {@code udp port 53}.
     * @return the program.
     * @throws IllegalArgumentException when tcpdump is missing or rejects the expression (its message included).
     */
    public static BpfProgram compileWithTcpdump(final String expression) {
        final Process process;
        try {
            process = new ProcessBuilder("tcpdump", "-y", "EN10MB", "-ddd", expression).start();
        } catch (final IOException e) {
            throw new IllegalArgumentException(
                    "cannot run tcpdump to compile the filter '" + expression + "': " + e.getMessage()
                            + " (install tcpdump, or give the program as tcpdump -ddd output)",
                    e);
        }
        try (InputStream out = process.getInputStream();
                InputStream err = process.getErrorStream()) {
            final String text = new String(out.readAllBytes(), StandardCharsets.US_ASCII);
            final String errors = new String(err.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalArgumentException("tcpdump rejected the filter '" + expression + "': " + errors);
            }
            return parse(text);
        } catch (final IOException e) {
            throw new IllegalArgumentException(
                    "cannot read tcpdump's output for '" + expression + "': " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling the filter '" + expression + "'", e);
        }
    }

    /**
     * Caps every constant return at {@code snapLength} (like libpcap's snaplen): packets are kept or dropped as before,
     * but never with more than {@code snapLength} bytes.
     *
     * @param snapLength the most bytes to keep, > 0.
     * @return the capped program.
     */
    public BpfProgram withSnapLength(final int snapLength) {
        if (snapLength <= 0) {
            throw new IllegalArgumentException("snap length must be > 0, got " + snapLength);
        }
        final List<BpfInstruction> list = new ArrayList<>(instructions.size());
        for (final BpfInstruction insn : instructions) {
            if (insn.code() == BpfInstruction.RET_K && Integer.compareUnsigned(insn.k(), snapLength) > 0) {
                list.add(new BpfInstruction(insn.code(), insn.jt(), insn.jf(), snapLength));
            } else {
                list.add(insn);
            }
        }
        return new BpfProgram(list);
    }

    /** @return the program in {@code tcpdump -ddd} format. */
    public String toTcpdumpText() {
        final StringBuilder text =
                new StringBuilder().append(instructions.size()).append('\n');
        for (final BpfInstruction insn : instructions) {
            text.append(insn.code())
                    .append(' ')
                    .append(insn.jt())
                    .append(' ')
                    .append(insn.jf())
                    .append(' ')
                    .append(Integer.toUnsignedString(insn.k()))
                    .append('\n');
        }
        return text.toString();
    }
}
