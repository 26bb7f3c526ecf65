package io.npflua.ffm.socket;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.npflua.ffm.layout.EthtoolConstants;
import io.npflua.ffm.layout.EthtoolGfeaturesDescriptor;
import io.npflua.ffm.layout.EthtoolGstringsDescriptor;
import io.npflua.ffm.layout.EthtoolSfeaturesDescriptor;
import io.npflua.ffm.layout.EthtoolSsetInfoDescriptor;
import io.npflua.ffm.layout.IfreqDescriptor;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.sys.Operation;
import io.npflua.ffm.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and changes an interface's offload features through the ethtool ioctl, as the {@code ethtool -k}/{@code -K}
 * program does, without the program: {@code ETHTOOL_GSSET_INFO} and {@code ETHTOOL_GSTRINGS} for the kernel's feature
 * names ({@code ETH_SS_FEATURES}, string i names bit i), {@code ETHTOOL_GFEATURES} for their state,
 * {@code ETHTOOL_SFEATURES} to change the requested set.
 *
 * <p>Reading needs no privilege (the ioctl goes through an ordinary {@code AF_INET} datagram socket); changing needs
 * CAP_NET_ADMIN. Both act in this process's network namespace. A change records exactly which requests it cleared
 * ({@link OffloadChange}), so {@link #restore(OffloadChange)} puts back the interface as it was, even where the
 * kernel turned dependent features off on its own (no TX checksum, no TSO) and on again after.
 *
 * <p>Not for a hot path: each call opens a socket, makes a few ioctls and allocates.
 */
public final class OffloadFeatures {
    private OffloadFeatures() {}

    /**
     * @param interfaceName an interface in this network namespace.
     * @return its features now.
     * @throws io.npflua.ffm.sys.ErrnoException "no such interface: NAME" (ENODEV) and other ioctl failures.
     * @throws IllegalArgumentException when the name cannot be an interface name.
     */
    public static OffloadSnapshot read(final String interfaceName) {
        NetworkInterfaces.checkName(interfaceName);
        try (Ethtool ethtool = new Ethtool(interfaceName)) {
            return ethtool.read();
        }
    }

    /**
     * Turns off every changeable feature of the given groups that is on (requested), e.g. {@code EnumSet.of(TSO,
     * GSO, GRO, TX_CHECKSUM)} as {@code ethtool -K IFACE tso off gso off gro off tx off} does.
     *
     * @param interfaceName an interface.
     * @param groups        the groups to turn off.
     * @return what was changed, for {@link #restore(OffloadChange)}.
     * @throws io.npflua.ffm.sys.ErrnoException EPERM without CAP_NET_ADMIN, ENODEV for a missing interface.
     */
    public static OffloadChange turnOff(final String interfaceName, final Set<Offload> groups) {
        NetworkInterfaces.checkName(interfaceName);
        try (Ethtool ethtool = new Ethtool(interfaceName)) {
            final OffloadSnapshot before = ethtool.read();
            final Set<String> names = new LinkedHashSet<>();
            for (final OffloadSnapshot.Feature feature : before.features()) {
                for (final Offload group : groups) {
                    if (group.matches(feature.name())) {
                        names.add(feature.name());
                    }
                }
            }
            return ethtool.turnOff(before, names);
        }
    }

    /**
     * Turns off the named features where they are requested and changeable; the others are left alone (and reported
     * in {@link OffloadChange#stillActive()} when in effect).
     *
     * @param interfaceName an interface.
     * @param featureNames  kernel feature names, e.g. {@code tx-tcp-segmentation} (as {@code ethtool -k} lists them).
     * @return what was changed, for {@link #restore(OffloadChange)}.
     * @throws IllegalArgumentException when a name is not a feature of this kernel (nothing is changed then).
     * @throws io.npflua.ffm.sys.ErrnoException EPERM without CAP_NET_ADMIN, ENODEV for a missing interface.
     */
    public static OffloadChange turnOffFeatures(final String interfaceName, final Collection<String> featureNames) {
        NetworkInterfaces.checkName(interfaceName);
        try (Ethtool ethtool = new Ethtool(interfaceName)) {
            final OffloadSnapshot before = ethtool.read();
            for (final String name : featureNames) {
                before.feature(name); // refuses an unknown name before anything changes
            }
            return ethtool.turnOff(before, new LinkedHashSet<>(featureNames));
        }
    }

    /**
     * Requests again exactly the features {@code change} turned off (others are not touched).
     *
     * @param change what {@link #turnOff} or {@link #turnOffFeatures} returned.
     * @return the features afterwards; equal to {@code change.before()} unless something else changed them meanwhile.
     * @throws io.npflua.ffm.sys.ErrnoException EPERM without CAP_NET_ADMIN, ENODEV when the interface is gone.
     */
    public static OffloadSnapshot restore(final OffloadChange change) {
        try (Ethtool ethtool = new Ethtool(change.interfaceName())) {
            final OffloadSnapshot now = ethtool.read();
            if (change.turnedOff().isEmpty()) {
                return now;
            }
            ethtool.setRequested(now, change.turnedOff(), true);
            return ethtool.read();
        }
    }

    /**
     * One interface's ethtool session: a datagram socket and an {@code ifreq} naming the interface, released on close.
     */
    private static final class Ethtool implements AutoCloseable {
        private final String interfaceName;
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment ifreq;
        private final int fd;
        private int blocks;

        Ethtool(final String interfaceName) {
            this.interfaceName = interfaceName;
            this.ifreq = arena.allocate(IfreqDescriptor.LAYOUT);
            ifreq.setString(IfreqDescriptor.NAME_OFFSET, interfaceName, StandardCharsets.US_ASCII);
            try {
                fd = (int) Syscalls.check(
                        Syscalls.socket(PacketConstants.AF_INET, PacketConstants.SOCK_DGRAM | Syscalls.SOCK_CLOEXEC, 0),
                        Operation.OFFLOAD,
                        "socket(AF_INET, SOCK_DGRAM)",
                        null);
            } catch (final RuntimeException e) {
                arena.close();
                throw e;
            }
        }

        private int ioctl(final MemorySegment command, final String name) {
            ifreq.set(ADDRESS, IfreqDescriptor.DATA_OFFSET, command);
            return (int) Syscalls.check(
                    Syscalls.ioctl(fd, EthtoolConstants.SIOCETHTOOL, ifreq),
                    Operation.OFFLOAD,
                    "ioctl(SIOCETHTOOL, " + name + ", " + interfaceName + ")",
                    interfaceName);
        }

        OffloadSnapshot read() {
            final List<String> names = featureNames();
            blocks = (names.size() + 31) / 32;
            final MemorySegment request = arena.allocate(EthtoolGfeaturesDescriptor.sizeFor(blocks), 8);
            request.set(JAVA_INT, EthtoolGfeaturesDescriptor.CMD_OFFSET, EthtoolConstants.ETHTOOL_GFEATURES);
            request.set(JAVA_INT, EthtoolGfeaturesDescriptor.SIZE_OFFSET, blocks);
            ioctl(request, "ETHTOOL_GFEATURES");
            // The kernel answers with the number of blocks it has; ETHTOOL_SFEATURES wants at least that many.
            final int needed = request.get(JAVA_INT, EthtoolGfeaturesDescriptor.SIZE_OFFSET);
            if (needed > blocks) {
                throw new IllegalStateException(
                        "the kernel has " + needed + " feature blocks but names only " + names.size() + " features");
            }
            final List<OffloadSnapshot.Feature> features = new ArrayList<>(names.size());
            for (int bit = 0; bit < names.size(); bit++) {
                if (names.get(bit).isEmpty()) {
                    continue; // a retired bit: the kernel keeps its place in the table with an empty name
                }
                final long block = EthtoolGfeaturesDescriptor.blockOffset(bit / 32);
                final int mask = 1 << (bit % 32);
                features.add(new OffloadSnapshot.Feature(
                        names.get(bit),
                        bit,
                        (request.get(JAVA_INT, block + EthtoolGfeaturesDescriptor.AVAILABLE_OFFSET) & mask) != 0,
                        (request.get(JAVA_INT, block + EthtoolGfeaturesDescriptor.REQUESTED_OFFSET) & mask) != 0,
                        (request.get(JAVA_INT, block + EthtoolGfeaturesDescriptor.ACTIVE_OFFSET) & mask) != 0,
                        (request.get(JAVA_INT, block + EthtoolGfeaturesDescriptor.NEVER_CHANGED_OFFSET) & mask) != 0));
            }
            return new OffloadSnapshot(interfaceName, features);
        }

        private List<String> featureNames() {
            final MemorySegment info = arena.allocate(EthtoolSsetInfoDescriptor.LAYOUT);
            info.set(JAVA_INT, EthtoolSsetInfoDescriptor.CMD_OFFSET, EthtoolConstants.ETHTOOL_GSSET_INFO);
            info.set(JAVA_LONG, EthtoolSsetInfoDescriptor.SSET_MASK_OFFSET, 1L << EthtoolConstants.ETH_SS_FEATURES);
            ioctl(info, "ETHTOOL_GSSET_INFO");
            if ((info.get(JAVA_LONG, EthtoolSsetInfoDescriptor.SSET_MASK_OFFSET)
                            & (1L << EthtoolConstants.ETH_SS_FEATURES))
                    == 0) {
                throw new IllegalStateException(
                        interfaceName + ": the kernel reports no feature names (ETH_SS_FEATURES)");
            }
            final int count = info.get(JAVA_INT, EthtoolSsetInfoDescriptor.DATA_OFFSET);

            final MemorySegment strings = arena.allocate(EthtoolGstringsDescriptor.sizeFor(count), 4);
            strings.set(JAVA_INT, EthtoolGstringsDescriptor.CMD_OFFSET, EthtoolConstants.ETHTOOL_GSTRINGS);
            strings.set(JAVA_INT, EthtoolGstringsDescriptor.STRING_SET_OFFSET, EthtoolConstants.ETH_SS_FEATURES);
            strings.set(JAVA_INT, EthtoolGstringsDescriptor.LEN_OFFSET, count);
            ioctl(strings, "ETHTOOL_GSTRINGS");
            final int returned = Math.min(count, strings.get(JAVA_INT, EthtoolGstringsDescriptor.LEN_OFFSET));
            final List<String> names = new ArrayList<>(returned);
            for (int i = 0; i < returned; i++) {
                names.add(gstring(
                        strings, EthtoolGstringsDescriptor.DATA_OFFSET + (long) i * EthtoolConstants.ETH_GSTRING_LEN));
            }
            return names;
        }

        private static String gstring(final MemorySegment strings, final long offset) {
            // NUL-padded to ETH_GSTRING_LEN; a name of exactly 32 characters would have no NUL.
            int length = 0;
            while (length < EthtoolConstants.ETH_GSTRING_LEN && strings.get(JAVA_BYTE, offset + length) != 0) {
                length++;
            }
            final byte[] bytes = new byte[length];
            MemorySegment.copy(strings, JAVA_BYTE, offset, bytes, 0, length);
            return new String(bytes, StandardCharsets.US_ASCII);
        }

        OffloadChange turnOff(final OffloadSnapshot before, final Set<String> names) {
            final List<String> toClear = new ArrayList<>();
            for (final String name : names) {
                final OffloadSnapshot.Feature feature = before.feature(name);
                if (feature.requested() && !feature.fixed()) {
                    toClear.add(name);
                }
            }
            final OffloadSnapshot after;
            if (toClear.isEmpty()) {
                after = before;
            } else {
                setRequested(before, toClear, false);
                after = read();
            }
            final List<String> stillActive = new ArrayList<>();
            for (final String name : names) {
                if (after.active(name)) {
                    stillActive.add(name);
                }
            }
            return new OffloadChange(interfaceName, toClear, stillActive, before, after);
        }

        void setRequested(final OffloadSnapshot current, final Collection<String> names, final boolean on) {
            final MemorySegment request = arena.allocate(EthtoolSfeaturesDescriptor.sizeFor(blocks), 4);
            request.set(JAVA_INT, EthtoolSfeaturesDescriptor.CMD_OFFSET, EthtoolConstants.ETHTOOL_SFEATURES);
            request.set(JAVA_INT, EthtoolSfeaturesDescriptor.SIZE_OFFSET, blocks);
            for (final String name : names) {
                final int bit = current.feature(name).bit();
                final long block = EthtoolSfeaturesDescriptor.blockOffset(bit / 32);
                final int mask = 1 << (bit % 32);
                request.set(
                        JAVA_INT,
                        block + EthtoolSfeaturesDescriptor.VALID_OFFSET,
                        request.get(JAVA_INT, block + EthtoolSfeaturesDescriptor.VALID_OFFSET) | mask);
                if (on) {
                    request.set(
                            JAVA_INT,
                            block + EthtoolSfeaturesDescriptor.REQUESTED_OFFSET,
                            request.get(JAVA_INT, block + EthtoolSfeaturesDescriptor.REQUESTED_OFFSET) | mask);
                }
            }
            // The result is a set of ETHTOOL_F_* flags (WISH when dependent features keep the active set from
            // following the request); the caller reads the state back instead of interpreting them.
            ioctl(request, "ETHTOOL_SFEATURES");
        }

        @Override
        public void close() {
            Syscalls.close(fd);
            arena.close();
        }
    }
}
