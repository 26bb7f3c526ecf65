package io.npflua.ffm.socket;

import io.npflua.ffm.layout.IfreqDescriptor;
import io.npflua.ffm.sys.Errno;
import io.npflua.ffm.sys.Operation;
import io.npflua.ffm.sys.Syscalls;

/**
 * Looks up network interfaces by name.
 */
public final class NetworkInterfaces {
    private NetworkInterfaces() {}

    /**
     * @param name an interface name.
     * @return its index.
     * @throws io.npflua.ffm.sys.ErrnoException "no such interface: NAME" when it does not exist.
     * @throws IllegalArgumentException when the name cannot be an interface name.
     */
    public static int indexOf(final String name) {
        checkName(name);
        final int index = Syscalls.ifNameToIndex(name);
        if (index == 0) {
            throw Errno.exception(Operation.INTERFACE, "if_nametoindex(" + name + ")", Syscalls.errno(), name);
        }
        return index;
    }

    /**
     * @param name an interface name.
     * @return its index, or 0 when there is none.
     */
    public static int indexOrZero(final String name) {
        checkName(name);
        return Syscalls.ifNameToIndex(name);
    }

    static void checkName(final String name) {
        if (name == null
                || name.isEmpty()
                || name.length() >= IfreqDescriptor.IFNAMSIZ
                || name.contains("/")
                || name.contains(" ")) {
            throw new IllegalArgumentException("'" + name + "' is not an interface name (1 to "
                    + (IfreqDescriptor.IFNAMSIZ - 1) + " characters, no '/' or space)");
        }
    }
}
