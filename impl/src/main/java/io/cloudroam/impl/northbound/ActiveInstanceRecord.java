/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.northbound;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.ActiveInstance;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.ActiveInstanceBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.DateAndTime;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /cloudroam-cluster:active-instance}: which member is active, since when, and how many
 * times any member took over. Written once by each member that becomes active.
 */
public final class ActiveInstanceRecord {
    private static final Logger LOG = LoggerFactory.getLogger(ActiveInstanceRecord.class);
    private static final DataObjectIdentifier<ActiveInstance> PATH =
        DataObjectIdentifier.builder(ActiveInstance.class).build();
    private static final long TIMEOUT_SECONDS = 30;

    private ActiveInstanceRecord() {
    }

    /**
     * Records that this member is active now.
     *
     * @param broker the data broker
     * @param member this member's name
     * @return whether the record was written
     */
    public static boolean write(final DataBroker broker, final String member) {
        final var tx = broker.newReadWriteTransaction();
        try {
            final long before = tx.read(LogicalDatastoreType.OPERATIONAL, PATH).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .map(ActiveInstance::getTakeovers).map(Uint32::longValue).orElse(0L);
            tx.put(LogicalDatastoreType.OPERATIONAL, PATH, new ActiveInstanceBuilder()
                .setMember(member)
                .setSince(new DateAndTime(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()))
                .setTakeovers(Uint32.valueOf(Math.min(before + 1, Uint32.MAX_VALUE.longValue())))
                .build());
            tx.commit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not record that {} is active", member, e);
        }
        tx.cancel();
        return false;
    }
}
