package io.npflua.engine.event;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the event log's writer opens its file: {@link #FILES} in production; tests give a channel that fails on demand
 * (a failure a real file cannot be made to show at will).
 */
@FunctionalInterface
interface EventOutput {
    /** Opens {@code path} for appending, created when missing. */
    FileChannel open(Path path) throws IOException;

    /** The file system. */
    EventOutput FILES = path ->
            FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
}
