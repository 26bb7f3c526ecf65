/**
 * AF_PACKET sockets bound to one interface ({@link io.npflua.ffm.socket.PacketSocket}), set up from
 * {@link io.npflua.ffm.socket.PacketSocketOptions}: rings, fanout, classic BPF, promiscuous mode, statistics,
 * waiting with wakeup, and interface fault reporting.
 */
package io.npflua.ffm.socket;
