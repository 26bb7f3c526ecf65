package io.npflua.engine.rule.lua;

import io.npflua.engine.flow.FlowTable;
import io.npflua.engine.source.Frame;
import io.npflua.lua.data.PacketContext;
import io.npflua.lua.flow.FlowObject;
import io.npflua.lua.flow.FlowView;
import java.net.NetworkInterface;
import java.net.SocketException;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * One script state's view of the frame being judged, for {@code pkt:time()}, {@code pkt:iface()}, {@code pkt:dir()}
 * and {@code pkt:flow()}: reads the engine's {@link Frame} (its header on demand) and the worker's flow table in place.
 * Re-pointed at each frame by {@link LuaRuleFactory.LuaRule}; used on the worker's thread only.
 */
final class FrameContext implements PacketContext, FlowView {
    /** Interface indexes whose names are kept (larger ones are looked up on each call). */
    private static final int NAMES_KEPT = 4096;

    private final FlowObject flow = new FlowObject();
    private LuaValue[] names = new LuaValue[16];
    private Frame frame;

    /**
     * Points this context at {@code f} for one call (a source's frame is one flyweight: stored only on a change). The
     * frame stays referenced after the call, but nothing reads it then: the packet object has expired.
     */
    void frame(Frame f) {
        if (frame != f) {
            frame = f;
        }
    }

    /** Ends the call: the flow object is invalid until the next frame's {@code pkt:flow()}. */
    void release() {
        flow.release();
    }

    /** The table of the script's {@code flow.vars} (for the state's memory accounting). */
    LuaTable flowVars() {
        return flow.varsTable();
    }

    /** The flow at {@code entry} ended: the script's {@code flow.vars} for it go. */
    void onFlowEnd(int entry) {
        flow.onFlowEnd(entry);
    }

    // ---- PacketContext

    @Override
    public long timeNs() {
        return frame.timestampNs();
    }

    @Override
    public LuaValue iface() {
        int index = frame.ifindex();
        if (index <= 0) {
            return LuaValue.NIL;
        }
        // A worker may read any number of interfaces (a tap on several, a bridge): each name is looked up once.
        if (index < names.length && names[index] != null) {
            return names[index];
        }
        LuaValue name = lookUp(index);
        if (index < NAMES_KEPT) {
            if (index >= names.length) {
                LuaValue[] grown = new LuaValue[Math.min(NAMES_KEPT, Integer.highestOneBit(index) << 1)];
                System.arraycopy(names, 0, grown, 0, names.length);
                names = grown;
            }
            names[index] = name;
        }
        return name;
    }

    private static LuaValue lookUp(int index) {
        try {
            NetworkInterface i = NetworkInterface.getByIndex(index);
            return LuaValue.valueOf(i != null ? i.getName() : "if" + index);
        } catch (SocketException e) {
            return LuaValue.valueOf("if" + index);
        }
    }

    @Override
    public int direction() {
        return switch (frame.direction()) {
            case Frame.DIRECTION_INBOUND -> DIRECTION_IN;
            case Frame.DIRECTION_OUTBOUND -> DIRECTION_OUT;
            default -> DIRECTION_UNKNOWN;
        };
    }

    @Override
    public boolean checksumPartial() {
        return frame.checksumPartial();
    }

    @Override
    public LuaValue flow() {
        return frame.flowEntry() < 0 ? LuaValue.NIL : flow.bind(this);
    }

    // ---- FlowView (valid while the frame has a flow)

    private FlowTable table() {
        return frame.flows();
    }

    @Override
    public int entry() {
        return frame.flowEntry();
    }

    @Override
    public int capacity() {
        return table().maxFlows();
    }

    @Override
    public long id() {
        return table().id(entry());
    }

    @Override
    public int protocol() {
        return table().protocol(entry());
    }

    @Override
    public int family() {
        return table().ipVersion(entry());
    }

    @Override
    public long addressHi(int direction) {
        return table().addressHi(entry(), direction);
    }

    @Override
    public long addressLo(int direction) {
        return table().addressLo(entry(), direction);
    }

    @Override
    public int port(int direction) {
        return table().port(entry(), direction);
    }

    @Override
    public int frameDirection() {
        return frame.flowDirection();
    }

    @Override
    public int state() {
        return table().state(entry());
    }

    @Override
    public long packets(int direction) {
        return table().packets(entry(), direction);
    }

    @Override
    public long bytes(int direction) {
        return table().bytes(entry(), direction);
    }

    @Override
    public long firstNs() {
        return table().firstNs(entry());
    }

    @Override
    public long lastNs() {
        return table().lastNs(entry());
    }

    @Override
    public void decide(int decision, LuaString reason) {
        frame.decideFlow(decision == FlowView.BLOCK ? Frame.FLOW_BLOCK : Frame.FLOW_PASS, reason);
    }
}
