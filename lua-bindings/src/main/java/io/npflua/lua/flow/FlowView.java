package io.npflua.lua.flow;

import org.luaj.vm2.LuaString;

/**
 * The engine's side of a flow object: reads the flow of the frame being judged, and records a rule's decision about
 * it. Directions are {@link #ORIG} (sent by the side that opened the flow) and {@link #REPLY}. Valid during one call;
 * implementations read the engine's flow table in place and allocate nothing.
 */
public interface FlowView {
    /** Sent by the side that opened the flow. */
    int ORIG = 0;
    /** Sent by the other side. */
    int REPLY = 1;

    /** {@link #decide}: this rule is done with the flow (and passes this frame). */
    int PASS = 1;
    /** {@link #decide}: block this frame and every later frame of the flow. */
    int BLOCK = 2;

    /** The flow's entry in the engine's table: stable for the flow's life, {@code 0 .. capacity()-1}. */
    int entry();

    /** The most entries the table holds (bounds {@link #entry()}). */
    int capacity();

    /** The flow's id, unique for the engine's life. */
    long id();

    /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
    int protocol();

    /** 4 or 6. */
    int family();

    /** High 64 bits of the address of the side that sent in {@code direction} (0 for IPv4). */
    long addressHi(int direction);

    /** Low 64 bits of that address (IPv4 in the low 32 bits). */
    long addressLo(int direction);

    /** The port (ICMP: echo id) of the side that sent in {@code direction}. */
    int port(int direction);

    /** The direction of the frame being judged: {@link #ORIG} or {@link #REPLY}. */
    int frameDirection();

    /** 1 new, 2 established, 3 closing, 4 closed. */
    int state();

    /** Frames seen in {@code direction}. */
    long packets(int direction);

    /** Wire bytes seen in {@code direction}. */
    long bytes(int direction);

    /** Capture time of the flow's first frame, ns since the epoch. */
    long firstNs();

    /** Capture time of its latest frame, ns since the epoch. */
    long lastNs();

    /**
     * Records this rule's decision ({@link #PASS} or {@link #BLOCK}) and its reason (a Lua string, or null) for the
     * engine to apply after the call.
     */
    void decide(int decision, LuaString reason);
}
