/**
 * Memory-mapped packet rings: TPACKET_V3 block walking ({@link io.npflua.ffm.ring.BlockRing}), TPACKET_V2 frames
 * ({@link io.npflua.ffm.ring.FrameRing}), the TX ring ({@link io.npflua.ffm.ring.TxRing}) and the reusable
 * {@link io.npflua.ffm.ring.PacketFrame} flyweight. Rings work on any segment laid out like the kernel's, so the
 * emulators here ({@link io.npflua.ffm.ring.BlockRingEmulator}, {@link io.npflua.ffm.ring.FrameRingEmulator}) let
 * tests and benchmarks run the live code path without root.
 *
 * <p>Ownership handover uses acquire loads and release stores on the aligned 32-bit status words; frame lifetime is
 * enforced by {@link io.npflua.ffm.ring.SliceScope}.
 */
package io.npflua.ffm.ring;
