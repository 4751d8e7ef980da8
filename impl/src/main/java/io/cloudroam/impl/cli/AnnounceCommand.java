/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.cli;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigration;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigrationInputBuilder;

/**
 * {@code cloudroam:announce MAC TARGET-CLOUD [--vni N] [--port IFACE]}: tells cloudroam a VM is about
 * to move (the {@code announce-migration} RPC), so its flows are switched the moment it leaves.
 */
@Service
@Command(scope = "cloudroam", name = "announce",
    description = "Announces a VM's coming migration (the announce-migration RPC)")
public final class AnnounceCommand extends VmRpcCommand {
    @Argument(index = 1, name = "target-cloud", required = true, description = "the cloud it moves to")
    @Completion(Completers.Cloud.class)
    private String targetCloud;
    @Option(name = "--port", description = "its interface in the target cloud (name or external_ids:iface-id)")
    private String port;

    @Override
    public Object execute() {
        final var out = session.getConsole();
        RpcCall.await(out, rpcService.getRpc(AnnounceMigration.class).invoke(new AnnounceMigrationInputBuilder()
            .setMac(mac).setVni(vniInput()).setTargetCloud(targetCloud)
            .setTargetPort(port).build())).ifPresent(accepted -> out.println("announced: " + mac + " (VNI "
                + accepted.getVni().getValue() + ") " + accepted.getFromCloud().getValue() + " -> " + targetCloud
                + ", valid until " + accepted.getExpires().getValue()));
        return null;
    }
}
