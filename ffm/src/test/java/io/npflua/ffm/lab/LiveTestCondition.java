package io.npflua.ffm.lab;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Enables {@link LiveTest}s when the process can create a network namespace (probed once per JVM by creating and
 * deleting one). When it cannot: skipped with the reason, or failed when the environment variable {@code CI} is
 * {@code true}.
 */
public final class LiveTestCondition implements ExecutionCondition {
    private static volatile String unavailableReason;
    private static volatile boolean probed;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context) {
        return decide(unavailability(), System.getenv("CI"));
    }

    /**
     * @param unavailableReason null when the lab can be built, otherwise why not.
     * @param ciVariable        the value of the {@code CI} environment variable, or null.
     * @return enabled, or disabled with the reason.
     * @throws IllegalStateException when the lab is unavailable under {@code CI=true}: the test fails instead.
     */
    static ConditionEvaluationResult decide(final String unavailableReason, final String ciVariable) {
        if (unavailableReason == null) {
            return ConditionEvaluationResult.enabled("live lab available (root, ip netns)");
        }
        if ("true".equalsIgnoreCase(ciVariable)) {
            throw new IllegalStateException(
                    "CI=true but live tests cannot run: " + unavailableReason + " (CI must run them as root)");
        }
        return ConditionEvaluationResult.disabled(
                "live test skipped: " + unavailableReason + " (run as root to include it)");
    }

    /**
     * @return null when live tests can run here, otherwise why not.
     */
    public static synchronized String unavailability() {
        if (!probed) {
            unavailableReason = probe();
            probed = true;
        }
        return unavailableReason;
    }

    private static String probe() {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return "not Linux";
        }
        final String name = "npfprobe" + ProcessHandle.current().pid() % 100000;
        try {
            final Shell.Result add = Shell.run("ip", "netns", "add", name);
            if (add.exitCode() != 0) {
                return "cannot create a network namespace (" + add.output().strip() + ")";
            }
            Shell.run("ip", "netns", "delete", name);
            return null;
        } catch (final RuntimeException e) {
            return "cannot run ip(8): " + e.getMessage();
        }
    }
}
