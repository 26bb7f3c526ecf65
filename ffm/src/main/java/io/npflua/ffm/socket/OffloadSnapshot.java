package io.npflua.ffm.socket;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An interface's offload features as the kernel reported them at one moment ({@code ETHTOOL_GFEATURES}), by the
 * kernel's feature names ({@code ETH_SS_FEATURES}), in bit order. Immutable.
 */
public final class OffloadSnapshot {
    /**
     * One feature.
     *
     * @param name         the kernel's name, e.g. {@code tx-tcp-segmentation}.
     * @param bit          its bit number (string index in {@code ETH_SS_FEATURES}).
     * @param changeable   the device lets it be changed ({@code available}, the device's hw_features).
     * @param requested    the user asked for it ({@code requested}, wanted_features): what a change records.
     * @param active       it is in effect now ({@code active}); may differ from {@code requested} where features
     *                     depend on each other (TSO needs TX checksumming).
     * @param neverChanged no device may change it ({@code never_changed}).
     */
    public record Feature(
            String name, int bit, boolean changeable, boolean requested, boolean active, boolean neverChanged) {
        /**
         * @return true when it cannot be changed on this interface (what {@code ethtool -k} marks {@code [fixed]}).
         */
        public boolean fixed() {
            return !changeable || neverChanged;
        }
    }

    private final String interfaceName;
    private final Map<String, Feature> features;

    /**
     * @param interfaceName the interface.
     * @param features      its features in bit order.
     */
    public OffloadSnapshot(final String interfaceName, final List<Feature> features) {
        this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
        final Map<String, Feature> byName = new LinkedHashMap<>();
        for (final Feature feature : features) {
            byName.put(feature.name(), feature);
        }
        this.features = Collections.unmodifiableMap(byName);
    }

    /** @return the interface name. */
    public String interfaceName() {
        return interfaceName;
    }

    /** @return every feature the kernel knows, in bit order. */
    public Collection<Feature> features() {
        return features.values();
    }

    /**
     * @param name a kernel feature name.
     * @return whether this kernel knows it.
     */
    public boolean has(final String name) {
        return features.containsKey(name);
    }

    /**
     * @param name a kernel feature name.
     * @return the feature.
     * @throws IllegalArgumentException when this kernel has no feature of that name.
     */
    public Feature feature(final String name) {
        final Feature feature = features.get(name);
        if (feature == null) {
            throw new IllegalArgumentException(
                    "'" + name + "' is not an offload feature of this kernel (the names are those `ethtool -k "
                            + interfaceName + "` lists, e.g. tx-tcp-segmentation, rx-gro)");
        }
        return feature;
    }

    /**
     * @param name a kernel feature name.
     * @return whether it is in effect.
     * @throws IllegalArgumentException when this kernel has no feature of that name.
     */
    public boolean active(final String name) {
        return feature(name).active();
    }

    /**
     * @param group a group of features.
     * @return the group's features on this kernel, in bit order (empty when the kernel has none of them).
     */
    public List<Feature> features(final Offload group) {
        final List<Feature> members = new ArrayList<>();
        for (final Feature feature : features.values()) {
            if (group.matches(feature.name())) {
                members.add(feature);
            }
        }
        return members;
    }

    /**
     * @param group a group of features.
     * @return whether any feature of the group is in effect.
     */
    public boolean anyActive(final Offload group) {
        for (final Feature feature : features(group)) {
            if (feature.active()) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the names of the features in effect, in bit order.
     */
    public List<String> activeNames() {
        final List<String> names = new ArrayList<>();
        for (final Feature feature : features.values()) {
            if (feature.active()) {
                names.add(feature.name());
            }
        }
        return names;
    }

    /** Same interface name and the same state of every feature. */
    @Override
    public boolean equals(final Object other) {
        return other instanceof OffloadSnapshot that
                && interfaceName.equals(that.interfaceName)
                && features.equals(that.features);
    }

    @Override
    public int hashCode() {
        return interfaceName.hashCode() * 31 + features.hashCode();
    }

    /** @return e.g. {@code veth0 offloads on: [rx-checksum, tx-tcp-segmentation, ...]}. */
    @Override
    public String toString() {
        return interfaceName + " offloads on: " + activeNames();
    }
}
