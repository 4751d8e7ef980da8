/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.cli;

import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocateVm;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocateVmInputBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.IpAddress;

/**
 * {@code cloudroam:locate MAC [--vni N]}: where a VM is, by the {@code locate-vm} RPC.
 */
@Service
@Command(scope = "cloudroam", name = "locate", description = "Tells where a VM is (the locate-vm RPC)")
public final class LocateCommand extends VmRpcCommand {
    @Override
    public Object execute() {
        final var out = session.getConsole();
        RpcCall.await(out, rpcService.getRpc(LocateVm.class).invoke(new LocateVmInputBuilder().setMac(mac)
            .setVni(vniInput()).build())).ifPresent(found -> {
                final List<List<?>> rows = List.of(List.of(found.getVni().getValue(), found.getMac().getValue(),
                    found.getCloud().getValue(), found.getSwitch().getValue(), found.getPort(),
                    found.getIpAddress() == null ? "" : String.join(" ", found.getIpAddress().stream()
                        .map(IpAddress::stringValue).sorted().toList()),
                    found.getLastSeen() == null ? "" : found.getLastSeen().getValue()));
                Tables.print(out, List.of("VNI", "MAC", "Cloud", "Switch", "Port", "Addresses", "Last seen"), rows,
                    "");
            });
        return null;
    }
}
