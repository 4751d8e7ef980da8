/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.config.CloudSpec;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.PortBindingIndex;
import io.cloudroam.impl.flow.BridgePorts;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.Announcement;
import io.cloudroam.impl.migration.PortEvidence;
import io.cloudroam.impl.ovsdb.OvsdbLink;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.topology.LatencyProbes;
import io.cloudroam.impl.topology.NetworkMtus;
import io.cloudroam.impl.topology.PathMtu;
import io.cloudroam.impl.tunnel.TunnelPlanner;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clouds as configured and as their OVSDB reports them: one session per cloud, the tunnel
 * ports cloudroam creates and removes, and each switch's ports read once per view. Confined to the
 * fabric's thread, but for the packet-in lookup ({@link #lookup()}), which is replaced whole.
 */
final class Overlay {
    private static final Logger LOG = LoggerFactory.getLogger(Overlay.class);

    /**
     * What packet-in handling needs to place a frame, replaced whole on every change.
     *
     * @param cloudOf cloud of each switch
     * @param vniOf virtual network of each bound port, per switch
     */
    record Lookup(Map<Long, String> cloudOf, Map<Long, Map<Long, Integer>> vniOf) {
        static final Lookup EMPTY = new Lookup(Map.of(), Map.of());
    }

    /**
     * How a view changed a cloud.
     *
     * @param before the cloud's previous view ({@link SwitchView#EMPTY} for the first)
     * @param vmPorts the VM ports that changed, by switch; {@code null} when more than VM ports did
     *        (a bridge, a tunnel, the probe loop, or the first view), which only a whole
     *        synchronisation can follow
     */
    record ViewChange(SwitchView before, Map<Long, Set<Long>> vmPorts) {
    }

    /**
     * A switch port in a cloud.
     *
     * @param datapathId the switch
     * @param port the port
     */
    record Port(long datapathId, long port) {
    }

    private final Fabric.SessionFactory sessions;
    private final StatePublisher publisher;
    private final Consumer<FabricEvent> post;
    private CloudroamConfig config = CloudroamConfig.EMPTY;
    private PortBindingIndex bindings = config.portBindingIndex();
    private final Map<String, OvsdbLink> open = new HashMap<>();
    private final Map<String, CloudSpec> openFor = new HashMap<>();
    private final Map<String, SwitchView> views = new HashMap<>();
    /** The VM port names last published for each cloud. */
    private final Map<String, Map<Long, Map<Long, String>>> publishedNames = new HashMap<>();
    private final Set<String> tunnelTransactionInFlight = new HashSet<>();
    private final Set<String> viewsDuringTransaction = new HashSet<>();
    /** Each switch's ports as its cloud's view reports them, read once per view (and configuration). */
    private final Map<Long, BridgePorts> ports = new HashMap<>();
    private final PluggedPorts plugged = new PluggedPorts();
    private final Clock clock;
    private final Function<LatencyProbes.Link, PathMtu.Estimate> pathMtus;
    private volatile Lookup lookup = Lookup.EMPTY;

    Overlay(final Fabric.SessionFactory sessions, final StatePublisher publisher, final Consumer<FabricEvent> post,
            final Clock clock, final Function<LatencyProbes.Link, PathMtu.Estimate> pathMtus) {
        this.pathMtus = requireNonNull(pathMtus);
        this.sessions = requireNonNull(sessions);
        this.publisher = requireNonNull(publisher);
        this.post = requireNonNull(post);
        this.clock = requireNonNull(clock);
    }

    CloudroamConfig config() {
        return config;
    }

    PortBindingIndex bindings() {
        return bindings;
    }

    Map<Long, BridgePorts> ports() {
        return ports;
    }

    Map<String, SwitchView> views() {
        return views;
    }

    Lookup lookup() {
        return lookup;
    }

    /**
     * Puts a configuration in force: sessions opened, replaced or closed, tunnels reconciled,
     * ports read again.
     *
     * @param applied the configuration
     * @return the clouds that left the configuration
     */
    List<String> configure(final CloudroamConfig applied) {
        config = applied;
        bindings = applied.portBindingIndex();
        final var retired = new ArrayList<String>();
        for (var id : new ArrayList<>(open.keySet())) {
            final var spec = applied.clouds().get(id);
            if (spec == null || !sameOvsdb(spec, openFor.get(id))) {
                retire(id, applied);
                retired.add(id);
            }
        }
        for (var spec : applied.clouds().values()) {
            if (!open.containsKey(spec.id()) && spec.ovsdbAddress().isPresent()) {
                final var id = spec.id();
                open.put(id, sessions.apply(spec, view -> post.accept(new FabricEvent.ViewArrived(id, view))));
                openFor.put(id, spec);
            }
        }
        for (var id : open.keySet()) {
            reconcileTunnels(id);
        }
        ports.clear();
        ports.putAll(BridgePorts.of(config, views, bindings));
        refreshLookup();
        return retired;
    }

    private static boolean sameOvsdb(final CloudSpec wanted, final CloudSpec current) {
        return current != null && wanted.ovsdbAddress().equals(current.ovsdbAddress())
            && wanted.ovsdbPort() == current.ovsdbPort();
    }

    /** Stops managing a cloud: its tunnel ports go first (if it is reachable), then the session. */
    private void retire(final String id, final CloudroamConfig applied) {
        final var session = open.remove(id);
        openFor.remove(id);
        final var view = views.remove(id);
        publisher.tunnels(id, List.of());
        publishedNames.remove(id);
        final var plan = view == null ? null : TunnelPlanner.plan(applied, id, view);
        if (plan == null || plan.isEmpty()) {
            session.close();
            return;
        }
        LOG.info("Cloud {} left the configuration: removing its tunnels {}", id,
            plan.removes().stream().map(TunnelPlanner.Remove::name).toList());
        session.transact(TunnelPlanner.transaction(plan)).whenComplete((result, failure) -> {
            if (failure != null) {
                LOG.warn("Cloud {}: could not remove its tunnels: {}", id, failure.getMessage());
            }
            session.close();
        });
    }

    /**
     * A cloud's OVSDB reported its switch.
     *
     * @param cloud the cloud
     * @param view the view
     * @return how it changed; empty when the cloud is not managed (any more)
     */
    Optional<ViewChange> view(final String cloud, final SwitchView view) {
        if (!open.containsKey(cloud)) {
            return Optional.empty();
        }
        final var previous = views.put(cloud, view);
        plugged.view(previous, view, clock.instant());
        final Map<Long, BridgePorts> before = previous == null ? null : portsOf(cloud);
        switchesOf(cloud).forEach(ports::remove);
        final var after = BridgePorts.of(config, cloud, view, bindings);
        ports.putAll(after);
        refreshLookup();
        final var names = vmPortNames(view, after);
        if (!names.equals(publishedNames.put(cloud, names))) {
            publisher.portNames(cloud, names);
        }
        if (tunnelTransactionInFlight.contains(cloud)) {
            viewsDuringTransaction.add(cloud);
        }
        publishTunnels(cloud);
        reconcileTunnels(cloud);
        return Optional.of(new ViewChange(previous == null ? SwitchView.EMPTY : previous,
            before == null ? null : changedVmPorts(before, after)));
    }

    /**
     * The name of each VM port of a cloud's switches ({@link SwitchView.Interface#vmName()}), by
     * switch and OpenFlow port.
     *
     * @param view the cloud's view
     * @param ports its switches' ports, as {@link BridgePorts#of} read them from that view
     * @return by datapath id
     */
    static Map<Long, Map<Long, String>> vmPortNames(final SwitchView view, final Map<Long, BridgePorts> ports) {
        final var result = new HashMap<Long, Map<Long, String>>();
        for (var bridge : view.bridges()) {
            final var dpid = bridge.datapathId();
            final var bridgePorts = dpid.map(ports::get);
            if (bridgePorts.isEmpty()) {
                continue;
            }
            final var names = new HashMap<Long, String>();
            for (var iface : bridge.interfaces()) {
                iface.usablePort().filter(bridgePorts.orElseThrow().portVni()::containsKey)
                    .ifPresent(port -> names.put(port, iface.vmName()));
            }
            result.put(dpid.orElseThrow(), Map.copyOf(names));
        }
        return Map.copyOf(result);
    }

    private Map<Long, BridgePorts> portsOf(final String cloud) {
        final var result = new HashMap<Long, BridgePorts>();
        for (var dpid : switchesOf(cloud)) {
            final var bridge = ports.get(dpid);
            if (bridge != null) {
                result.put(dpid, bridge);
            }
        }
        return result;
    }

    /**
     * The VM ports that differ between two readings of a cloud's switches, by switch; {@code null} when
     * more than VM ports changed.
     */
    private static Map<Long, Set<Long>> changedVmPorts(final Map<Long, BridgePorts> before,
            final Map<Long, BridgePorts> after) {
        if (!before.keySet().equals(after.keySet())) {
            return null;
        }
        final var result = new HashMap<Long, Set<Long>>();
        for (var entry : after.entrySet()) {
            final var was = before.get(entry.getKey());
            if (!was.sameLinks(entry.getValue())) {
                return null;
            }
            final var changed = was.changedPorts(entry.getValue());
            if (!changed.isEmpty()) {
                result.put(entry.getKey(), changed);
            }
        }
        return result;
    }

    private void reconcileTunnels(final String cloud) {
        final var session = open.get(cloud);
        final var view = views.get(cloud);
        if (session == null || view == null || view.bridges().isEmpty() || tunnelTransactionInFlight.contains(cloud)) {
            return;
        }
        final var plan = TunnelPlanner.plan(config, cloud, view);
        if (plan.isEmpty()) {
            return;
        }
        LOG.info("Cloud {}: adding tunnels {}, removing {}", cloud,
            plan.adds().stream().map(TunnelPlanner.Add::name).toList(),
            plan.removes().stream().map(TunnelPlanner.Remove::name).toList());
        tunnelTransactionInFlight.add(cloud);
        viewsDuringTransaction.remove(cloud);
        session.transact(TunnelPlanner.transaction(plan)).whenComplete((result, failure) -> post.accept(
            new FabricEvent.TunnelTransactionDone(cloud, Optional.ofNullable(failure).map(Throwable::getMessage))));
    }

    /**
     * A tunnel transaction ended.
     *
     * @param cloud the cloud
     * @param failure why it failed, if it did
     */
    void tunnelTransactionDone(final String cloud, final Optional<String> failure) {
        tunnelTransactionInFlight.remove(cloud);
        if (failure.isPresent()) {
            LOG.warn("Cloud {}: tunnel transaction failed: {}", cloud, failure.orElseThrow());
        } else if (viewsDuringTransaction.remove(cloud)) {
            // views that came while the transaction ran (ours among them) were not acted on
            reconcileTunnels(cloud);
        }
    }

    private void publishTunnels(final String cloud) {
        publisher.tunnels(cloud, tunnelStates(cloud, views.getOrDefault(cloud, SwitchView.EMPTY))
            .map(this::measured).toList());
    }

    /** Publishes every cloud's tunnels again (what path MTU discovery knows of them changed). */
    void publishTunnels() {
        views.keySet().stream().sorted().forEach(this::publishTunnels);
    }

    private TunnelState measured(final TunnelState tunnel) {
        final var link = new LatencyProbes.Link(tunnel.cloud(), tunnel.remoteCloud());
        final var estimate = pathMtus.apply(link);
        return tunnel.withPathMtu(estimate, NetworkMtus.overlayMtu(config, link, estimate));
    }

    /** The tunnel ports of one cloud's switch view, with their state. */
    static Stream<TunnelState> tunnelStates(final String cloud, final SwitchView view) {
        return view.bridges().stream().flatMap(bridge -> bridge.interfaces().stream())
            .filter(iface -> iface.remoteCloud().isPresent())
            .map(iface -> TunnelState.of(cloud, iface));
    }

    /** Every tunnel port cloudroam created, by cloud then remote cloud. */
    List<TunnelState> tunnels() {
        return views.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .flatMap(view -> tunnelStates(view.getKey(), view.getValue()).map(this::measured)
                .sorted(Comparator.comparing(TunnelState::remoteCloud)))
            .toList();
    }

    boolean ovsdbConnected(final String cloud) {
        return !views.getOrDefault(cloud, SwitchView.EMPTY).bridges().isEmpty();
    }

    /** Whether the port the table has a VM at still exists (as its cloud's OVSDB reports). */
    boolean portExists(final VmLocation location) {
        final var bridge = ports.get(location.datapathId());
        return views.containsKey(location.cloud()) && bridge != null && bridge.usable().contains(location.port());
    }

    /**
     * What shows that the port a VM was seen at was plugged for it (see {@link PortEvidence}).
     *
     * @param current where the table has the VM
     * @param proposed where it was seen
     * @return the verification it allows, if any
     */
    Optional<String> destinationEvidence(final VmLocation current, final VmLocation proposed) {
        final var was = plugged.at(current.datapathId(), current.port());
        final var is = plugged.at(proposed.datapathId(), proposed.port());
        return was.isEmpty() || is.isEmpty() ? Optional.empty()
            : PortEvidence.of(current.mac(), was.orElseThrow(), is.orElseThrow());
    }

    /**
     * A VM port as plugged, with its cloud and virtual network.
     *
     * @param cloud the cloud of its switch
     * @param vni the virtual network it is bound to
     * @param plugged the port
     */
    record BoundPort(String cloud, int vni, PortEvidence.Plugged plugged) {
    }

    /**
     * A VM port bound to a virtual network, as its cloud's OVSDB reports it.
     *
     * @param datapathId its switch
     * @param port its number
     * @return it; empty when it does not exist or is bound to no virtual network
     */
    Optional<BoundPort> boundPort(final long datapathId, final long port) {
        final var cloud = lookup.cloudOf().get(datapathId);
        final var bridge = ports.get(datapathId);
        final var vni = bridge == null ? null : bridge.portVni().get(port);
        if (cloud == null || vni == null) {
            return Optional.empty();
        }
        return plugged.at(datapathId, port).map(at -> new BoundPort(cloud, vni, at));
    }

    /**
     * A VM port as plugged.
     *
     * @param datapathId its switch
     * @param port its number
     * @return it, unless its switch does not report it
     */
    Optional<PortEvidence.Plugged> plugged(final long datapathId, final long port) {
        return plugged.at(datapathId, port);
    }

    /**
     * The VM ports carrying an iface-id.
     *
     * @param ifaceId the iface-id
     * @return the ports
     */
    Set<Port> portsWithIfaceId(final String ifaceId) {
        return plugged.withIfaceId(ifaceId);
    }

    Set<Long> switchesOf(final String cloud) {
        final var spec = config.clouds().get(cloud);
        return spec == null ? Set.of() : Set.copyOf(spec.switches());
    }

    Set<Long> configuredSwitches() {
        final var result = new HashSet<Long>();
        config.clouds().values().forEach(cloud -> result.addAll(cloud.switches()));
        return result;
    }

    /** The VM's port in the announced target cloud, bound to its virtual network, if it exists. */
    Optional<Port> targetPort(final Announcement announcement) {
        final var cloud = config.clouds().get(announcement.targetCloud());
        if (cloud == null) {
            return Optional.empty();
        }
        final var view = views.getOrDefault(cloud.id(), SwitchView.EMPTY);
        for (var dpid : cloud.switches()) {
            for (var iface : view.bridge(dpid).map(SwitchView.Bridge::interfaces).orElse(List.of())) {
                final var ids = iface.externalIds();
                final boolean named = announcement.targetPort().map(port -> port.equals(iface.name())
                    || port.equals(ids.get("iface-id"))).orElse(false);
                final boolean carriesMac = MacAddress.tryParse(ids.getOrDefault("attached-mac", ""))
                    .filter(announcement.mac()::equals).isPresent();
                if ((named || carriesMac) && iface.usablePort().isPresent()
                        && bindingOf(cloud.id(), iface).filter(vni -> vni == announcement.vni()).isPresent()) {
                    return Optional.of(new Port(dpid, iface.usablePort().orElseThrow()));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Integer> bindingOf(final String cloud, final SwitchView.Interface iface) {
        if (iface.remoteCloud().isPresent()) {
            return Optional.empty();
        }
        return bindings.vniOfPort(cloud, iface.name(), iface.externalIds().get("iface-id"));
    }

    private void refreshLookup() {
        final var cloudOf = new HashMap<Long, String>();
        final var vniOf = new HashMap<Long, Map<Long, Integer>>();
        for (var cloud : config.clouds().values()) {
            cloud.switches().forEach(dpid -> {
                cloudOf.put(dpid, cloud.id());
                vniOf.put(dpid, Optional.ofNullable(ports.get(dpid)).<Map<Long, Integer>>map(BridgePorts::portVni)
                    .orElse(Map.of()));
            });
        }
        lookup = new Lookup(Map.copyOf(cloudOf), Map.copyOf(vniOf));
    }

    /** Closes every session. */
    void close() {
        open.values().forEach(OvsdbLink::close);
        open.clear();
    }
}
