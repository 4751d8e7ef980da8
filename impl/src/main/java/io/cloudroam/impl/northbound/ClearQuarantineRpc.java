/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.northbound;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.ListenableFuture;
import io.cloudroam.impl.fabric.Fabric;
import io.cloudroam.impl.fabric.FabricUnavailableException;
import java.util.Optional;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantine;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantineInput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantineOutput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantineOutputBuilder;
import org.opendaylight.yangtools.yang.common.RpcResult;
import org.opendaylight.yangtools.yang.common.RpcResultBuilder;
import org.opendaylight.yangtools.yang.common.Uint32;

/**
 * The {@code clear-quarantine} RPC: ends a flapping MAC's quarantine early.
 */
public final class ClearQuarantineRpc implements ClearQuarantine {
    private final Fabric fabric;

    /**
     * Creates the RPC implementation.
     *
     * @param fabric where quarantines are kept
     */
    public ClearQuarantineRpc(final Fabric fabric) {
        this.fabric = requireNonNull(fabric);
    }

    @Override
    public ListenableFuture<RpcResult<ClearQuarantineOutput>> invoke(final ClearQuarantineInput input) {
        final VmInput vm;
        try {
            vm = VmInput.of(input.getMac(), input.getVni());
        } catch (IllegalArgumentException e) {
            return VmInput.invalid(e.getMessage());
        }
        final Optional<Integer> released;
        try {
            released = fabric.releaseQuarantine(vm.mac(), vm.vni());
        } catch (FabricUnavailableException e) {
            return VmInput.unavailable(e.getMessage());
        }
        return released.isEmpty() ? vm.unknown() : RpcResultBuilder.success(new ClearQuarantineOutputBuilder()
            .setReleased(Uint32.valueOf(released.orElseThrow())).build()).buildFuture();
    }
}
