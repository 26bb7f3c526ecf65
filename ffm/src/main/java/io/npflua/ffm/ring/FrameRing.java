package io.npflua.ffm.ring;

import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.Tpacket2HeaderDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A TPACKET_V2 receive ring: fixed frames, each owned by user space while its {@code tp_status} has
 * TP_STATUS_USER. Frames handled in one {@link #poll(FrameHandler, int)} are returned to the kernel when the call
 * ends (with {@link SliceScope#BLOCK}, after their shared arena was closed), or right after each handler call with
 * {@link SliceScope#RING}.
 *
 * <p>Works on any segment laid out like the kernel's ring: the code path is the same for live and synthetic rings.
 */
public final class FrameRing implements RxRing
{
    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();
    private static final int HEADROOM_FLOOR = Tpacket2HeaderDescriptor.HDRLEN;

    private final MemorySegment ring;
    private final RingGeometry geometry;
    private final SliceScope scope;
    private final boolean reinsertVlan;
    private final int frameCount;
    private final int framesPerBlock;
    private final PacketFrame frame = new PacketFrame(RingVersion.V2);

    private final int frameSize;
    private final long blockStride;
    // Cursor over the next frame: index, slot in its block and byte offset (kept incrementally: no division per frame).
    private int frameIndex;
    private int slot;
    private long frameOffset;

    /**
     * @param ring         the ring memory, {@code geometry.sizeBytes()} long.
     * @param geometry     its validated geometry.
     * @param scope        how long frame segments stay readable.
     * @param reinsertVlan write stripped VLAN tags back into the frames (the socket must have PACKET_RESERVE >= 4).
     */
    public FrameRing(final MemorySegment ring, final RingGeometry geometry, final SliceScope scope, final boolean reinsertVlan)
    {
        if (ring.byteSize() < geometry.sizeBytes())
        {
            throw new IllegalArgumentException("ring segment of " + ring.byteSize() + " B is smaller than " + geometry.describe());
        }
        this.ring = ring;
        this.geometry = geometry;
        this.scope = scope;
        this.reinsertVlan = reinsertVlan;
        this.frameCount = geometry.frameCount();
        this.framesPerBlock = geometry.framesPerBlock();
        this.frameSize = geometry.frameSize();
        // From the last frame of a block to the first of the next one.
        this.blockStride = geometry.blockSize() - (long)(framesPerBlock - 1) * frameSize;
    }

    @Override
    public int poll(final FrameHandler handler, final int limit)
    {
        final int firstIndex = frameIndex;
        final int firstSlot = slot;
        final long firstOffset = frameOffset;
        int handled = 0;
        Arena batch = null;
        try
        {
            while (handled < limit)
            {
                final long offset = frameOffset;
                // Acquire: the kernel writes the frame, then its status; seeing TP_STATUS_USER must imply the bytes.
                final int status = (int)INT_HANDLE.getAcquire(ring, offset + Tpacket2HeaderDescriptor.STATUS_OFFSET);
                if ((status & PacketConstants.TP_STATUS_USER) == 0)
                {
                    break;
                }
                if (scope == SliceScope.BLOCK)
                {
                    if (batch == null)
                    {
                        batch = Arena.ofConfined();
                        frame.segment = ring.reinterpret(batch, null);
                    }
                }
                else
                {
                    frame.segment = ring;
                }
                readFrame(offset, status);
                advance();
                handled++;
                try
                {
                    handler.onFrame(frame);
                }
                finally
                {
                    if (batch == null)
                    {
                        // Release: our reads of this frame happen-before the kernel reuses it.
                        INT_HANDLE.setRelease(ring, offset + Tpacket2HeaderDescriptor.STATUS_OFFSET, PacketConstants.TP_STATUS_KERNEL);
                    }
                }
            }
        }
        finally
        {
            if (batch != null)
            {
                // Close first: slices kept by the handler must fail before the kernel may overwrite the frames.
                batch.close();
                frame.segment = MemorySegment.NULL;
                releaseBatch(firstIndex, firstSlot, firstOffset, handled);
            }
        }
        return handled;
    }

    private void releaseBatch(final int firstIndex, final int firstSlot, final long firstOffset, final int count)
    {
        int index = firstIndex;
        int s = firstSlot;
        long offset = firstOffset;
        for (int i = 0; i < count; i++)
        {
            // Release: our reads of the frame happen-before the kernel reuses it.
            INT_HANDLE.setRelease(ring, offset + Tpacket2HeaderDescriptor.STATUS_OFFSET, PacketConstants.TP_STATUS_KERNEL);
            if (++index == frameCount)
            {
                index = 0;
                s = 0;
                offset = 0;
            }
            else if (++s == framesPerBlock)
            {
                s = 0;
                offset += blockStride;
            }
            else
            {
                offset += frameSize;
            }
        }
    }

    private void advance()
    {
        if (++frameIndex == frameCount)
        {
            frameIndex = 0;
            slot = 0;
            frameOffset = 0;
        }
        else if (++slot == framesPerBlock)
        {
            slot = 0;
            frameOffset += blockStride;
        }
        else
        {
            frameOffset += frameSize;
        }
    }

    @Override
    public boolean isReadable()
    {
        // Acquire: pairs with the kernel's release of the frame; a hint only, poll() loads again.
        final int status = (int)INT_HANDLE.getAcquire(ring, frameOffset + Tpacket2HeaderDescriptor.STATUS_OFFSET);
        return (status & PacketConstants.TP_STATUS_USER) != 0;
    }

    @Override
    public RingVersion version()
    {
        return RingVersion.V2;
    }

    @Override
    public RingGeometry geometry()
    {
        return geometry;
    }

    @Override
    public void releaseAll()
    {
        // Frames are never held between polls.
    }

    private void readFrame(final long offset, final int status)
    {
        final MemorySegment ring = this.ring;
        final PacketFrame frame = this.frame;
        final int mac = Short.toUnsignedInt(ring.get(JAVA_SHORT, offset + Tpacket2HeaderDescriptor.MAC_OFFSET));
        int snaplen = ring.get(JAVA_INT, offset + Tpacket2HeaderDescriptor.SNAPLEN_OFFSET);
        int len = ring.get(JAVA_INT, offset + Tpacket2HeaderDescriptor.LEN_OFFSET);
        long data = offset + mac;
        boolean inserted = false;
        if (reinsertVlan && (status & PacketConstants.TP_STATUS_VLAN_VALID) != 0 && snaplen >= 12
            && mac >= HEADROOM_FLOOR + VlanTags.TAG_LENGTH)
        {
            final int tci = Short.toUnsignedInt(ring.get(JAVA_SHORT, offset + Tpacket2HeaderDescriptor.VLAN_TCI_OFFSET));
            final int tpid = (status & PacketConstants.TP_STATUS_VLAN_TPID_VALID) != 0
                ? Short.toUnsignedInt(ring.get(JAVA_SHORT, offset + Tpacket2HeaderDescriptor.VLAN_TPID_OFFSET)) : 0;
            VlanTags.reinsert(ring, data, tpid, tci);
            data -= VlanTags.TAG_LENGTH;
            snaplen += VlanTags.TAG_LENGTH;
            len += VlanTags.TAG_LENGTH;
            inserted = true;
        }
        frame.headerOffset = offset;
        frame.dataOffset = data;
        frame.capturedLength = snaplen;
        frame.wireLength = len;
        frame.status = status;
        frame.vlanTagInData = inserted;
    }
}
