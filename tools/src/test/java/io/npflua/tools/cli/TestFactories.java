package io.npflua.tools.cli;

import io.npflua.engine.output.VerdictSinkFactory;
import io.npflua.engine.rule.PreparedRule;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.RuleOutcome;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.MemoryFrameSource;
import io.npflua.engine.source.SourceRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Stand-ins for the parts that arrive at merge, so that the CLI's commands run for real in tests:
 * <ul>
 *   <li>pcap sources: a minimal classic-pcap reader (microseconds, little endian, what {@link PcapFiles} writes)
 *       feeding {@link MemoryFrameSource}s; every file goes to worker 0;</li>
 *   <li>pcap sinks: collect the frames in memory ({@link #written});</li>
 *   <li>Lua rules: plain LuaJ (not the sandbox): the chunk is compiled and run, the entry function must exist, and
 *       per frame the entry is called with the frame's bytes as a Lua string; true passes, false blocks.</li>
 * </ul>
 * When the real factories are wired, the lead re-runs the command tests against them ({@code CliCommandsTest}
 * passes the factories explicitly, so switching is one line).
 */
class TestFactories extends EngineFactories {
    final List<byte[]> written = Collections.synchronizedList(new ArrayList<>());

    @Override
    public FrameSourceFactory pcapSources(List<Path> files, long passes) {
        return new FrameSourceFactory() {
            @Override
            public void validate(String name) {
                if (!Files.isReadable(Path.of(name))) {
                    throw new IllegalArgumentException("cannot read " + name);
                }
            }

            @Override
            public FrameSource open(SourceRequest r) {
                MemoryFrameSource.Builder b = MemoryFrameSource.builder(r.name()).passes(r.workerIndex() == 0
                        ? passes : 0);
                for (PcapFiles.Record rec : PcapFiles.read(Path.of(r.name()))) {
                    b.add(rec.bytes(), rec.wireLength(), rec.timestampNs());
                }
                return b.build();
            }
        };
    }

    /**
     * "Live" interfaces named {@code test*}: each worker's source hands out an SSH banner frame and a SYN for ever,
     * at full speed; other names are rejected like a missing interface.
     */
    @Override
    public FrameSourceFactory liveSources(String bpf) {
        return new FrameSourceFactory() {
            @Override
            public void validate(String name) {
                if (!name.startsWith("test")) {
                    throw new IllegalArgumentException("interface " + name + " does not exist (see ip link)");
                }
            }

            @Override
            public FrameSource open(SourceRequest r) {
                return MemoryFrameSource.builder(r.name() + "#" + r.workerIndex()).passes(MemoryFrameSource.ENDLESS)
                        .add(Frames.tcp4("198.18.1.22", 22, "198.18.0.10", 50122, 0x18, "SSH-2.0-OpenSSH_6.4\r\n"))
                        .add(Frames.tcp4("198.18.0.10", 50122, "198.18.1.22", 22, 0x02, ""))
                        .build();
            }
        };
    }

    @Override
    public VerdictSinkFactory pcapSink(Path file) {
        return w -> frame -> written.add(frame.toByteArray());
    }

    @Override
    public RuleFactory luaRules() {
        return TestFactories::prepareLua;
    }

    static PreparedRule prepareLua(ScriptSpec spec) throws RuleRejectedException {
        instance(spec);
        return worker -> instance(spec);
    }

    private static Rule instance(ScriptSpec spec) throws RuleRejectedException {
        Globals g = JsePlatform.standardGlobals();
        LuaValue entry;
        try {
            g.load(spec.source(), spec.name() + ".lua").call();
            entry = g.get(spec.entry());
        } catch (LuaError e) {
            throw new RuleRejectedException("script '" + spec.name() + "' failed: " + e.getMessage(), e);
        }
        if (!entry.isfunction()) {
            throw new RuleRejectedException("script '" + spec.name() + "' defines no function '" + spec.entry() + "'");
        }
        LuaValue fn = entry;
        return new Rule() {
            private String last;

            @Override
            public RuleOutcome evaluate(io.npflua.engine.source.Frame frame) {
                try {
                    LuaValue v = fn.call(LuaString.valueOf(frame.toByteArray()));
                    return v.toboolean() ? RuleOutcome.PASS : RuleOutcome.BLOCK;
                } catch (LuaError e) {
                    last = e.getMessage();
                    return RuleOutcome.LUA_ERROR;
                }
            }

            @Override
            public String lastError() {
                return last;
            }
        };
    }

    /** Writes and reads classic pcap files (microseconds, little endian, Ethernet) for tests. */
    static final class PcapFiles {
        record Record(byte[] bytes, int wireLength, long timestampNs) {
        }

        static void write(Path file, List<byte[]> frames) {
            ByteBuffer b = ByteBuffer.allocate(24 + frames.stream().mapToInt(f -> 16 + f.length).sum())
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144)
                    .putInt(1);
            int i = 0;
            for (byte[] f : frames) {
                b.putInt(1_700_000_000 + i).putInt(123 * i).putInt(f.length).putInt(f.length).put(f);
                i++;
            }
            try {
                Files.write(file, b.array());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static List<Record> read(Path file) {
            try {
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
                if (b.getInt(0) != 0xa1b2c3d4) {
                    throw new IllegalArgumentException(file + " is not a little-endian microsecond pcap");
                }
                b.position(24);
                List<Record> out = new ArrayList<>();
                while (b.remaining() >= 16) {
                    long sec = Integer.toUnsignedLong(b.getInt());
                    long usec = Integer.toUnsignedLong(b.getInt());
                    int cap = b.getInt();
                    int wire = b.getInt();
                    byte[] data = new byte[cap];
                    b.get(data);
                    out.add(new Record(data, wire, sec * 1_000_000_000L + usec * 1000));
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
