package io.npflua.lua.sandbox;

import io.npflua.lua.core.ModuleLoader;
import io.npflua.lua.data.DataLib;
import io.npflua.lua.net.NetModule;
import io.npflua.lua.shared.SharedModule;
import io.npflua.lua.shared.SharedTables;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The project's own Lua modules, by name: the only things a script's {@code require} can return. A registered
 * module is also set as a global of the same name in every state created afterwards (so {@code shared.table(...)}
 * and {@code data.new(...)} work without {@code require}). {@code require} of any other name raises an error; it
 * never touches a file.
 *
 * <p>Register modules before creating the states that need them:
 * <pre>{@code ModuleRegistry.standard().register("data", DataModule::open);}</pre>
 * Thread-safe.
 */
public final class ModuleRegistry {
    private static final ModuleRegistry STANDARD = new ModuleRegistry()
            .register("data", (globals, scriptName) -> DataLib.newModule())
            .register(SharedModule.NAME, new SharedModule(SharedTables.global()))
            .register(NetModule.NAME, new NetModule());

    private final Map<String, ModuleLoader> loaders = new ConcurrentHashMap<>();

    /** An empty registry (tests, embedders who want a different set). */
    public ModuleRegistry() {}

    /** The JVM's default registry, which states use unless told otherwise: {@code data}, {@code shared} and {@code net}. */
    public static ModuleRegistry standard() {
        return STANDARD;
    }

    /**
     * Registers (or replaces) the module {@code name}.
     *
     * @throws IllegalArgumentException if {@code name} is one of the sandbox's own libraries ({@code string},
     *                                  {@code table}, ...) or not a plain Lua identifier
     */
    public ModuleRegistry register(String name, ModuleLoader loader) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || SandboxGlobals.isReservedName(name)) {
            throw new IllegalArgumentException("cannot register a module named '" + name
                    + "': use a plain identifier that is not a standard library or base function");
        }
        loaders.put(name, Objects.requireNonNull(loader, "loader"));
        return this;
    }

    /** The loader of {@code name}, or null. */
    public ModuleLoader find(String name) {
        return loaders.get(name);
    }

    /** Registered names, sorted. */
    public Set<String> names() {
        return new TreeSet<>(loaders.keySet());
    }
}
