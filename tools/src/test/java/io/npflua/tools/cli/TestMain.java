package io.npflua.tools.cli;

/** {@code npflua} with the test factories, for tests that need a process of their own (signals). */
public final class TestMain {
    private TestMain() {}

    public static void main(String[] args) {
        System.exit(Main.commandLine(new TestFactories()).execute(args));
    }
}
