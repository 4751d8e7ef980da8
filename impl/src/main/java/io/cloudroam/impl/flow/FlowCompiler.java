/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import io.cloudroam.impl.config.CloudSpec;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.VirtualNetworkSpec;
import io.cloudroam.impl.flow.FlowSpec.Action;
import io.cloudroam.impl.flow.FlowSpec.Match;
import io.cloudroam.impl.location.Locations;
import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.packet.ArpFrames;
import io.cloudroam.impl.topology.LatencyProbes;
import io.cloudroam.impl.topology.NextHops;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the flows every integration bridge should hold from configuration, what each cloud's
 * OVSDB reports (bound VM ports, tunnel ports), where the VMs are and the overlay routes. Pure:
 * same input, same flows; nothing is sent from here. One code path serves every scope
 * ({@link Scope}): a whole switch, the flows of some VMs on every switch, the shared flows of a
 * switch whose ports changed; what a scope yields for a flow is what the whole compilation has for it.
 */
public final class FlowCompiler {
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private FlowCompiler() {
    }

    /**
     * The desired state of every switch, direct tunnels only.
     *
     * @param config configuration in force
     * @param views each cloud's OVSDB view, by cloud id (absent while not connected)
     * @param locations every known VM location
     * @return desired flows per datapath id; a switch whose bridge is not in its cloud's view is
     *         absent (its ports are unknown, so nothing can be said)
     */
    public static SortedMap<Long, Map<FlowKey, FlowSpec>> compile(final CloudroamConfig config,
            final Map<String, SwitchView> views, final List<VmLocation> locations) {
        return compile(FlowInputs.of(config, views, Locations.of(locations)), new Scope().all());
    }

    /**
     * The desired state of every switch, with the VMs' home clouds and the overlay routes.
     *
     * @param config configuration in force
     * @param views each cloud's OVSDB view, by cloud id (absent while not connected)
     * @param locations every known VM location
     * @param homes the cloud each VM was first seen in (for virtual networks in triangle mode)
     * @param nextHops overlay routes
     * @return desired flows per datapath id
     */
    public static SortedMap<Long, Map<FlowKey, FlowSpec>> compile(final CloudroamConfig config,
            final Map<String, SwitchView> views, final List<VmLocation> locations, final Map<VmKey, String> homes,
            final NextHops nextHops) {
        return compile(FlowInputs.of(config, views, Locations.of(locations), homes, nextHops), new Scope().all());
    }

    /**
     * The desired flows within a scope: for each switch with known ports that the scope touches,
     * exactly its desired flows that the scope {@link Scope#covers covers}.
     *
     * @param in what the flows are computed from
     * @param scope what to compute
     * @return desired flows per datapath id
     */
    public static SortedMap<Long, Map<FlowKey, FlowSpec>> compile(final FlowInputs in, final Scope scope) {
        final var result = new TreeMap<Long, Map<FlowKey, FlowSpec>>();
        final var config = in.config();
        final List<VmLocation> scoped = new ArrayList<>();
        for (var vm : scope.vms()) {
            in.locations().find(vm).ifPresent(scoped::add);
        }
        Collection<VmLocation> all = null;
        Map<Integer, Set<String>> allAddresses = null;
        Set<VmKey> detachedAll = null;
        final var detachedScoped = detached(in, scoped);
        for (var cloud : config.clouds().values()) {
            for (var dpid : cloud.switches()) {
                final var bridge = in.ports().get(dpid);
                if (bridge == null) {
                    continue;
                }
                if (scope.wholeOf(dpid)) {
                    if (all == null) {
                        all = in.locations().all();
                        allAddresses = addresses(all);
                        detachedAll = detached(in, all);
                    }
                    result.put(dpid, compileSwitch(in, cloud, dpid, bridge, all, allAddresses, detachedAll, true));
                } else if (scope.sharedOn(dpid) || !scope.vms().isEmpty() || !scope.addresses().isEmpty()) {
                    // a scoped VM no longer known has no flows: compared with nothing, its flows go
                    result.put(dpid, compileSwitch(in, cloud, dpid, bridge, scoped, scope.addresses(),
                        detachedScoped, scope.sharedOn(dpid)));
                }
            }
        }
        return result;
    }

    private static Map<Integer, Set<String>> addresses(final Collection<VmLocation> locations) {
        final var result = new HashMap<Integer, Set<String>>();
        for (var location : locations) {
            if (!location.ipAddresses().isEmpty()) {
                result.computeIfAbsent(location.vni(), vni -> new HashSet<>()).addAll(location.ipAddresses());
            }
        }
        return result;
    }

    /**
     * The VMs whose port is gone from their switch, as that switch's OVSDB reports (a VM whose switch
     * is not in a view is not detached: nothing is known). A detached VM is between its old port and
     * its next one, as during a live migration: frames for it are flooded over its virtual network
     * instead of sent toward the port that is gone, so they reach it the moment it appears elsewhere,
     * before cloudroam has even seen it there. The reactive baseline acts on a detected move only, as
     * controllers of that kind do.
     */
    private static Set<VmKey> detached(final FlowInputs in, final Collection<VmLocation> locations) {
        final var result = new HashSet<VmKey>();
        for (var location : locations) {
            final var bridge = in.ports().get(location.datapathId());
            final var network = in.config().networks().get(location.vni());
            if (bridge != null && !bridge.usable().contains(location.port())
                    && (network == null || network.mode() != VirtualNetworkSpec.Mode.REACTIVE)) {
                result.add(VmKey.of(location));
            }
        }
        return result;
    }

    private static Map<FlowKey, FlowSpec> compileSwitch(final FlowInputs in, final CloudSpec cloud, final long dpid,
            final BridgePorts bridge, final Collection<VmLocation> locations, final Map<Integer, Set<String>> addresses,
            final Set<VmKey> detached, final boolean shared) {
        final var config = in.config();
        final var portVni = bridge.portVni();
        final var tunnels = bridge.tunnels();
        final Long loopOut = bridge.loopOut().orElse(null);
        final Long loopIn = bridge.loopIn().orElse(null);
        final var flows = new HashMap<FlowKey, FlowSpec>();
        if (shared) {
            // table misses
            shared(flows, Pipeline.CLASSIFY, Pipeline.MISS, "miss", Match.ANY, List.of(), null, null);
            shared(flows, Pipeline.SOURCE, Pipeline.MISS, "miss", Match.ANY,
                List.of(new Action.Output(Pipeline.CONTROLLER)), null, Pipeline.ARP);
            shared(flows, Pipeline.SOURCE, Pipeline.BYPASS, "from-tunnel",
                Match.ANY.metadata(Pipeline.FROM_TUNNEL, Pipeline.FROM_TUNNEL), List.of(), null, Pipeline.ARP);
            shared(flows, Pipeline.ARP, Pipeline.MISS, "miss", Match.ANY, List.of(), null, Pipeline.DESTINATION);
            shared(flows, Pipeline.DESTINATION, Pipeline.MISS, "miss", Match.ANY, List.of(), null, Pipeline.FLOOD);
            // answers to the controller's ARP probes were copied to it by the source table; they go no further
            shared(flows, Pipeline.DESTINATION, Pipeline.SPECIFIC, "probe-answers",
                Match.ANY.ethDst(ArpFrames.PROBE_MAC), List.of(), null, null);
            shared(flows, Pipeline.FLOOD, Pipeline.MISS, "miss", Match.ANY, List.of(), null, null);

            // latency probes of the controller (tunnel id 0, which no VM frame has) cross the probe loop,
            // which clears their tunnel metadata, and go back to the controller
            if (loopOut != null && loopIn != null) {
                final long out = loopOut;
                tunnels.forEach((remote, port) -> shared(flows, Pipeline.CLASSIFY, Pipeline.SPECIFIC,
                    "probes-" + remote, Match.ANY.inPort(port).tunnelId(0).ethType(LatencyProbes.ETHER_TYPE),
                    List.of(new Action.Output(out)), null, null));
                shared(flows, Pipeline.CLASSIFY, Pipeline.SPECIFIC, "probes-back",
                    Match.ANY.inPort(loopIn).ethType(LatencyProbes.ETHER_TYPE),
                    List.of(new Action.Output(Pipeline.CONTROLLER)), null, null);
            }

            // classification of VM ports and of tunnels, per VNI both ends share
            portVni.forEach((port, vni) -> shared(flows, Pipeline.CLASSIFY, Pipeline.SPECIFIC, "port-" + port,
                Match.ANY.inPort(port), List.of(), (long) vni, Pipeline.SOURCE));
        }
        final var vnisHere = new TreeMap<Integer, SortedSet<String>>();
        for (var vni : config.networks().keySet()) {
            final var spanned = in.bound().cloudsOf(config, vni);
            if (spanned.contains(cloud.id())) {
                final var remotes = new TreeSet<>(spanned);
                remotes.remove(cloud.id());
                remotes.retainAll(tunnels.keySet());
                vnisHere.put(vni, remotes);
                for (var remote : shared ? remotes : Set.<String>of()) {
                    final var tunnelPort = tunnels.get(remote);
                    shared(flows, Pipeline.CLASSIFY, Pipeline.SPECIFIC, "tunnel-" + remote + "-" + vni,
                        Match.ANY.inPort(tunnelPort).tunnelId(vni), List.of(), (long) vni | Pipeline.FROM_TUNNEL,
                        Pipeline.SOURCE);
                }
            }
        }

        // per VM: source and destination entries
        for (var location : locations) {
            if (vnisHere.containsKey(location.vni())) {
                vmFlows(in, flows, cloud, dpid, portVni, tunnels, vnisHere.get(location.vni()), location, detached);
            }
        }
        // per address a VM holds: ARP requests for it go to the controller, which answers
        addresses.forEach((vni, held) -> {
            if (vnisHere.containsKey(vni)) {
                for (var address : held) {
                    final var ip4 = Ipv4.parse(address);
                    if (ip4 != null && in.locations().holderOf(vni, address).isPresent()) {
                        // broadcast requests only: a guest re-checking a cached entry asks the VM itself
                        // (unicast), which answers whether or not a controller is there to
                        final var key = new FlowKey.Arp(vni, address);
                        flows.put(key, flow(key, Pipeline.SPECIFIC,
                            Match.ANY.metadata(vni, Pipeline.METADATA_MASK).ethDst(BROADCAST).arpRequestFor(ip4),
                            List.of(new Action.Output(Pipeline.CONTROLLER)), null, null));
                    }
                }
            }
        });

        // flooding: local ports of the VNI, plus its remote clouds for frames from VM ports
        if (shared) {
            final var localPorts = new HashMap<Integer, List<Long>>();
            portVni.forEach((port, vni) -> localPorts.computeIfAbsent(vni, v -> new ArrayList<>()).add(port));
            vnisHere.forEach((vni, remotes) -> {
                final var locals = localPorts.getOrDefault(vni, List.of()).stream()
                    .<Action>map(Action.Output::new).toList();
                final var fromVm = new ArrayList<Action>(locals);
                if (!remotes.isEmpty()) {
                    fromVm.add(new Action.SetTunnelId(vni));
                    remotes.forEach(remote -> fromVm.add(new Action.Output(tunnels.get(remote))));
                }
                shared(flows, Pipeline.FLOOD, Pipeline.SPECIFIC, "vni-" + vni,
                    Match.ANY.metadata(vni, Pipeline.METADATA_MASK), fromVm, null, null);
                shared(flows, Pipeline.FLOOD, Pipeline.SPECIFIC, "vni-" + vni + "-from-tunnel",
                    Match.ANY.metadata(vni | Pipeline.FROM_TUNNEL, Pipeline.METADATA_MASK), locals, null, null);
            });
        }
        return flows;
    }

    /** One VM's source and destination entries on one switch. */
    private static void vmFlows(final FlowInputs in, final Map<FlowKey, FlowSpec> flows, final CloudSpec cloud,
            final long dpid, final SortedMap<Long, Integer> portVni, final SortedMap<String, Long> tunnels,
            final SortedSet<String> remotes, final VmLocation location, final Set<VmKey> detached) {
        final int vni = location.vni();
        final var vm = VmKey.of(location);
        final var mac = location.mac();
        if (detached.contains(vm)) {
            return; // no unicast entry anywhere: frames for it flood until it is seen at its new port
        }
        final boolean local = location.cloud().equals(cloud.id()) && location.datapathId() == dpid
            && Integer.valueOf(vni).equals(portVni.get(location.port()));
        if (local) {
            final var source = Match.ANY.metadata(vni, Pipeline.METADATA_MASK).inPort(location.port())
                .ethSrc(mac.bits());
            vm(flows, vm, FlowKey.Role.SOURCE, Pipeline.SPECIFIC, source, List.of(), Pipeline.ARP);
            // a known VM's ARP still reaches the controller: it tells which IPv4 addresses the VM uses
            vm(flows, vm, FlowKey.Role.SOURCE_ARP, Pipeline.SPECIFIC + 1, source.arp(),
                List.of(new Action.Output(Pipeline.CONTROLLER)), Pipeline.ARP);
            final var toVm = new ArrayList<Action>(List.of(new Action.Output(location.port())));
            final var preparedTo = in.prepared().get(vm);
            if (preparedTo != null && copiesTo(in, cloud.id(), preparedTo) && remotes.contains(preparedTo)
                    && tunnels.containsKey(preparedTo)) {
                // a migration to that cloud is prepared: a copy of every frame for the VM goes there now,
                // over the direct tunnel, held back there until the move
                toVm.add(new Action.SetTunnelId(vni));
                toVm.add(new Action.Output(tunnels.get(preparedTo)));
            }
            vm(flows, vm, FlowKey.Role.DESTINATION, Pipeline.SPECIFIC,
                Match.ANY.metadata(vni, Pipeline.VNI_MASK).ethDst(mac.bits()), toVm, null);
            return;
        }
        if (cloud.id().equals(in.prepared().get(vm)) && copiesTo(in, location.cloud(), cloud.id())
                && tunnels.containsKey(location.cloud())) {
            // the VM's migration here is prepared: the copies its cloud sends stop here until the move
            // (above the relay, which would send them back)
            vm(flows, vm, FlowKey.Role.PREPARED, Pipeline.SPECIFIC + 1,
                Match.ANY.metadata(vni | Pipeline.FROM_TUNNEL, Pipeline.METADATA_MASK)
                    .inPort(tunnels.get(location.cloud())).ethDst(mac.bits()), List.of(), null);
        }
        // triangle mode: a VM away from home is reached through its home, which relays
        final var home = in.homes().get(vm);
        final var network = in.config().networks().get(vni);
        final boolean away = network != null && network.mode() == VirtualNetworkSpec.Mode.TRIANGLE
            && home != null && !home.equals(location.cloud());
        final String via;
        if (away) {
            via = home.equals(cloud.id()) ? location.cloud() : home;
        } else {
            // optimal: the overlay route toward the VM's cloud, through a third cloud when faster
            via = in.nextHops().via(location.cloud(), cloud.id()).filter(remotes::contains).orElse(location.cloud());
        }
        final var tunnelPort = tunnels.get(via);
        if (tunnelPort != null && remotes.contains(via)) {
            final var toVm = List.<Action>of(new Action.SetTunnelId(vni), new Action.Output(tunnelPort));
            vm(flows, vm, FlowKey.Role.DESTINATION, Pipeline.SPECIFIC,
                Match.ANY.metadata(vni, Pipeline.METADATA_MASK).ethDst(mac.bits()), toVm, null);
            // frames for the VM arriving over a tunnel are relayed on: by a transit cloud of the
            // route, by the home in triangle mode, and by the VM's old cloud for frames in flight
            if (!away || home.equals(cloud.id())) {
                vm(flows, vm, FlowKey.Role.RELAY, Pipeline.SPECIFIC,
                    Match.ANY.metadata(vni | Pipeline.FROM_TUNNEL, Pipeline.METADATA_MASK).ethDst(mac.bits()), toVm,
                    null);
            }
        }
    }

    /**
     * Whether a VM's cloud copies its frames to the destination of its prepared migration: only when the
     * destination reaches the VM's cloud directly. Its relay entry for the VM then points back into the
     * tunnel a copy came from, which a switch never sends a frame out of (OpenFlow drops output to the
     * ingress port), so no copy can loop, whichever of the two clouds gets its flows first; through a
     * third cloud the copy would come back before the destination's drop is in place.
     */
    private static boolean copiesTo(final FlowInputs in, final String vmCloud, final String destination) {
        return !vmCloud.equals(destination)
            && in.nextHops().via(vmCloud, destination).orElse(vmCloud).equals(vmCloud);
    }

    private static void shared(final Map<FlowKey, FlowSpec> flows, final short table, final int priority,
            final String id, final Match match, final List<Action> actions, final Long metadata,
            final Short gotoTable) {
        final var key = new FlowKey.Shared(table, id);
        flows.put(key, flow(key, priority, match, actions, metadata, gotoTable));
    }

    private static void vm(final Map<FlowKey, FlowSpec> flows, final VmKey vm, final FlowKey.Role role,
            final int priority, final Match match, final List<Action> actions, final Short gotoTable) {
        final var key = new FlowKey.OfVm(vm, role);
        flows.put(key, flow(key, priority, match, actions, null, gotoTable));
    }

    private static FlowSpec flow(final FlowKey key, final int priority, final Match match, final List<Action> actions,
            final Long metadata, final Short gotoTable) {
        return new FlowSpec(key.table(), priority, key.id(), match, actions, metadata,
            metadata == null ? 0 : Pipeline.METADATA_MASK, gotoTable);
    }
}
