/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.cli;

import io.cloudroam.impl.CloudroamState;
import io.cloudroam.impl.fabric.TunnelState;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code cloudroam:tunnels}: the VXLAN ports cloudroam created and their state.
 */
@Service
@Command(scope = "cloudroam", name = "tunnels",
    description = "Lists the tunnels between clouds, their state and path MTU")
public final class TunnelsCommand implements Action {
    @Reference
    private CloudroamState state;
    @Reference
    private Session session;

    @Override
    public Object execute() {
        Tables.standbyNote(session.getConsole(), state);
        final List<List<?>> rows = state.tunnels().stream()
            .<List<?>>map(tunnel -> List.of(tunnel.cloud(), tunnel.remoteCloud(), tunnel.portName(),
                tunnel.ofport().map(String::valueOf).orElse("-"), tunnel.remoteIp(), tunnel.state(),
                tunnel.bfdState().isEmpty() ? "-" : tunnel.bfdState(), pathMtu(tunnel),
                tunnel.overlayMtu() > 0 ? String.valueOf(tunnel.overlayMtu()) : "-"))
            .toList();
        Tables.print(session.getConsole(), List.of("Cloud", "Remote", "Port", "OF port", "Remote IP", "State",
            "BFD", "Path MTU", "Overlay MTU"), rows, "no tunnels");
        return null;
    }

    private static String pathMtu(final TunnelState tunnel) {
        final var estimate = tunnel.pathMtu();
        return switch (estimate.state()) {
            case UNKNOWN -> "-";
            case SEARCHING -> estimate.known() ? ">= " + estimate.pathMtu() + " (searching)" : "searching";
            case MEASURED -> String.valueOf(estimate.pathMtu());
        };
    }
}
