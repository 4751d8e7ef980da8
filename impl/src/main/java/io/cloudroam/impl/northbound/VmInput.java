/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.northbound;

import com.google.common.util.concurrent.ListenableFuture;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VirtualNetworkId;
import org.eclipse.jdt.annotation.Nullable;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.common.RpcResult;
import org.opendaylight.yangtools.yang.common.RpcResultBuilder;
import org.opendaylight.yangtools.yang.common.Uint32;

/**
 * The VM an RPC names: a MAC and, optionally, a virtual network, from input the model types loosely
 * so that cloudroam can say exactly what is wrong; and the RFC 8040 errors the RPCs share.
 *
 * @param mac the MAC
 * @param vni the virtual network, {@code null} when not given
 */
record VmInput(MacAddress mac, @Nullable Integer vni) {
    /**
     * Checks the input leaves.
     *
     * @param mac the {@code mac} leaf
     * @param vni the {@code vni} leaf
     * @return the VM named
     * @throws IllegalArgumentException with a message naming the leaf or the value
     */
    static VmInput of(final @Nullable String mac, final @Nullable Uint32 vni) {
        if (mac == null) {
            throw new IllegalArgumentException("input leaf 'mac' is mandatory");
        }
        return new VmInput(MacAddress.parse(mac), vni == null ? null : VirtualNetworkId.check(vni.longValue()));
    }

    /**
     * The answer to a call the fabric could not take (closed, or busy past its patience): nothing
     * was changed.
     *
     * @param message what could not be done, and why
     * @param <T> the output type
     * @return an operation-failed error
     */
    static <T> ListenableFuture<RpcResult<T>> unavailable(final String message) {
        return RpcResultBuilder.<T>failed().withError(ErrorType.APPLICATION, ErrorTag.OPERATION_FAILED, message)
            .buildFuture();
    }

    /** A 400 invalid-value error. */
    static <T> ListenableFuture<RpcResult<T>> invalid(final String message) {
        return RpcResultBuilder.<T>failed().withError(ErrorType.PROTOCOL, ErrorTag.INVALID_VALUE, message)
            .buildFuture();
    }

    /** The 409 data-missing error for a VM nobody knows. */
    <T> ListenableFuture<RpcResult<T>> unknown() {
        return RpcResultBuilder.<T>failed().withError(ErrorType.APPLICATION, ErrorTag.DATA_MISSING,
            "no VM with MAC " + mac + " is known " + (vni == null ? "on any virtual network"
                : "on virtual network " + vni), LocateVmRpc.UNKNOWN_VM, null, null).buildFuture();
    }
}
