/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.northbound;

import io.cloudroam.impl.fabric.Restored;
import io.cloudroam.impl.fabric.RestoredLink;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmLocation;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocationConflicts;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Migrations;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.OverlayRouting;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmLocations;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.overlay.routing.Link;
import org.opendaylight.yangtools.binding.ChildOf;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.binding.DataRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back, once at start, what an earlier run of cloudroam left in the operational datastore
 * (the distribution persists it: {@code operational.persistent=true}): VM locations, the measured
 * WAN, and the last migration and conflict ids. Entries it cannot make sense of are skipped.
 */
public final class StateRestore {
    private static final Logger LOG = LoggerFactory.getLogger(StateRestore.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private StateRestore() {
    }

    /**
     * Reads the state, retrying while the datastore does not answer (a cluster member that takes
     * over waits here for the shards to elect new leaders).
     *
     * @param broker the data broker
     * @param patience how long to keep trying
     * @return what there is; nothing when the datastore did not answer within {@code patience}
     */
    public static Restored read(final DataBroker broker, final Duration patience) {
        final long deadline = System.nanoTime() + patience.toNanos();
        int attempt = 1;
        while (true) {
            try {
                return readOnce(broker);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() - deadline >= 0) {
                    LOG.warn("The state of an earlier run could not be read in {} attempts; starting from nothing",
                        attempt, e);
                    break;
                }
                LOG.info("The state of an earlier run cannot be read yet (attempt {}), retrying: {}", attempt,
                    e.getMessage());
                attempt++;
            }
        }
        return new Restored(List.of(), List.of(), 0, 0);
    }

    private static Restored readOnce(final DataBroker broker)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (var tx = broker.newReadOnlyTransaction()) {
            final var locations = get(tx, VmLocations.class).map(StateRestore::locations).orElse(List.of());
            final var links = get(tx, OverlayRouting.class).map(routing -> links(routing.nonnullLink().values()))
                .orElse(List.of());
            final long lastMigration = get(tx, Migrations.class).map(migrations -> migrations.nonnullMigration()
                .keySet().stream().mapToLong(key -> key.getId().longValue()).max().orElse(0)).orElse(0L);
            final long lastConflict = get(tx, LocationConflicts.class).map(conflicts -> conflicts.nonnullConflict()
                .keySet().stream().mapToLong(key -> key.getId().longValue()).max().orElse(0)).orElse(0L);
            return new Restored(locations, links, lastMigration, lastConflict);
        }
    }

    private static <T extends ChildOf<? extends DataRoot<?>>> Optional<T> get(
            final org.opendaylight.mdsal.binding.api.ReadTransaction tx, final Class<T> container)
            throws InterruptedException, ExecutionException, TimeoutException {
        return tx.read(LogicalDatastoreType.OPERATIONAL, DataObjectIdentifier.builder(container).build())
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The VM locations of the container.
     *
     * @param container the operational container
     * @return its entries that are complete and valid
     */
    static List<VmLocation> locations(final VmLocations container) {
        final var result = new ArrayList<VmLocation>();
        for (var entry : container.nonnullVmLocation().values()) {
            try {
                final var addresses = new HashSet<String>();
                if (entry.getIpAddress() != null) {
                    entry.getIpAddress().forEach(address -> addresses.add(address.stringValue()));
                }
                result.add(new VmLocation(entry.requireVni().getValue().intValue(),
                    MacAddress.parse(entry.requireMac().getValue()), entry.requireCloud().getValue(),
                    entry.requireSwitch().getValue().longValue(), entry.requirePort().longValue(), addresses,
                    entry.requireSequence().longValue(), Instant.parse(entry.requireFirstSeen().getValue()),
                    Instant.parse(entry.requireLastSeen().getValue())));
            } catch (IllegalArgumentException | NoSuchElementException | DateTimeException e) {
                LOG.warn("Skipping a VM location that cannot be restored: {}", entry, e);
            }
        }
        return result;
    }

    /**
     * The measured directions of the overlay routing state.
     *
     * @param links its links
     * @return the reachable ones that were measured
     */
    static List<RestoredLink> links(final Iterable<Link> links) {
        final var result = new ArrayList<RestoredLink>();
        for (var link : links) {
            if (Boolean.TRUE.equals(link.getReachable()) && link.getOneWayLatency() != null
                    && link.getRoutingLatency() != null) {
                result.add(new RestoredLink(link.requireCloud().getValue(), link.requireRemoteCloud().getValue(),
                    link.getOneWayLatency().longValue(), link.getRoutingLatency().longValue()));
            }
        }
        return result;
    }
}
