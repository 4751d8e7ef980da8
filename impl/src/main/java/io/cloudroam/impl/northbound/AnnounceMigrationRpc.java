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
import io.cloudroam.impl.fabric.Announcement;
import io.cloudroam.impl.fabric.Fabric;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VirtualNetworkId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigration;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigrationInput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigrationOutput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigrationOutputBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.CloudId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Vni;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.DateAndTime;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.common.RpcResult;
import org.opendaylight.yangtools.yang.common.RpcResultBuilder;
import org.opendaylight.yangtools.yang.common.Uint32;

/**
 * The {@code announce-migration} RPC: an orchestrator says a VM is about to move. Input types are
 * loose in the model and checked here, so every mistake gets a message naming the leaf.
 */
public final class AnnounceMigrationRpc implements AnnounceMigration {
    private final Fabric fabric;

    /**
     * Creates the RPC implementation.
     *
     * @param fabric where announcements are kept
     */
    public AnnounceMigrationRpc(final Fabric fabric) {
        this.fabric = requireNonNull(fabric);
    }

    @Override
    public ListenableFuture<RpcResult<AnnounceMigrationOutput>> invoke(final AnnounceMigrationInput input) {
        if (input.getMac() == null) {
            return invalid("input leaf 'mac' is mandatory");
        }
        if (input.getTargetCloud() == null || input.getTargetCloud().isEmpty()) {
            return invalid("input leaf 'target-cloud' is mandatory");
        }
        final MacAddress mac;
        final Integer vni;
        try {
            mac = MacAddress.parse(input.getMac());
            vni = input.getVni() == null ? null : VirtualNetworkId.check(input.getVni().longValue());
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        return switch (fabric.announce(mac, vni, input.getTargetCloud(), input.getTargetPort())) {
            case Announcement.Outcome.Accepted accepted -> {
                final var announcement = accepted.announcement();
                yield RpcResultBuilder.success(new AnnounceMigrationOutputBuilder()
                    .setVni(new Vni(Uint32.valueOf(announcement.vni())))
                    .setFromCloud(new CloudId(announcement.fromCloud()))
                    .setExpires(new DateAndTime(announcement.expires().toString())).build()).buildFuture();
            }
            case Announcement.Outcome.UnknownVm unknown -> RpcResultBuilder.<AnnounceMigrationOutput>failed()
                .withError(ErrorType.APPLICATION, ErrorTag.DATA_MISSING, "no VM with MAC " + mac + " is known"
                    + (vni == null ? "" : " on virtual network " + vni), LocateVmRpc.UNKNOWN_VM, null, null)
                .buildFuture();
            case Announcement.Outcome.Invalid bad -> invalid(bad.message());
        };
    }

    private static ListenableFuture<RpcResult<AnnounceMigrationOutput>> invalid(final String message) {
        return RpcResultBuilder.<AnnounceMigrationOutput>failed()
            .withError(ErrorType.PROTOCOL, ErrorTag.INVALID_VALUE, message)
            .buildFuture();
    }
}
