package io.npflua.tools.cli;

import io.npflua.engine.json.JsonWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code npflua list}. */
@Command(name = "list", description = "Show the rules of a running engine in chain order.")
final class ListCommand extends BaseCommand {
    @Mixin
    Options.Control control;

    @Mixin
    Options.Json json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Map<String, Object> reply;
        try (ControlConnection c = ControlConnection.open(control.socket())) {
            reply = c.call(new JsonWriter().beginObject().field("cmd", "list").endObject());
        }
        List<Object> rules = (List<Object>) reply.getOrDefault("rules", List.of());
        if (json.json) {
            out().println(JsonValues.render(Map.of("rules", rules)));
            out().flush();
        } else {
            RuleText.printList(rules, out());
        }
        return ExitCodes.OK;
    }
}
