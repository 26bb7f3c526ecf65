package io.npflua.tools.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Prints rules as the control socket describes them. */
final class RuleText {
    private RuleText() {}

    /** One line for the rule in {@code reply}, or the rule object as JSON. */
    @SuppressWarnings("unchecked")
    static void printRule(String verb, Map<String, Object> reply, boolean json, PrintWriter out) {
        Map<String, Object> rule = (Map<String, Object>) reply.get("rule");
        if (json) {
            out.println(JsonValues.render(rule));
        } else if (rule != null) {
            out.println(verb + " " + JsonValues.text(rule, "name") + " (entry " + JsonValues.text(rule, "entry")
                    + ", on error " + JsonValues.text(rule, "on_error") + ", generation "
                    + JsonValues.number(rule, "generation") + ")");
        }
        out.flush();
    }

    /** The rule table. */
    @SuppressWarnings("unchecked")
    static void printList(List<Object> rules, PrintWriter out) {
        if (rules.isEmpty()) {
            out.println("no rules loaded (every frame passes)");
            out.flush();
            return;
        }
        int width = 4;
        for (Object o : rules) {
            width = Math.max(
                    width, JsonValues.text((Map<String, Object>) o, "name").length());
        }
        String fmt = "%-3s %-" + width + "s %-5s %-12s %-8s %10s %16s%n";
        out.printf(fmt, "#", "name", "kind", "entry", "on_error", "generation", "max_instructions");
        int i = 1;
        for (Object o : rules) {
            Map<String, Object> r = (Map<String, Object>) o;
            long max = JsonValues.number(r, "max_instructions");
            out.printf(
                    fmt,
                    i++,
                    JsonValues.text(r, "name"),
                    JsonValues.text(r, "kind"),
                    JsonValues.text(r, "entry"),
                    JsonValues.text(r, "on_error"),
                    JsonValues.number(r, "generation"),
                    max == 0 ? "default" : Long.toString(max));
        }
        out.flush();
    }
}
