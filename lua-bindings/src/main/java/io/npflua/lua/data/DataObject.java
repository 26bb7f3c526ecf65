package io.npflua.lua.data;

import io.npflua.lua.compiler.ConstantIndexed;
import io.npflua.lua.compiler.InPlaceString;
import io.npflua.lua.compiler.IndexCache;
import io.npflua.lua.string.MatcherHome;
import io.npflua.lua.string.SegmentBytes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;

/**
 * A luadata data object: a bounds-checked view of {@code length} bytes at {@code offset} of a {@link MemorySegment},
 * with an optional layout that turns {@code d.field} into a read of bits at a fixed position.
 *
 * <p>Lua sees a userdata: {@code #d} is the length, {@code tostring(d)} the bytes as a string, {@code d.name} a
 * method or a layout field (methods win), {@code d.name = v} a field write. Reads and writes go straight to the
 * segment; nothing is copied except what a script asks for ({@code tostring}, string fields, {@code d:sub}).
 *
 * <p>A view may expire: views of a {@link PacketData} are valid only during the call that received the frame.
 * An expired view reads nil from every field, has length 0, ignores writes, and raises
 * {@value #EXPIRED} from {@code tostring} and from every method.
 *
 * <p>Frame objects ({@code data.new}, a wrapped segment, a packet, copies of those) also carry the packet methods
 * ({@code eth}, {@code ip}, {@code tcp}, ...); header views, payloads and segments carry the generic methods only.
 * Not thread-safe: a data object belongs to the Lua state (the worker thread) that made it.
 */
public class DataObject extends LuaUserdata implements SegmentBytes, InPlaceString, ConstantIndexed {
    /** The message of the error raised when an expired view is used. */
    public static final String EXPIRED = "packet data is no longer valid";
    /** The message of the error raised on a write to a frame captured in tap (read-only) mode. */
    public static final String READ_ONLY = "packet data is read-only in tap mode";
    /** The largest object {@code data.new} and {@code d:copy()} create. */
    public static final int MAX_OWNED_BYTES = 16 << 20;

    MemorySegment seg;
    long base;
    int len;
    Lifetime lifetime;
    int generation;
    LuaTable layout;
    final boolean frame;
    /** {@link IndexCache#kind} of this object's answers: 2 for a frame, 1 for a view (never 0, an empty cache). */
    private final int cacheKind;

    private FrameHeaders headers;

    DataObject(MemorySegment seg, long base, int len, Lifetime lifetime, int generation, boolean frame) {
        super(null);
        this.m_instance = this;
        this.seg = seg;
        this.base = base;
        this.len = len;
        this.lifetime = lifetime;
        this.generation = generation;
        this.frame = frame;
        this.cacheKind = frame ? 2 : 1;
    }

    /**
     * A frame object over {@code [offset, offset + length)} of {@code segment}, never expiring and writable; the
     * caller keeps the segment alive (a mapped pcap file, a test buffer).
     */
    public static DataObject wrap(MemorySegment segment, long offset, int length) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        return new DataObject(segment, offset, length, Lifetime.OWNED, 0, true);
    }

    /** A frame object owning a copy of {@code bytes}. */
    public static DataObject of(byte[] bytes) {
        return new DataObject(MemorySegment.ofArray(bytes.clone()), 0, bytes.length, Lifetime.OWNED, 0, true);
    }

    /** A frame object that takes ownership of {@code bytes} (no copy). */
    static DataObject owning(byte[] bytes) {
        return new DataObject(MemorySegment.ofArray(bytes), 0, bytes.length, Lifetime.OWNED, 0, true);
    }

    /** A zero-filled frame object of {@code n} bytes on the heap. */
    static DataObject allocate(int n) {
        return new DataObject(MemorySegment.ofArray(new byte[n]), 0, n, Lifetime.OWNED, 0, true);
    }

    /** True while the view may be read: always for owned memory, during its call for packet views. */
    public final boolean isValid() {
        return lifetime.generation == generation;
    }

    /** Throws the {@value #EXPIRED} error unless valid. */
    final void checkValid() {
        if (lifetime.generation != generation) {
            throw new LuaError(EXPIRED);
        }
    }

    /** Throws unless valid and writable. */
    final void checkWritable() {
        checkValid();
        if (!lifetime.writable) {
            throw new LuaError(READ_ONLY);
        }
    }

    /** The layout table applied, or null. */
    public final LuaTable layoutTable() {
        return layout;
    }

    /** Applies a compiled layout (or none with null). */
    final void applyLayout(LuaTable compiled) {
        if (layout != compiled) { // usually the same table every frame: no write barrier then
            layout = compiled;
        }
    }

    // --- SegmentBytes ---------------------------------------------------------------------------------------

    /** The backing segment; raises {@value #EXPIRED} once expired. */
    @Override
    public final MemorySegment segment() {
        checkValid();
        return seg;
    }

    @Override
    public final long offset() {
        return base;
    }

    /** The packet's (the state's) matcher home; null for owned memory. */
    @Override
    public final MatcherHome matcherHome() {
        return lifetime.matchers;
    }

    /** The length in bytes; 0 once expired. Also LuaJ's {@code length()}. */
    @Override
    public final int length() {
        return lifetime.generation == generation ? len : 0;
    }

    // --- Lua protocol ---------------------------------------------------------------------------------------

    /** {@code d.key}: a layout field (unless a method of that name exists) or a method. Allocation-free for
     * numbers 0..65535. */
    @Override
    public final LuaValue get(LuaValue key) {
        return read(resolve(key));
    }

    /** {@code d.key = v}: writes a layout field; ignored for unknown keys, methods and out-of-bounds fields.
     * Allocation-free for numbers. */
    @Override
    public final void set(LuaValue key, LuaValue value) {
        write(resolve(key), value);
    }

    /**
     * {@link #get} for compiled code with a constant name: the name's resolution (field or method) is kept in
     * {@code cache} for as long as this object's layout table, its write count and the frame/view kind are the
     * same, so a layout field read costs the field's bit arithmetic. Only library layout tables
     * ({@link LayoutTable}, which count their writes) are cached; a plain table compiled in place resolves every time.
     */
    @Override
    public final LuaValue indexConstant(LuaValue key, IndexCache cache) {
        return read(resolveCached(key, cache));
    }

    /** {@link #set} for compiled code with a constant name, cached as {@link #indexConstant} is. */
    @Override
    public final void assignConstant(LuaValue key, LuaValue value, IndexCache cache) {
        write(resolveCached(key, cache), value);
    }

    private LuaValue resolveCached(LuaValue key, IndexCache c) {
        LuaTable l = layout;
        if (c.kind == cacheKind && c.guard == l && (l == null || ((LayoutTable) l).writes == c.version)) {
            return (LuaValue) c.value;
        }
        return resolveMiss(key, c);
    }

    // The miss in a method of its own, so that the hit path above stays small where compiled code inlines it.
    private LuaValue resolveMiss(LuaValue key, IndexCache c) {
        LuaTable l = layout;
        LuaValue v = resolve(key);
        if (l == null || l instanceof LayoutTable t && t.cacheable()) {
            c.guard = l;
            c.version = l == null ? 0 : ((LayoutTable) l).writes;
            c.kind = cacheKind;
            c.value = v;
        } else {
            c.kind = 0;
        }
        return v;
    }

    /** What {@code key} names on this object: a visible layout {@link Field}, else a method (or nil). */
    private LuaValue resolve(LuaValue key) {
        LuaTable l = layout;
        if (l != null) {
            LuaValue e = l.rawget(key);
            if (e instanceof Field f && !(frame ? f.hiddenOnFrames : f.hiddenOnViews)) {
                return f;
            }
        }
        return (frame ? DataMethods.FRAME_NAMES : DataMethods.VIEW_NAMES).get(key);
    }

    private LuaValue read(LuaValue resolved) {
        if (resolved instanceof Field f) {
            return lifetime.generation != generation ? NIL : f.read(seg, base, len);
        }
        return resolved;
    }

    private void write(LuaValue resolved, LuaValue value) {
        if (resolved instanceof Field f) {
            if (lifetime.generation != generation) {
                return;
            }
            if (!lifetime.writable) {
                throw new LuaError(READ_ONLY);
            }
            f.write(seg, base, len, value);
        }
    }

    @Override
    public final LuaValue len() {
        return LuaInts.of(length());
    }

    /** For compiled code: {@code tostring(d):match(p)} may run as {@code d:match(p)} while this holds. */
    @Override
    public final boolean inPlaceValid() {
        return lifetime.generation == generation;
    }

    /** For compiled code: {@code local s = tostring(d)} may keep {@code d} for the whole scope of {@code s}. */
    @Override
    public final boolean inPlaceReadOnly() {
        return lifetime.generation == generation && !lifetime.writable;
    }

    /** For compiled code: {@code tostring(d) == s} without the copy. */
    @Override
    public final boolean inPlaceEquals(LuaString s) {
        int n = s.m_length;
        if (n != len || lifetime.generation != generation) {
            return false;
        }
        byte[] b = s.m_bytes;
        int o = s.m_offset;
        for (int i = 0; i < n; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, base + i) != b[o + i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code tostring(d)}: the bytes as a Lua string (a copy). */
    @Override
    public final LuaValue tostring() {
        checkValid();
        return LuaString.valueUsing(bytes(0, len));
    }

    @Override
    public String tojstring() {
        return "data: " + (isValid() ? len + " bytes" : "expired");
    }

    @Override
    public final int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public final boolean equals(Object o) {
        return this == o;
    }

    @Override
    public final boolean raweq(LuaUserdata val) {
        return this == val;
    }

    // --- helpers for methods ---------------------------------------------------------------------------------

    final byte[] bytes(int from, int count) {
        byte[] b = new byte[count];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, base + from, b, 0, count);
        return b;
    }

    /** A view of {@code [from, from + count)} sharing this object's memory and lifetime, without a layout. */
    final DataObject view(int from, int count) {
        return new DataObject(seg, base + from, count, lifetime, generation, false);
    }

    /** Re-points this view (a cached header view) at {@code [from, from + count)} of {@code parent}. */
    final DataObject rebind(DataObject parent, int from, int count, LuaTable compiledLayout) {
        // The reference fields usually keep their values from frame to frame (one ring, one lifetime, one layout):
        // storing only on change skips the collector's write barrier on these long-lived objects.
        if (seg != parent.seg) {
            seg = parent.seg;
        }
        if (lifetime != parent.lifetime) {
            lifetime = parent.lifetime;
        }
        if (layout != compiledLayout) {
            layout = compiledLayout;
        }
        base = parent.base + from;
        len = count;
        generation = parent.generation;
        return this;
    }

    /** An owned, writable copy that never expires; a frame stays a frame. */
    final DataObject copyOwned() {
        byte[] b = bytes(0, len);
        return new DataObject(MemorySegment.ofArray(b), 0, b.length, Lifetime.OWNED, 0, frame);
    }

    final FrameHeaders headers() {
        FrameHeaders h = headers;
        if (h == null) {
            headers = h = new FrameHeaders();
        }
        return h;
    }
}
