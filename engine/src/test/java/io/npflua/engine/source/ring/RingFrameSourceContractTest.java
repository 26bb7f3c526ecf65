package io.npflua.engine.source.ring;

import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceContract;
import io.npflua.engine.source.SourceRequest;
import io.npflua.ffm.lab.LabTraffic;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.PacketSocketOptions;
import io.npflua.ffm.sys.Syscalls;
import java.util.List;

/**
 * {@link FrameSourceContract} against the live TPACKET_V3 tap source: a fresh veth pair per test, the source on end
 * {@code a}, the frames sent with the ffm TX ring on end {@code b} after the source is open.
 */
@LiveTest
class RingFrameSourceContractTest extends FrameSourceContract {
    @Override
    protected Fixture open(List<byte[]> frames) {
        VethLab lab = VethLab.create();
        FrameSource source = null;
        PacketSocket tx = null;
        try {
            VethLab.VethPair pair = lab.addPair();
            source = new LiveSourceFactory(LiveCaptureOptions.defaults())
                    .open(new SourceRequest(pair.a(), 0, 1, FanoutMode.HASH, false, 0));
            tx = PacketSocket.open(PacketSocketOptions.builder(pair.b())
                    .txRing(RingGeometry.frames(2048, 256, Syscalls.pageSize()))
                    .build());
            LabTraffic.send(tx.txRing(), frames, 0);
            return new LabFixture(lab, source, tx);
        } catch (RuntimeException e) {
            new LabFixture(lab, source, tx).close();
            throw e;
        }
    }

    private record LabFixture(VethLab lab, FrameSource source, PacketSocket tx) implements Fixture {
        @Override
        public void close() {
            if (source != null) {
                source.close();
            }
            if (tx != null) {
                tx.close();
            }
            lab.close();
        }
    }
}
