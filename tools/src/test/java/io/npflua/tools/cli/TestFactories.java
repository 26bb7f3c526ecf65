package io.npflua.tools.cli;

import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.MemoryFrameSource;
import io.npflua.engine.source.SourceRequest;

/**
 * The real factories except for live capture, which a unit test cannot have: it needs root, a real interface and
 * traffic, and never ends by itself. Here "interfaces" named {@code test*} exist and each worker's source hands out
 * an SSH banner of the blocked version and a SYN for ever, at full speed, so {@code run}'s stop conditions
 * ({@code -c}, {@code --duration}, SIGINT) and final counters can be tested; other names are rejected like a missing
 * interface. Pcap files, Lua rules and the control server are this build's real ones; the live path itself is
 * covered by {@code RunControlLiveTest} and {@code DemoLabTest} (root).
 */
class TestFactories extends EngineFactories {
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
                return MemoryFrameSource.builder(r.name() + "#" + r.workerIndex())
                        .passes(MemoryFrameSource.ENDLESS)
                        .add(Frames.tcp4("198.18.1.22", 22, "198.18.0.10", 50122, 0x18, "SSH-2.0-OpenSSH_6.4\r\n"))
                        .add(Frames.tcp4("198.18.0.10", 50122, "198.18.1.22", 22, 0x02, ""))
                        .build();
            }
        };
    }
}
