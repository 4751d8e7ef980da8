/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.cli;

import io.cloudroam.impl.CloudroamState;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code cloudroam:clouds}: the configured clouds with their OVSDB session and VM count.
 */
@Service
@Command(scope = "cloudroam", name = "clouds", description = "Lists the clouds, their OVSDB sessions and VMs")
public final class CloudsCommand implements Action {
    @Reference
    private CloudroamState state;
    @Reference
    private Session session;

    @Override
    public Object execute() {
        Tables.standbyNote(session.getConsole(), state);
        final var locations = state.locations();
        final var rows = new ArrayList<List<?>>();
        for (var cloud : state.config().clouds().values()) {
            rows.add(List.of(cloud.id(), cloud.tunnelEndpoint(),
                cloud.ovsdbAddress().map(address -> address + ":" + cloud.ovsdbPort()).orElse("-"),
                state.ovsdbConnected(cloud.id()) ? "connected" : "down",
                cloud.switches().stream().map(Long::toUnsignedString).collect(Collectors.joining(",")),
                locations.stream().filter(location -> location.cloud().equals(cloud.id())).count()));
        }
        Tables.print(session.getConsole(), List.of("Cloud", "Tunnel endpoint", "OVSDB", "Session", "Switches",
            "VMs"), rows, "no clouds configured");
        return null;
    }
}
