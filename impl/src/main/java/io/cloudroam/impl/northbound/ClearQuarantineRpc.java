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
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VirtualNetworkId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantine;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantineInput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantineOutput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.ClearQuarantineOutputBuilder;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
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
        if (input.getMac() == null) {
            return invalid("input leaf 'mac' is mandatory");
        }
        final MacAddress mac;
        final Integer vni;
        try {
            mac = MacAddress.parse(input.getMac());
            vni = input.getVni() == null ? null : VirtualNetworkId.check(input.getVni().longValue());
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        final var released = fabric.releaseQuarantine(mac, vni);
        if (released.isEmpty()) {
            return RpcResultBuilder.<ClearQuarantineOutput>failed()
                .withError(ErrorType.APPLICATION, ErrorTag.DATA_MISSING, "no VM with MAC " + mac + " is known"
                    + (vni == null ? "" : " on virtual network " + vni), LocateVmRpc.UNKNOWN_VM, null, null)
                .buildFuture();
        }
        return RpcResultBuilder.success(new ClearQuarantineOutputBuilder()
            .setReleased(Uint32.valueOf(released.orElseThrow())).build()).buildFuture();
    }

    private static ListenableFuture<RpcResult<ClearQuarantineOutput>> invalid(final String message) {
        return RpcResultBuilder.<ClearQuarantineOutput>failed()
            .withError(ErrorType.PROTOCOL, ErrorTag.INVALID_VALUE, message)
            .buildFuture();
    }
}
