/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.dashboard;

import io.cloudroam.dashboard.Snapshot.Cloud;
import io.cloudroam.dashboard.Snapshot.Conflict;
import io.cloudroam.dashboard.Snapshot.Link;
import io.cloudroam.dashboard.Snapshot.Migration;
import io.cloudroam.dashboard.Snapshot.Network;
import io.cloudroam.dashboard.Snapshot.NetworkMtu;
import io.cloudroam.dashboard.Snapshot.Route;
import io.cloudroam.dashboard.Snapshot.Tunnel;
import io.cloudroam.dashboard.Snapshot.Vm;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jdt.annotation.Nullable;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.DataListener;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.CloudId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Cloudroam;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Counters;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.DatapathId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocationConflicts;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Migrations;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.OverlayRouting;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Tunnels;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VirtualNetworkMtus;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmLocations;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam.VirtualNetwork;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.IpAddress;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.DateAndTime;
import org.opendaylight.yangtools.binding.ChildOf;
import org.opendaylight.yangtools.binding.DataObject;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.binding.DataRoot;
import org.opendaylight.yangtools.binding.EnumTypeObject;
import org.opendaylight.yangtools.concepts.Registration;
import org.opendaylight.yangtools.yang.common.Uint64;

/**
 * Thin adapter: listens to cloudroam's containers in the datastore (the configuration and the
 * operational state RESTCONF serves) and copies them into a {@link DashboardModel}, telling the
 * {@link EventHub} after each change.
 */
final class DatastoreFeed implements AutoCloseable {
    private final List<Registration> registrations;

    DatastoreFeed(final DataBroker broker, final DashboardModel model, final EventHub hub) {
        registrations = List.of(
            listen(broker, LogicalDatastoreType.CONFIGURATION, root(Cloudroam.class), data -> model.config(
                values(data == null ? null : data.getCloud()).stream().map(DatastoreFeed::cloud)
                    .sorted(Comparator.comparing(Cloud::id)).toList(),
                values(data == null ? null : data.getVirtualNetwork()).stream().map(DatastoreFeed::network)
                    .sorted(Comparator.comparingLong(Network::vni)).toList()), hub),
            listen(broker, LogicalDatastoreType.OPERATIONAL, root(Tunnels.class), data -> model.tunnels(
                values(data == null ? null : data.getTunnel()).stream().map(tunnel -> new Tunnel(
                    tunnel.requireCloud().getValue(), tunnel.requireRemoteCloud().getValue(),
                    tunnel.getPortName() == null ? "" : tunnel.getPortName(), name(tunnel.getState(), "unknown"),
                    tunnel.getOverlayMtu() == null ? 0 : tunnel.getOverlayMtu().intValue()))
                    .toList()), hub),
            listen(broker, LogicalDatastoreType.OPERATIONAL, root(VirtualNetworkMtus.class), data -> model.networkMtus(
                values(data == null ? null : data.getVirtualNetwork()).stream().map(network -> new NetworkMtu(
                    network.requireVni().getValue().longValue(),
                    network.getMtu() == null ? 0 : network.getMtu().intValue(), name(network.getSource(), "default"),
                    values(network.getNarrowTunnel()).stream().map(narrow -> narrow.requireCloud().getValue()
                        + "→" + narrow.requireRemoteCloud().getValue() + " " + narrow.getOverlayMtu()).toList()))
                    .toList()), hub),
            listen(broker, LogicalDatastoreType.OPERATIONAL, root(OverlayRouting.class), data -> model.routing(
                values(data == null ? null : data.getLink()).stream().map(link -> new Link(
                    link.requireCloud().getValue(), link.requireRemoteCloud().getValue(),
                    Optional.ofNullable(link.getOneWayLatency()).map(Number::longValue),
                    !Boolean.FALSE.equals(link.getReachable()))).toList(),
                values(data == null ? null : data.getRoute()).stream().map(route -> new Route(
                    route.requireDestination().getValue(), route.requireCloud().getValue(),
                    route.requireNextHop().getValue(), route.getCost() == null ? 0 : route.getCost().longValue()))
                    .toList()), hub),
            listen(broker, LogicalDatastoreType.OPERATIONAL, root(VmLocations.class), data -> model.vms(
                values(data == null ? null : data.getVmLocation()).stream().map(vm -> new Vm(
                    vm.requireVni().getValue().longValue(), vm.requireMac().getValue(),
                    vm.getName() == null ? "" : vm.getName(),
                    vm.getCloud() == null ? "" : vm.getCloud().getValue(),
                    vm.getPort() == null ? 0 : vm.getPort().longValue(),
                    vm.getIpAddress() == null ? List.of()
                        : vm.getIpAddress().stream().map(IpAddress::stringValue).sorted().toList()))
                    .toList()), hub),
            listen(broker, LogicalDatastoreType.OPERATIONAL, root(Migrations.class), data -> model.migrations(
                values(data == null ? null : data.getMigration()).stream().map(m -> new Migration(
                    m.requireId().longValue(), m.requireVni().getValue().longValue(), m.requireMac().getValue(),
                    cloudName(m.getFromCloud()), cloudName(m.getToCloud()), name(m.getTrigger(), ""),
                    name(m.getVerification(), ""), instant(m.getSignalSeen()).orElse(Instant.EPOCH),
                    instant(m.getVerified()), instant(m.getFlowsSent()),
                    instant(m.getFlowsConfirmed()), name(m.getConfirmedBy(), ""),
                    m.getFlowsChanged() == null ? 0 : m.getFlowsChanged().longValue(),
                    m.getSwitchTouched() == null ? 0 : m.getSwitchTouched().size(),
                    instant(m.getDestinationPrepared()), instant(m.getNewCloudConfirmed()))).toList()), hub),
            listen(broker, LogicalDatastoreType.OPERATIONAL, root(LocationConflicts.class), data -> model.conflicts(
                values(data == null ? null : data.getConflict()).stream().map(c -> new Conflict(
                    c.requireId().longValue(), c.requireVni().getValue().longValue(), c.requireMac().getValue(),
                    name(c.getReason(), "") + (c.getAddress() == null ? ""
                        : " " + c.getAddress().stringValue() + " by " + (c.getClaimedMac() == null ? "another VM"
                            : c.getClaimedMac().getValue())),
                    cloudName(c.getAtCloud()), cloudName(c.getClaimedCloud()),
                    instant(c.getSeen()).orElse(Instant.EPOCH))).toList()), hub),
            listen(broker, LogicalDatastoreType.OPERATIONAL, root(Counters.class), data -> model.counters(
                data == null ? Map.of() : counters(data)), hub));
    }

    private static <T extends DataObject> Registration listen(final DataBroker broker,
            final LogicalDatastoreType store, final DataObjectIdentifier<T> container, final DataListener<T> update,
            final EventHub hub) {
        return broker.registerDataListener(store, container, data -> {
            update.dataChangedTo(data);
            hub.changed();
        });
    }

    private static <T extends ChildOf<? extends DataRoot<?>>> DataObjectIdentifier<T> root(final Class<T> type) {
        return DataObjectIdentifier.builder(type).build();
    }

    private static <V> Collection<V> values(final @Nullable Map<?, V> map) {
        return map == null ? List.of() : map.values();
    }

    private static Map<String, Long> counters(final Counters data) {
        final var result = new LinkedHashMap<String, Long>();
        result.put("packet-ins", count(data.getPacketIns()));
        result.put("probe-answers", count(data.getProbeAnswers()));
        result.put("packet-ins-ignored", count(data.getPacketInsIgnored()));
        result.put("packet-ins-over-budget", count(data.getPacketInsOverBudget()));
        result.put("locations-refused", count(data.getLocationsRefused()));
        result.put("arp-replies", count(data.getArpReplies()));
        result.put("locations-learned", count(data.getLocationsLearned()));
        result.put("moves-applied", count(data.getMovesApplied()));
        result.put("migrations-prepared", count(data.getMigrationsPrepared()));
        result.put("sightings-refused", count(data.getSightingsRefused()));
        result.put("flow-changes", count(data.getFlowChanges()));
        return result;
    }

    private static long count(final @Nullable Uint64 value) {
        return value == null ? 0 : value.longValue();
    }

    private static Cloud cloud(final org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam
            .Cloud cloud) {
        final var switches = cloud.getSwitch();
        return new Cloud(cloud.requireId().getValue(), cloud.getDescription() == null ? "" : cloud.getDescription(),
            cloud.getTunnelEndpoint() == null ? "" : cloud.getTunnelEndpoint().stringValue(),
            switches == null ? List.of() : switches.stream().map(DatapathId::getValue).map(Object::toString).toList());
    }

    private static Network network(final VirtualNetwork network) {
        final var clouds = network.getCloud();
        return new Network(network.requireVni().getValue().longValue(),
            network.getName() == null ? "" : network.getName(), name(network.getMode(), "optimal"),
            clouds == null ? List.of() : clouds.stream().map(CloudId::getValue).sorted().toList());
    }

    private static String cloudName(final @Nullable CloudId cloud) {
        return cloud == null ? "" : cloud.getValue();
    }

    private static String name(final @Nullable EnumTypeObject value, final String orElse) {
        return value == null ? orElse : value.getName();
    }

    private static Optional<Instant> instant(final @Nullable DateAndTime time) {
        return time == null ? Optional.empty() : Optional.of(OffsetDateTime.parse(time.getValue()).toInstant());
    }

    @Override
    public void close() {
        registrations.forEach(Registration::close);
    }
}
