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
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.Members;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.RelayPacketIn;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.RelayPacketInInput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.RelayPacketInOutput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.RelayPacketInOutputBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.members.Member;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.members.MemberKey;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.yang.common.RpcResult;
import org.opendaylight.yangtools.yang.common.RpcResultBuilder;

/**
 * {@code relay-packet-in} on the active member: a packet-in another member received, handed to the
 * fabric as if it had arrived here.
 */
public final class RelayPacketInRpc implements RelayPacketIn {
    private static final RelayPacketInOutput EMPTY = new RelayPacketInOutputBuilder().build();

    private final Fabric fabric;

    /**
     * Where a member's relay-packet-in is registered, and where relays to it are addressed.
     *
     * @param member the member's name
     * @return its entry of /cloudroam-cluster:members
     */
    public static DataObjectIdentifier<Member> target(final String member) {
        return DataObjectIdentifier.builder(Members.class).child(Member.class, new MemberKey(member)).build();
    }

    /**
     * Creates the RPC implementation.
     *
     * @param fabric where packet-ins go
     */
    public RelayPacketInRpc(final Fabric fabric) {
        this.fabric = requireNonNull(fabric);
    }

    @Override
    public ListenableFuture<RpcResult<RelayPacketInOutput>> invoke(final RelayPacketInInput input) {
        final var datapathId = input.getDatapathId();
        final var port = input.getInPort();
        final var table = input.getTableId();
        final var payload = input.getPayload();
        if (datapathId == null || port == null || table == null || payload == null) {
            return VmInput.invalid("datapath-id, in-port, table-id and payload are all required");
        }
        fabric.packetIn(datapathId.longValue(), port.longValue(), table.shortValue(), payload);
        return RpcResultBuilder.success(EMPTY).buildFuture();
    }
}
