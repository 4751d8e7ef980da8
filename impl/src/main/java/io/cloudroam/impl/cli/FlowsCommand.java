/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.cli;

import io.cloudroam.impl.CloudroamState;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.flow.FlowText;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code cloudroam:flows SWITCH}: the flows cloudroam wants on a switch, in pipeline order.
 */
@Service
@Command(scope = "cloudroam", name = "flows", description = "Lists the flows cloudroam programs on a switch")
public final class FlowsCommand implements Action {
    @Reference
    private CloudroamState state;
    @Reference
    private Session session;
    @Argument(index = 0, name = "switch", required = true,
        description = "datapath id, decimal or openflow:<id>")
    private String switchId;

    @Override
    public Object execute() {
        Tables.standbyNote(session.getConsole(), state);
        final long dpid;
        try {
            dpid = Long.parseUnsignedLong(switchId.startsWith("openflow:") ? switchId.substring(9) : switchId);
        } catch (NumberFormatException e) {
            session.getConsole().println("not a datapath id: '" + switchId + "' (use a decimal number or openflow:N)");
            return null;
        }
        final List<List<?>> rows = state.flows(dpid).values().stream()
            .sorted(Comparator.comparingInt(FlowSpec::table).thenComparing(Comparator.comparingInt(
                FlowSpec::priority).reversed()).thenComparing(FlowSpec::id))
            .<List<?>>map(flow -> List.of(flow.table(), flow.priority(), flow.id(), FlowText.match(flow.match()),
                FlowText.actions(flow)))
            .toList();
        Tables.print(session.getConsole(), List.of("Table", "Priority", "Id", "Match", "Actions"), rows,
            "cloudroam programs no flows on switch " + Long.toUnsignedString(dpid));
        return null;
    }
}
