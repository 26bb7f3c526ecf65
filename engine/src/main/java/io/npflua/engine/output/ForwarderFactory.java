package io.npflua.engine.output;

/** Opens the forwarder worker {@code workerIndex} uses to send frames out of interface {@code egress}. */
@FunctionalInterface
public interface ForwarderFactory {
    /** The forwarder for {@code egress}, owned by worker {@code workerIndex}. */
    Forwarder open(String egress, int workerIndex);
}
