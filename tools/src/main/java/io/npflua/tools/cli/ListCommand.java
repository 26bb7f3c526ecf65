package io.npflua.tools.cli;

import io.npflua.engine.control.ControlClient;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code npflua list}. */
@Command(name = "list", description = "Show the rules of a running engine in chain order.")
final class ListCommand extends ControlCommand {
    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        List<Object> rules = (List<Object>)
                ControlCalls.send(control.socket(), ControlClient::list).getOrDefault("rules", List.of());
        printJsonOrText(
                json.json, () -> JsonValues.render(Map.of("rules", rules)), () -> RuleText.printList(rules, out()));
        return ExitCodes.OK;
    }
}
