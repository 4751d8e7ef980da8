/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Cloudroam;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Vni;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam.VirtualNetwork;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam.VirtualNetworkBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam.VirtualNetworkKey;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.yang.common.Uint32;

/**
 * {@code cloudroam:mode VNI [optimal|triangle|reactive]}: shows or sets how traffic reaches the VMs
 * of a virtual network that migrated. Setting it writes the configuration datastore (as a RESTCONF
 * PATCH would), so it persists and passes the same checks.
 */
@Service
@Command(scope = "cloudroam", name = "mode", description = "Shows or sets a virtual network's mode")
public final class ModeCommand implements Action {
    private static final long TIMEOUT_SECONDS = 10;

    @Reference
    private DataBroker dataBroker;
    @Reference
    private Session session;
    @Argument(index = 0, name = "vni", required = true, description = "the virtual network")
    @Completion(Completers.Vni.class)
    private long vni;
    @Argument(index = 1, name = "mode", description = "optimal, triangle or reactive; omitted: show the mode")
    @Completion(Completers.Mode.class)
    private String mode;

    @Override
    public Object execute() throws InterruptedException {
        final var out = session.getConsole();
        if (vni < 1 || vni > 16_777_215) {
            out.println("error: vni " + vni + " is out of range 1..16777215");
            return null;
        }
        VirtualNetwork.Mode wanted = null;
        if (mode != null) {
            wanted = VirtualNetwork.Mode.forName(mode.toLowerCase(Locale.ROOT));
            if (wanted == null) {
                out.println("error: mode '" + mode + "' is not one of optimal, triangle, reactive");
                return null;
            }
        }
        final var path = DataObjectIdentifier.builder(Cloudroam.class)
            .child(VirtualNetwork.class, new VirtualNetworkKey(new Vni(Uint32.valueOf(vni)))).build();
        final var tx = dataBroker.newReadWriteTransaction();
        try {
            final var network = tx.read(LogicalDatastoreType.CONFIGURATION, path)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (network.isEmpty()) {
                tx.cancel();
                out.println("error: no virtual-network " + vni + " is configured");
                return null;
            }
            final var current = network.orElseThrow().getMode() == null ? VirtualNetwork.Mode.Optimal
                : network.orElseThrow().getMode();
            if (wanted == null || wanted == current) {
                tx.cancel();
                Tables.print(out, List.of("VNI", "Name", "Mode"), List.of(List.of(vni,
                    network.orElseThrow().getName() == null ? "" : network.orElseThrow().getName(),
                    current.getName())), "");
                return null;
            }
            tx.merge(LogicalDatastoreType.CONFIGURATION, path, new VirtualNetworkBuilder()
                .setVni(new Vni(Uint32.valueOf(vni))).setMode(wanted).build());
            tx.commit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            out.println("virtual-network " + vni + ": mode " + current.getName() + " -> " + wanted.getName());
        } catch (ExecutionException | TimeoutException e) {
            tx.cancel();
            out.println("error: " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
        }
        return null;
    }
}
