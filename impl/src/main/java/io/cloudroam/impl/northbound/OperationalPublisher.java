/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.northbound;

import io.cloudroam.impl.fabric.StatePublisher;
import io.cloudroam.impl.fabric.TunnelState;
import io.cloudroam.impl.mdsal.ChainedWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.CloudId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Tunnels;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmLocationFields;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmLocations;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.tunnels.Tunnel;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.tunnels.TunnelBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.tunnels.TunnelKey;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.vm.locations.VmLocation;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.vm.locations.VmLocationBuilder;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.yang.common.Uint32;

/**
 * Writes learned state to the operational datastore. Location updates are coalesced: the first
 * change opens a short window, later changes of the same VM in that window replace each other,
 * and the window's changes are written in one transaction, so a burst of packet-ins costs one
 * write and a location is visible within {@link #WINDOW_MS} plus a commit.
 */
public final class OperationalPublisher implements StatePublisher, AutoCloseable {
    /** How long location changes are collected before they are written. */
    public static final long WINDOW_MS = 20;

    private final ChainedWriter writer;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("cloudroam-publisher").factory());
    // guarded by this
    private final Map<String, io.cloudroam.impl.location.VmLocation> pendingLocations = new LinkedHashMap<>();
    private final Map<String, io.cloudroam.impl.location.VmLocation> pendingRemovals = new LinkedHashMap<>();
    private boolean flushScheduled;
    private final Map<String, Set<TunnelKey>> publishedTunnels = new HashMap<>();

    /**
     * Creates one.
     *
     * @param dataBroker the binding data broker
     */
    public OperationalPublisher(final DataBroker dataBroker) {
        writer = new ChainedWriter(dataBroker, "cloudroam operational state");
    }

    @Override
    public synchronized void locations(final Collection<io.cloudroam.impl.location.VmLocation> changed) {
        changed.forEach(location -> {
            pendingRemovals.remove(key(location));
            pendingLocations.put(key(location), location);
        });
        scheduleFlush();
    }

    @Override
    public synchronized void locationsRemoved(final Collection<io.cloudroam.impl.location.VmLocation> removed) {
        removed.forEach(location -> {
            pendingLocations.remove(key(location));
            pendingRemovals.put(key(location), location);
        });
        scheduleFlush();
    }

    private static String key(final io.cloudroam.impl.location.VmLocation location) {
        return location.vni() + "/" + location.mac();
    }

    private void scheduleFlush() {
        if (!flushScheduled && (!pendingLocations.isEmpty() || !pendingRemovals.isEmpty())) {
            flushScheduled = true;
            scheduler.schedule(this::flushLocations, WINDOW_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void flushLocations() {
        final Collection<io.cloudroam.impl.location.VmLocation> batch;
        final Collection<io.cloudroam.impl.location.VmLocation> gone;
        synchronized (this) {
            batch = List.copyOf(pendingLocations.values());
            gone = List.copyOf(pendingRemovals.values());
            pendingLocations.clear();
            pendingRemovals.clear();
            flushScheduled = false;
        }
        writer.write(batch.size() + " VM locations, " + gone.size() + " removed", tx -> {
            for (var location : gone) {
                final var fields = LocateVmRpc.toOutput(location);
                tx.delete(LogicalDatastoreType.OPERATIONAL, DataObjectIdentifier.builder(VmLocations.class)
                    .child(VmLocation.class, new VmLocationBuilder().setVni(fields.getVni()).setMac(fields.getMac())
                        .build().key()).build());
            }
            for (var location : batch) {
                final var fields = LocateVmRpc.toOutput(location);
                final var entry = new VmLocationBuilder((VmLocationFields) fields).setVni(fields.getVni())
                    .setMac(fields.getMac()).build();
                tx.mergeParentStructurePut(LogicalDatastoreType.OPERATIONAL, DataObjectIdentifier
                    .builder(VmLocations.class).child(VmLocation.class, entry.key()).build(), entry);
            }
        });
    }

    @Override
    public synchronized void tunnels(final String cloud, final Collection<TunnelState> tunnels) {
        final var entries = new ArrayList<Tunnel>();
        final var now = new HashSet<TunnelKey>();
        for (var tunnel : tunnels) {
            final var builder = new TunnelBuilder()
                .setCloud(new CloudId(tunnel.cloud()))
                .setRemoteCloud(new CloudId(tunnel.remoteCloud()))
                .setPortName(tunnel.portName())
                .setState(switch (tunnel.state()) {
                    case "up" -> Tunnel.State.Up;
                    case "down" -> Tunnel.State.Down;
                    default -> Tunnel.State.Unknown;
                })
                .setBfdState(tunnel.bfdState());
            tunnel.ofport().ifPresent(port -> builder.setOfport(Uint32.valueOf(port)));
            if (!tunnel.remoteIp().isEmpty()) {
                builder.setRemoteIp(LocateVmRpc.ipAddress(tunnel.remoteIp()));
            }
            final var entry = builder.build();
            now.add(entry.key());
            entries.add(entry);
        }
        final var gone = publishedTunnels.getOrDefault(cloud, Set.of()).stream().filter(key -> !now.contains(key))
            .toList();
        publishedTunnels.put(cloud, now);
        writer.write(tunnels.size() + " tunnels of " + cloud, tx -> {
            entries.forEach(entry -> tx.mergeParentStructurePut(LogicalDatastoreType.OPERATIONAL, path(entry.key()),
                entry));
            gone.forEach(key -> tx.delete(LogicalDatastoreType.OPERATIONAL, path(key)));
        });
    }

    private static DataObjectIdentifier<Tunnel> path(final TunnelKey key) {
        return DataObjectIdentifier.builder(Tunnels.class).child(Tunnel.class, key).build();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        writer.close();
    }
}
