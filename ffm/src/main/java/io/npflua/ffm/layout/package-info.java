/**
 * Kernel structures as named {@link java.lang.foreign.MemoryLayout}s, one small {@code *Descriptor} class per struct
 * with the C declaration drawn in its Javadoc, and the AF_PACKET constants. Offsets are pinned to the kernel's values
 * by a unit test.
 */
package io.npflua.ffm.layout;
