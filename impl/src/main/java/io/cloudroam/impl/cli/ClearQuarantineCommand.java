/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantine;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantineInputBuilder;

/**
 * {@code cloudroam:clear-quarantine MAC [--vni N]}: ends a flapping MAC's quarantine (the
 * {@code clear-quarantine} RPC).
 */
@Service
@Command(scope = "cloudroam", name = "clear-quarantine",
    description = "Ends a flapping MAC's quarantine (the clear-quarantine RPC)")
public final class ClearQuarantineCommand extends VmRpcCommand {
    @Override
    public Object execute() {
        final var out = session.getConsole();
        RpcCall.await(out, rpcService.getRpc(ClearQuarantine.class).invoke(new ClearQuarantineInputBuilder()
            .setMac(mac).setVni(vniInput()).build()))
            .ifPresent(result -> out.println("released " + result.getReleased() + " quarantine(s) of " + mac));
        return null;
    }
}
