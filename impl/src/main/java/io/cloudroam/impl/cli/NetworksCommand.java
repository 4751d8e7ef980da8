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
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code cloudroam:networks}: the virtual networks, the MTU their VMs should use and whether their
 * tunnels carry it.
 */
@Service
@Command(scope = "cloudroam", name = "networks",
    description = "Lists the virtual networks with their MTU and the tunnels too narrow for it")
public final class NetworksCommand implements Action {
    @Reference
    private CloudroamState state;
    @Reference
    private Session session;

    @Override
    public Object execute() {
        Tables.standbyNote(session.getConsole(), state);
        final var config = state.config();
        final List<List<?>> rows = new ArrayList<>();
        for (var network : state.networkMtus()) {
            final var spec = config.networks().get(network.vni());
            rows.add(List.of(network.vni(), spec == null || spec.name().isEmpty() ? "-" : spec.name(),
                spec == null ? "-" : spec.mode().name().toLowerCase(Locale.ROOT),
                String.join(",", config.cloudsOf(network.vni())), network.mtu(),
                network.source().name().toLowerCase(Locale.ROOT),
                network.fits() ? "yes" : "no: " + network.narrow().stream()
                    .map(narrow -> narrow.from() + "->" + narrow.to() + " " + narrow.overlayMtu())
                    .collect(Collectors.joining(", "))));
        }
        Tables.print(session.getConsole(), List.of("VNI", "Name", "Mode", "Clouds", "MTU", "Source", "Fits"), rows,
            "no virtual networks");
        return null;
    }
}
