/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.cli;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.opendaylight.mdsal.binding.api.RpcService;
import org.opendaylight.yangtools.yang.common.Uint32;

/**
 * What the commands that call one of cloudroam's VM RPCs share: the RPC service, the console, the
 * VM's MAC as first argument and its optional VNI (Karaf injects the fields of superclasses too).
 */
abstract class VmRpcCommand implements Action {
    @Reference
    RpcService rpcService;
    @Reference
    Session session;
    @Argument(index = 0, name = "mac", required = true, description = "the VM's MAC address")
    @Completion(Completers.Vm.class)
    String mac;
    @Option(name = "--vni", description = "its virtual network, when the MAC is on several")
    @Completion(Completers.Vni.class)
    Long vni;

    /** The {@code vni} input leaf: {@code null} when not given (the RPC checks the range). */
    final Uint32 vniInput() {
        return vni == null ? null : Uint32.valueOf(vni);
    }
}
