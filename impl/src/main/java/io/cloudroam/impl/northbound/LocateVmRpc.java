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
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.VmLocation;
import java.util.stream.Collectors;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.CloudId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.DatapathId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocateVm;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocateVmInput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocateVmOutput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocateVmOutputBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Vni;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.IpAddress;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Ipv4Address;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Ipv6Address;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.DateAndTime;
import org.opendaylight.yangtools.yang.common.RpcResult;
import org.opendaylight.yangtools.yang.common.RpcResultBuilder;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.Uint64;

/**
 * The {@code locate-vm} RPC, answered from the {@link LocationTable}.
 *
 * <p>Errors follow RFC 8040: an unknown VM is {@code data-missing} with error-app-tag
 * {@value #UNKNOWN_VM}; a malformed input is {@code invalid-value}.
 */
public final class LocateVmRpc implements LocateVm {
    /** error-app-tag of the "no such VM" error. */
    public static final String UNKNOWN_VM = "unknown-vm";

    private final LocationTable locations;

    /**
     * Creates the RPC implementation.
     *
     * @param locations where VMs are looked up
     */
    public LocateVmRpc(final LocationTable locations) {
        this.locations = requireNonNull(locations);
    }

    @Override
    public ListenableFuture<RpcResult<LocateVmOutput>> invoke(final LocateVmInput input) {
        final VmInput vm;
        try {
            vm = VmInput.of(input.getMac(), input.getVni());
        } catch (IllegalArgumentException e) {
            return VmInput.invalid(e.getMessage());
        }
        final var found = vm.vni() == null ? locations.find(vm.mac()) : locations.find(vm.vni(), vm.mac());
        return found.isEmpty() ? vm.unknown()
            : RpcResultBuilder.success(toOutput(found.orElseThrow())).buildFuture();
    }

    static LocateVmOutput toOutput(final VmLocation location) {
        return new LocateVmOutputBuilder()
            .setVni(new Vni(Uint32.valueOf(location.vni())))
            .setMac(new org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.MacAddress(
                location.mac().toString()))
            .setCloud(new CloudId(location.cloud()))
            .setSwitch(new DatapathId(Uint64.fromLongBits(location.datapathId())))
            .setPort(Uint32.valueOf(location.port()))
            .setIpAddress(location.ipAddresses().stream().map(LocateVmRpc::ipAddress)
                .collect(Collectors.toUnmodifiableSet()))
            .setSequence(Uint32.valueOf(location.sequence()))
            .setFirstSeen(new DateAndTime(location.firstSeen().toString()))
            .setLastSeen(new DateAndTime(location.lastSeen().toString()))
            .build();
    }

    static IpAddress ipAddress(final String text) {
        return text.indexOf(':') >= 0 ? new IpAddress(new Ipv6Address(text)) : new IpAddress(new Ipv4Address(text));
    }
}
