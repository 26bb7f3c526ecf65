package io.npflua.ffm.lab;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Enables {@link LiveTest}s when the process can create a network namespace (probed once per JVM by creating and
 * deleting one). When it cannot: skipped with the reason, or failed when the environment variable {@code CI} is
 * {@code true}.
 */
public final class LiveTestCondition implements ExecutionCondition
{
    private static volatile String unavailableReason;
    private static volatile boolean probed;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context)
    {
        final String reason = unavailability();
        if (reason == null)
        {
            return ConditionEvaluationResult.enabled("live lab available (root, ip netns)");
        }
        if ("true".equalsIgnoreCase(System.getenv("CI")))
        {
            throw new IllegalStateException("CI=true but live tests cannot run: " + reason + " (CI must run them as root)");
        }
        return ConditionEvaluationResult.disabled("live test skipped: " + reason + " (run as root to include it)");
    }

    /**
     * @return null when live tests can run here, otherwise why not.
     */
    public static synchronized String unavailability()
    {
        if (!probed)
        {
            unavailableReason = probe();
            probed = true;
        }
        return unavailableReason;
    }

    private static String probe()
    {
        if (!"Linux".equals(System.getProperty("os.name")))
        {
            return "not Linux";
        }
        final String name = "npfprobe" + ProcessHandle.current().pid() % 100000;
        try
        {
            final Shell.Result add = Shell.run("ip", "netns", "add", name);
            if (add.exitCode() != 0)
            {
                return "cannot create a network namespace (" + add.output().strip() + ")";
            }
            Shell.run("ip", "netns", "delete", name);
            return null;
        }
        catch (final RuntimeException e)
        {
            return "cannot run ip(8): " + e.getMessage();
        }
    }
}
