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
import io.cloudroam.impl.migration.Announcement;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigration;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigrationInput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigrationOutput;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.AnnounceMigrationOutputBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.CloudId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Vni;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.DateAndTime;
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
        final VmInput vm;
        try {
            vm = VmInput.of(input.getMac(), input.getVni());
        } catch (IllegalArgumentException e) {
            return VmInput.invalid(e.getMessage());
        }
        if (input.getTargetCloud() == null || input.getTargetCloud().isEmpty()) {
            return VmInput.invalid("input leaf 'target-cloud' is mandatory");
        }
        final Announcement.Outcome outcome;
        try {
            outcome = fabric.announce(vm.mac(), vm.vni(), input.getTargetCloud(), input.getTargetPort());
        } catch (FabricUnavailableException e) {
            return VmInput.unavailable(e.getMessage());
        }
        return switch (outcome) {
            case Announcement.Outcome.Accepted accepted -> {
                final var announcement = accepted.announcement();
                yield RpcResultBuilder.success(new AnnounceMigrationOutputBuilder()
                    .setVni(new Vni(Uint32.valueOf(announcement.vni())))
                    .setFromCloud(new CloudId(announcement.fromCloud()))
                    .setExpires(new DateAndTime(announcement.expires().toString())).build()).buildFuture();
            }
            case Announcement.Outcome.UnknownVm unknown -> vm.unknown();
            case Announcement.Outcome.Invalid bad -> VmInput.invalid(bad.message());
        };
    }
}
