/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.cli;

import io.cloudroam.impl.CloudroamState;
import io.cloudroam.impl.location.VmLocation;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code cloudroam:vms [--vni N]}: where every VM is.
 */
@Service
@Command(scope = "cloudroam", name = "vms", description = "Lists the VMs cloudroam has located")
public final class VmsCommand implements Action {
    @Reference
    private CloudroamState state;
    @Reference
    private Session session;
    @Option(name = "--vni", description = "only this virtual network")
    private Integer vni;

    @Override
    public Object execute() {
        Tables.standbyNote(session.getConsole(), state);
        final List<List<?>> rows = state.locations().stream()
            .filter(location -> vni == null || location.vni() == vni)
            .sorted(Comparator.comparingInt(VmLocation::vni).thenComparing(VmLocation::mac))
            .<List<?>>map(location -> List.of(location.vni(), location.mac(), location.cloud(),
                Long.toUnsignedString(location.datapathId()), location.port(),
                String.join(" ", location.ipAddresses().stream().sorted().toList()), location.sequence(),
                location.lastSeen()))
            .toList();
        Tables.print(session.getConsole(), List.of("VNI", "MAC", "Cloud", "Switch", "Port", "Addresses", "Seq",
            "Last seen"), rows, vni == null ? "no VMs located yet" : "no VMs located on VNI " + vni);
        return null;
    }
}
