package io.npflua.lua.data;

import io.npflua.lua.string.MatcherHome;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The reusable per-worker packet object handed to {@code filter(pkt)}: a frame object re-pointed at each frame.
 *
 * <pre>{@code
 * pkt.bind(ringSlice, offset, length, inline);   // before the call
 * LuaValue verdict = filter.call(pkt);
 * pkt.release();                                 // after it, before the frame goes back to the kernel
 * }</pre>
 *
 * <p>Every view derived during a call ({@code pkt:ip()}, {@code pkt:payload()}, {@code pkt:segment()}) shares this
 * object's lifetime: {@link #release()} and the next {@link #bind} expire all of them at once (a generation counter,
 * checked on each access), so a reference kept in a global can only ever see the frame of the current call: this
 * object itself (re-bound to the current frame) or nothing. {@code pkt:copy()} is the way to keep bytes.
 *
 * <p>Not thread-safe: one per worker thread and Lua state. Binding and releasing allocate nothing.
 */
public final class PacketData extends DataObject {
    /** Counts binds (never wraps in practice): identifies the frame a {@link FrameHeaders} parse belongs to. */
    long binding;

    /** What the engine knows about the frame beyond its bytes, or null (then time, iface, dir and flow are nil). */
    PacketContext context;

    /** A packet object bound to nothing yet (expired until the first {@link #bind}). */
    public PacketData() {
        super(MemorySegment.NULL, 0, 0, new Lifetime(false, new MatcherHome()), -1, true);
        headers();
    }

    /**
     * Points this object at {@code [offset, offset + length)} of {@code segment} for one call. {@code writable} is
     * true only for the inline bridge; in tap mode field writes and {@code pkt:checksum()} raise
     * {@value DataObject#READ_ONLY}. Any view of the previous frame expires. Clears the layout. Allocation-free.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code segment}
     */
    public void bind(MemorySegment segment, long offset, int length, boolean writable) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        Lifetime l = lifetime;
        l.generation++;
        l.writable = writable;
        binding++;
        generation = l.generation;
        // Reference fields are stored only when they change (usually never: one ring, no layout on the packet):
        // every store of a reference into this long-lived object is a GC write barrier, which on G1 can be a
        // full store-load fence.
        if (seg != segment) {
            seg = segment;
        }
        base = offset;
        len = length;
        if (layout != null) {
            layout = null;
        }
    }

    /**
     * Gives this packet object the engine's context for {@code pkt:time()}, {@code pkt:iface()}, {@code pkt:dir()}
     * and {@code pkt:flow()} (null: none; those return nil). Set once; the context follows the frames itself.
     */
    public void context(PacketContext context) {
        this.context = context;
    }

    /** Ends the call: this object and every view derived from it expire. Allocation-free. */
    public void release() {
        lifetime.generation++;
        // The segment stays referenced (no barrier per frame): the bumped generation is what makes every read of this
        // object and of its views nil, every write ignored and every method raise the expired error (views keep
        // their own offset and length; this object's length 0 is one more refusal for anything reading it).
        base = 0;
        len = 0;
    }
}
