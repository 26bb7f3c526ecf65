package io.npflua.engine;

import io.npflua.engine.flow.FlowRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The engine's flows at one moment ({@link Engine#flows}): each worker's table copied on its own thread.
 *
 * @param flows      the flows, by worker then table order, at most the limit asked for per worker
 * @param slotNames  the rule holding each decision slot (null where none), to name who decided what
 * @param unanswered workers that did not answer in time (stopped, or busy past the timeout)
 */
public record FlowListing(List<FlowRecord> flows, List<String> slotNames, int unanswered) {
    public FlowListing {
        flows = List.copyOf(flows);
        slotNames = Collections.unmodifiableList(new ArrayList<>(slotNames));
    }

    /** The names of the rules whose slots are set in {@code mask}, in slot order. */
    public List<String> rules(long mask) {
        List<String> names = new ArrayList<>();
        for (long m = mask; m != 0; m &= m - 1) {
            int slot = Long.numberOfTrailingZeros(m);
            String name = slot < slotNames.size() ? slotNames.get(slot) : null;
            names.add(name != null ? name : "#" + slot);
        }
        return names;
    }
}
