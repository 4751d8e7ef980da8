/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.northbound;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.fabric.Counters;
import io.cloudroam.impl.fabric.StatePublisher;
import io.cloudroam.impl.fabric.TunnelState;
import io.cloudroam.impl.mdsal.ChainedWriter;
import io.cloudroam.impl.migration.ConflictRecord;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.migration.MoveVerifier;
import io.cloudroam.impl.migration.PortEvidence;
import io.cloudroam.impl.topology.NetworkMtus;
import io.cloudroam.impl.topology.Routes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.NotificationPublishService;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.CloudId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.CountersBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.DatapathId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocationConflict;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocationConflictBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocationConflicts;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Migrations;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.MobilityTrigger;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.MtuProblemBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.OverlayRouting;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.OverlayRoutingBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.TunnelStateChanged;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.TunnelStateChangedBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Tunnels;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VirtualNetworkMtus;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VirtualNetworkMtusBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmFlappingBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmLocationFields;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmLocations;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmMigrated;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmMigratedBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Vni;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.location.conflicts.Conflict;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.location.conflicts.ConflictBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.location.conflicts.ConflictKey;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.migrations.Migration;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.migrations.MigrationBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.migrations.MigrationKey;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.overlay.routing.Link;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.overlay.routing.LinkBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.overlay.routing.Route;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.overlay.routing.RouteBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.tunnels.Tunnel;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.tunnels.TunnelBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.tunnels.TunnelKey;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.virtual.network.mtus.VirtualNetwork;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.virtual.network.mtus.VirtualNetworkBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.virtual.network.mtus.virtual.network.NarrowTunnelBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.vm.locations.VmLocation;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.vm.locations.VmLocationBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.IpAddress;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Ipv4Address;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.DateAndTime;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.MacAddress;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.binding.util.BindingMap;
import org.opendaylight.yangtools.yang.common.Uint16;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.Uint64;

/**
 * Writes learned state to the operational datastore. Location updates are coalesced: the first
 * change opens a short window, later changes of the same VM in that window replace each other,
 * and the window's changes are written in one transaction, so a burst of packet-ins costs one
 * write and a location is visible within {@link #WINDOW_MS} plus a commit.
 */
public final class OperationalPublisher implements StatePublisher, AutoCloseable {
    /** How long location changes are collected before they are written. */
    public static final long WINDOW_MS = 20;

    /** Entries kept under /migrations and /location-conflicts; older ones are deleted. */
    static final long HISTORY = 10_000;

    private final ChainedWriter writer;
    private final NotificationPublishService notifications;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("cloudroam-publisher").factory());
    // guarded by this
    private final Map<String, io.cloudroam.impl.location.VmLocation> pendingLocations = new LinkedHashMap<>();
    private final Map<String, io.cloudroam.impl.location.VmLocation> pendingRemovals = new LinkedHashMap<>();
    private boolean flushScheduled;
    // guarded by this: each cloud's VM port names by datapath id and OpenFlow port
    private final Map<String, Map<Long, Map<Long, String>>> portNames = new HashMap<>();
    private final Map<String, Map<TunnelKey, Tunnel>> publishedTunnels = new HashMap<>();
    private Map<Counters.Kind, Long> lastCounters = Map.of();

    /**
     * Creates one.
     *
     * @param dataBroker the binding data broker
     * @param notifications where YANG notifications are published
     */
    public OperationalPublisher(final DataBroker dataBroker, final NotificationPublishService notifications) {
        this.notifications = requireNonNull(notifications);
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

    @Override
    public synchronized void portNames(final String cloud, final Map<Long, Map<Long, String>> names) {
        portNames.put(cloud, Map.copyOf(names));
    }

    /**
     * A location as the operational datastore keeps it.
     *
     * @param location the location
     * @param name the name of its port, if known
     * @return its entry
     */
    static VmLocation locationEntry(final io.cloudroam.impl.location.VmLocation location,
            final Optional<String> name) {
        final var fields = LocateVmRpc.toOutput(location);
        final var builder = new VmLocationBuilder((VmLocationFields) fields).setVni(fields.getVni())
            .setMac(fields.getMac());
        name.ifPresent(builder::setName);
        return builder.build();
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
        final List<VmLocation> batch = new ArrayList<>();
        final Collection<io.cloudroam.impl.location.VmLocation> gone;
        // the entries, with their port names, are made under this object's lock and written after it
        // is released: tunnels() writes while holding it, so taking it inside a write would deadlock
        synchronized (this) {
            for (var location : pendingLocations.values()) {
                batch.add(locationEntry(location, Optional.ofNullable(portNames.getOrDefault(location.cloud(), Map.of())
                    .getOrDefault(location.datapathId(), Map.of()).get(location.port()))));
            }
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
            for (var entry : batch) {
                tx.mergeParentStructurePut(LogicalDatastoreType.OPERATIONAL, DataObjectIdentifier
                    .builder(VmLocations.class).child(VmLocation.class, entry.key()).build(), entry);
            }
        });
    }

    @Override
    public synchronized void tunnels(final String cloud, final Collection<TunnelState> tunnels) {
        final var entries = new ArrayList<Tunnel>();
        final var now = new HashMap<TunnelKey, Tunnel>();
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
            builder.setPathMtuState(switch (tunnel.pathMtu().state()) {
                case UNKNOWN -> Tunnel.PathMtuState.Unknown;
                case SEARCHING -> Tunnel.PathMtuState.Searching;
                case MEASURED -> Tunnel.PathMtuState.Measured;
            });
            if (tunnel.pathMtu().known()) {
                builder.setPathMtu(Uint16.valueOf(tunnel.pathMtu().pathMtu()));
            }
            if (tunnel.overlayMtu() > 0) {
                builder.setOverlayMtu(Uint16.valueOf(tunnel.overlayMtu()));
            }
            if (!tunnel.remoteIp().isEmpty()) {
                builder.setRemoteIp(LocateVmRpc.ipAddress(tunnel.remoteIp()));
            }
            final var entry = builder.build();
            now.put(entry.key(), entry);
            entries.add(entry);
        }
        final var before = publishedTunnels.getOrDefault(cloud, Map.of());
        final var gone = before.keySet().stream().filter(key -> !now.containsKey(key)).toList();
        publishedTunnels.put(cloud, now);
        for (var entry : entries) {
            final var previous = before.get(entry.key());
            if (previous == null || previous.getState() != entry.getState()) {
                stateChanged(entry, previous == null ? TunnelStateChanged.PreviousState.Absent
                    : TunnelStateChanged.PreviousState.ofName(previous.getState().getName()),
                    TunnelStateChanged.State.ofName(entry.getState().getName()));
            }
        }
        gone.forEach(key -> stateChanged(before.get(key),
            TunnelStateChanged.PreviousState.ofName(before.get(key).getState().getName()),
            TunnelStateChanged.State.Absent));
        writer.write(tunnels.size() + " tunnels of " + cloud, tx -> {
            entries.forEach(entry -> tx.mergeParentStructurePut(LogicalDatastoreType.OPERATIONAL, path(entry.key()),
                entry));
            gone.forEach(key -> tx.delete(LogicalDatastoreType.OPERATIONAL, path(key)));
        });
    }

    private void stateChanged(final Tunnel tunnel, final TunnelStateChanged.PreviousState previous,
            final TunnelStateChanged.State state) {
        notifications.offerNotification(new TunnelStateChangedBuilder().setCloud(tunnel.getCloud())
            .setRemoteCloud(tunnel.getRemoteCloud()).setPortName(tunnel.getPortName()).setPreviousState(previous)
            .setState(state).build());
    }

    /**
     * Writes {@code /counters} once a second, when they changed, until closed.
     *
     * @param counters the counts now
     */
    public void publishCounters(final Supplier<Map<Counters.Kind, Long>> counters) {
        scheduler.scheduleWithFixedDelay(() -> {
            final var now = counters.get();
            if (now.equals(lastCounters)) {
                return;
            }
            lastCounters = now;
            final Function<Counters.Kind, Uint64> count = kind -> Uint64.valueOf(now.getOrDefault(kind, 0L));
            final var container = new CountersBuilder()
                .setPacketIns(count.apply(Counters.Kind.PACKET_INS))
                .setProbeAnswers(count.apply(Counters.Kind.PROBE_ANSWERS))
                .setPacketInsIgnored(count.apply(Counters.Kind.PACKET_INS_IGNORED))
                .setPacketInsOverBudget(count.apply(Counters.Kind.PACKET_INS_OVER_BUDGET))
                .setLocationsRefused(count.apply(Counters.Kind.LOCATIONS_REFUSED))
                .setArpReplies(count.apply(Counters.Kind.ARP_REPLIES))
                .setLocationsLearned(count.apply(Counters.Kind.LOCATIONS_LEARNED))
                .setMovesApplied(count.apply(Counters.Kind.MOVES_APPLIED))
                .setMigrationsPrepared(count.apply(Counters.Kind.MIGRATIONS_PREPARED))
                .setSightingsRefused(count.apply(Counters.Kind.SIGHTINGS_REFUSED))
                .setFlowChanges(count.apply(Counters.Kind.FLOW_CHANGES))
                .build();
            writer.write("counters", tx -> tx.put(LogicalDatastoreType.OPERATIONAL,
                DataObjectIdentifier.builder(org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125
                    .Counters.class).build(), container));
        }, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void migration(final MigrationRecord record) {
        final var entry = migrationEntry(record);
        writer.write("migration " + record.id(), tx -> {
            tx.mergeParentStructurePut(LogicalDatastoreType.OPERATIONAL, DataObjectIdentifier.builder(Migrations.class)
                .child(Migration.class, entry.key()).build(), entry);
            if (record.id() > HISTORY) {
                tx.delete(LogicalDatastoreType.OPERATIONAL, DataObjectIdentifier.builder(Migrations.class)
                    .child(Migration.class, new MigrationKey(Uint64.valueOf(record.id() - HISTORY))).build());
            }
        });
        if (record.flowsConfirmed().isEmpty()) {
            // once per migration: when it is first published
            notifications.offerNotification(migrationNotification(entry));
        }
    }

    /**
     * A migration as the operational datastore keeps it.
     *
     * @param record the migration
     * @return its entry
     */
    static Migration migrationEntry(final MigrationRecord record) {
        final var from = record.from();
        final var to = record.to();
        final var builder = new MigrationBuilder()
            .setId(Uint64.valueOf(record.id()))
            .setVni(new Vni(Uint32.valueOf(to.vni())))
            .setMac(new MacAddress(to.mac().toString()))
            .setFromCloud(new CloudId(from.cloud()))
            .setFromPort(Uint32.valueOf(from.port()))
            .setToCloud(new CloudId(to.cloud()))
            .setToPort(Uint32.valueOf(to.port()))
            .setSequence(Uint32.valueOf(to.sequence()))
            .setTrigger(trigger(record.trigger()))
            .setVerification(switch (record.verification()) {
                case "old-port-gone" -> Migration.Verification.OldPortGone;
                case "announced" -> Migration.Verification.Announced;
                case PortEvidence.ATTACHED_MAC -> Migration.Verification.DestinationAttachedMac;
                case PortEvidence.IFACE_ID -> Migration.Verification.DestinationIfaceId;
                case "old-port-silent" -> Migration.Verification.OldPortSilent;
                case MoveVerifier.APPLIED_THEN_PROBED -> Migration.Verification.AppliedThenProbed;
                case MoveVerifier.OLD_PORT_ANSWERED -> Migration.Verification.OldPortAnswered;
                default -> throw new IllegalArgumentException("verification " + record.verification());
            })
            .setSignalSeen(new DateAndTime(record.signalSeen().toString()))
            .setVerified(new DateAndTime(record.verified().toString()))
            .setFlowsChanged(Uint32.valueOf(record.flowsChanged()))
            .setSwitchTouched(record.switchesTouched().stream().map(dpid -> new DatapathId(Uint64.fromLongBits(dpid)))
                .collect(Collectors.toUnmodifiableSet()));
        record.flowsSent().ifPresent(at -> builder.setFlowsSent(new DateAndTime(at.toString())));
        record.prepared().ifPresent(at -> builder.setDestinationPrepared(new DateAndTime(at.toString())));
        record.newCloudConfirmed().ifPresent(at -> builder.setNewCloudConfirmed(new DateAndTime(at.toString())));
        record.flowsConfirmed().ifPresent(at -> builder.setFlowsConfirmed(new DateAndTime(at.toString())));
        record.problem().ifPresent(builder::setProblem);
        if (!record.confirmedBy().isEmpty()) {
            builder.setConfirmedBy("barrier".equals(record.confirmedBy()) ? Migration.ConfirmedBy.Barrier
                : Migration.ConfirmedBy.DatastoreCommit);
        }
        return builder.build();
    }

    /**
     * The vm-migrated notification of a migration.
     *
     * @param entry the migration's entry
     * @return the notification
     */
    static VmMigrated migrationNotification(final Migration entry) {
        return new VmMigratedBuilder().setId(entry.getId()).setVni(entry.getVni()).setMac(entry.getMac())
            .setFromCloud(entry.getFromCloud()).setToCloud(entry.getToCloud()).setTrigger(entry.getTrigger()).build();
    }

    @Override
    public void conflict(final ConflictRecord record) {
        final var entry = conflictEntry(record);
        writer.write("conflict " + record.id(), tx -> {
            tx.mergeParentStructurePut(LogicalDatastoreType.OPERATIONAL,
                DataObjectIdentifier.builder(LocationConflicts.class).child(Conflict.class, entry.key()).build(),
                entry);
            if (record.id() > HISTORY) {
                tx.delete(LogicalDatastoreType.OPERATIONAL, DataObjectIdentifier.builder(LocationConflicts.class)
                    .child(Conflict.class, new ConflictKey(Uint64.valueOf(record.id() - HISTORY))).build());
            }
        });
        notifications.offerNotification(conflictNotification(entry, record.reason()));
        if (entry.getReason() == Conflict.Reason.Flapping) {
            notifications.offerNotification(new VmFlappingBuilder().setVni(entry.getVni()).setMac(entry.getMac())
                .setAtCloud(entry.getAtCloud()).setClaimedCloud(entry.getClaimedCloud()).build());
        }
    }

    /**
     * A refused sighting as the operational datastore keeps it.
     *
     * @param record the refusal
     * @return its entry
     */
    static Conflict conflictEntry(final ConflictRecord record) {
        return new ConflictBuilder()
            .setId(Uint64.valueOf(record.id()))
            .setVni(new Vni(Uint32.valueOf(record.at().vni())))
            .setMac(new MacAddress(record.at().mac().toString()))
            .setReason(switch (record.reason()) {
                case "still-at-old-port" -> Conflict.Reason.StillAtOldPort;
                case "flapping" -> Conflict.Reason.Flapping;
                case "address-in-use" -> Conflict.Reason.AddressInUse;
                default -> Conflict.Reason.Quarantined;
            })
            .setAddress(record.address().map(address -> new IpAddress(new Ipv4Address(address))).orElse(null))
            .setClaimedMac(record.claimed().mac().equals(record.at().mac()) ? null
                : new MacAddress(record.claimed().mac().toString()))
            .setAtCloud(new CloudId(record.at().cloud()))
            .setAtPort(Uint32.valueOf(record.at().port()))
            .setClaimedCloud(new CloudId(record.claimed().cloud()))
            .setClaimedPort(Uint32.valueOf(record.claimed().port()))
            .setTrigger(trigger(record.trigger()))
            .setSeen(new DateAndTime(record.seen().toString()))
            .build();
    }

    /**
     * The location-conflict notification of a refused sighting.
     *
     * @param entry the refusal's entry
     * @param reason why it was refused
     * @return the notification
     */
    static LocationConflict conflictNotification(final Conflict entry, final String reason) {
        return new LocationConflictBuilder().setId(entry.getId()).setVni(entry.getVni()).setMac(entry.getMac())
            .setReason(reason).setAddress(entry.getAddress()).build();
    }

    /**
     * One direction as the operational datastore keeps it. A latency restored from an earlier run
     * is published as a measured one although this run has no sample of it yet: otherwise a
     * controller stopped again before its first samples (a start that hangs and is restarted)
     * would leave the next start nothing to restore, and its routes would go direct.
     *
     * @param link the direction
     * @return its entry
     */
    static Link link(final Routes.LinkState link) {
        final var builder = new LinkBuilder().setCloud(new CloudId(link.from()))
            .setRemoteCloud(new CloudId(link.to())).setSamples(Uint64.valueOf(link.samples()))
            .setReachable(link.reachable());
        link.latency().ifPresent(micros -> builder.setOneWayLatency(micros32(micros)));
        if (link.measured() && link.reachable()) {
            builder.setRoutingLatency(micros32(link.metric()));
        }
        return builder.build();
    }

    @Override
    public void routing(final List<Routes.LinkState> links, final Map<String, Map<String, Routes.Hop>> paths) {
        final var linkEntries = links.stream().map(OperationalPublisher::link).toList();
        final var routeEntries = new ArrayList<Route>();
        paths.forEach((destination, hops) -> hops.forEach((cloud, hop) -> routeEntries.add(new RouteBuilder()
            .setDestination(new CloudId(destination)).setCloud(new CloudId(cloud))
            .setNextHop(new CloudId(hop.nextHop())).setCost(micros32(hop.cost())).build())));
        final var container = new OverlayRoutingBuilder().setLink(BindingMap.of(linkEntries))
            .setRoute(BindingMap.of(routeEntries)).build();
        writer.write("overlay routing", tx -> tx.put(LogicalDatastoreType.OPERATIONAL,
            DataObjectIdentifier.builder(OverlayRouting.class).build(), container));
    }

    @Override
    public void networkMtus(final List<NetworkMtus.Network> networks, final List<NetworkMtus.Problem> problems) {
        final var entries = new ArrayList<VirtualNetwork>();
        for (var network : networks) {
            entries.add(new VirtualNetworkBuilder().setVni(new Vni(Uint32.valueOf(network.vni())))
                .setMtu(Uint16.valueOf(network.mtu()))
                .setSource(switch (network.source()) {
                    case CONFIGURED -> VirtualNetwork.Source.Configured;
                    case DERIVED -> VirtualNetwork.Source.Derived;
                    case DEFAULT -> VirtualNetwork.Source.Default;
                })
                .setFits(network.fits())
                .setNarrowTunnel(BindingMap.of(network.narrow().stream().map(narrow -> new NarrowTunnelBuilder()
                    .setCloud(new CloudId(narrow.from())).setRemoteCloud(new CloudId(narrow.to()))
                    .setOverlayMtu(Uint16.valueOf(narrow.overlayMtu())).build()).toList()))
                .build());
        }
        final var container = new VirtualNetworkMtusBuilder().setVirtualNetwork(BindingMap.of(entries)).build();
        writer.write("virtual network MTUs", tx -> tx.put(LogicalDatastoreType.OPERATIONAL,
            DataObjectIdentifier.builder(VirtualNetworkMtus.class).build(), container));
        for (var problem : problems) {
            notifications.offerNotification(new MtuProblemBuilder().setVni(new Vni(Uint32.valueOf(problem.vni())))
                .setMtu(Uint16.valueOf(problem.mtu())).setCloud(new CloudId(problem.narrow().from()))
                .setRemoteCloud(new CloudId(problem.narrow().to()))
                .setOverlayMtu(Uint16.valueOf(problem.narrow().overlayMtu())).setResolved(problem.resolved())
                .build());
        }
    }

    private static Uint32 micros32(final long micros) {
        return Uint32.valueOf(Math.min(micros, Uint32.MAX_VALUE.longValue()));
    }

    private static MobilityTrigger trigger(final MigrationRecord.Trigger trigger) {
        return switch (trigger) {
            case RARP -> MobilityTrigger.Rarp;
            case GARP -> MobilityTrigger.Garp;
            case UNSOLICITED_NA -> MobilityTrigger.UnsolicitedNa;
            case PACKET -> MobilityTrigger.Packet;
            case ANNOUNCED -> MobilityTrigger.Announced;
        };
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
