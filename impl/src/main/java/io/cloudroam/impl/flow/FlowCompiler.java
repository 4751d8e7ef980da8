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
import io.cloudroam.impl.config.PortBindingIndex;
import io.cloudroam.impl.config.VirtualNetworkSpec;
import io.cloudroam.impl.flow.FlowSpec.Action;
import io.cloudroam.impl.flow.FlowSpec.Match;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.packet.ArpFrames;
import io.cloudroam.impl.topology.LatencyProbes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongPredicate;

/**
 * Computes the flows every integration bridge should hold from configuration, what each cloud's
 * OVSDB reports (bound VM ports, tunnel ports) and where the VMs are. Pure: same input, same
 * flows; nothing is sent from here.
 */
public final class FlowCompiler {
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private FlowCompiler() {
    }

    /**
     * The desired state.
     *
     * @param config configuration in force
     * @param views each cloud's OVSDB view, by cloud id (absent while not connected)
     * @param locations every known VM location
     * @return desired flows per datapath id, keyed by {@link #key}; a switch whose bridge is not
     *         in its cloud's view is absent (its ports are unknown, so nothing can be said)
     */
    public static SortedMap<Long, Map<String, FlowSpec>> compile(final CloudroamConfig config,
            final Map<String, SwitchView> views, final List<VmLocation> locations) {
        return compile(config, views, locations, Map.of(), Map.of());
    }

    /**
     * The desired state, with the VMs' home clouds (for virtual networks in triangle mode).
     *
     * @param config configuration in force
     * @param views each cloud's OVSDB view, by cloud id (absent while not connected)
     * @param locations every known VM location
     * @param homes the cloud each VM was first seen in, keyed "vni/mac"
     * @param nextHops overlay routes: for each destination cloud, each other cloud's next hop toward it
     *        (a cloud missing there sends straight into the tunnel to the destination)
     * @return desired flows per datapath id, keyed by {@link #key}
     */
    public static SortedMap<Long, Map<String, FlowSpec>> compile(final CloudroamConfig config,
            final Map<String, SwitchView> views, final List<VmLocation> locations, final Map<String, String> homes,
            final Map<String, Map<String, String>> nextHops) {
        final var bound = config.portBindingIndex();
        return compile(config, BridgePorts.of(config, views, bound), locations, homes, nextHops, dpid -> true, bound);
    }

    /**
     * The desired state of some switches only (the first phase of a migration needs its new cloud's).
     *
     * @param config configuration in force
     * @param ports each switch's ports, as its cloud's OVSDB view reports them ({@link BridgePorts#of}); a
     *        switch missing there gets no flows
     * @param locations every known VM location
     * @param homes the cloud each VM was first seen in, keyed "vni/mac"
     * @param nextHops overlay routes, as {@link #compile(CloudroamConfig, Map, List, Map, Map)}
     * @param only which datapath ids to compile
     * @param bound the configuration's port bindings, indexed ({@link CloudroamConfig#portBindingIndex})
     * @return desired flows of those switches, keyed by {@link #key}
     */
    public static SortedMap<Long, Map<String, FlowSpec>> compile(final CloudroamConfig config,
            final Map<Long, BridgePorts> ports, final List<VmLocation> locations, final Map<String, String> homes,
            final Map<String, Map<String, String>> nextHops, final LongPredicate only, final PortBindingIndex bound) {
        return compileSwitches(config, bound, ports, locations, homes, nextHops, only, true);
    }

    /**
     * The flows of one VM only ({@link #vmKeys}) on some switches: what {@link #compile} has for
     * it, without the flows every switch shares (classification, flooding, misses), whose
     * making grows with the number of ports. A migration needs no more.
     *
     * @param config configuration in force
     * @param ports each switch's ports ({@link BridgePorts#of})
     * @param location where the VM is
     * @param homes the cloud each VM was first seen in, keyed "vni/mac"
     * @param nextHops overlay routes, as {@link #compile(CloudroamConfig, Map, List, Map, Map)}
     * @param only which datapath ids to compile
     * @param bound the configuration's port bindings, indexed ({@link CloudroamConfig#portBindingIndex})
     * @return the VM's flows on those switches, keyed by {@link #key}
     */
    public static SortedMap<Long, Map<String, FlowSpec>> compileVm(final CloudroamConfig config,
            final Map<Long, BridgePorts> ports, final VmLocation location, final Map<String, String> homes,
            final Map<String, Map<String, String>> nextHops, final LongPredicate only, final PortBindingIndex bound) {
        return compileSwitches(config, bound, ports, List.of(location), homes, nextHops, only, false);
    }

    /**
     * The flows every switch has whatever VMs there are ({@link #compile} with no VM): classification,
     * flooding, misses, probes. A change of VM ports changes only these and the flows of the VMs at
     * those ports.
     *
     * @param config configuration in force
     * @param ports each switch's ports ({@link BridgePorts#of})
     * @param only which datapath ids to compile
     * @param bound the configuration's port bindings, indexed ({@link CloudroamConfig#portBindingIndex})
     * @return those flows, keyed by {@link #key}; none of their keys is a VM's ({@link #isVmKey})
     */
    public static SortedMap<Long, Map<String, FlowSpec>> compileShared(final CloudroamConfig config,
            final Map<Long, BridgePorts> ports, final LongPredicate only, final PortBindingIndex bound) {
        return compileSwitches(config, bound, ports, List.of(), Map.of(), Map.of(), only, true);
    }

    private static SortedMap<Long, Map<String, FlowSpec>> compileSwitches(final CloudroamConfig config,
            final PortBindingIndex bound, final Map<Long, BridgePorts> ports, final List<VmLocation> locations,
            final Map<String, String> homes, final Map<String, Map<String, String>> nextHops, final LongPredicate only,
            final boolean shared) {
        final var result = new TreeMap<Long, Map<String, FlowSpec>>();
        final var detached = new HashSet<String>();
        // the reactive baseline acts on a detected move only, as controllers of that kind do
        locations.stream().filter(location -> detached(ports, location))
            .filter(location -> !Optional.ofNullable(config.networks().get(location.vni()))
                .map(network -> network.mode() == VirtualNetworkSpec.Mode.REACTIVE).orElse(false))
            .forEach(location -> detached.add(location.vni() + "/" + location.mac()));
        for (var cloud : config.clouds().values()) {
            for (var dpid : cloud.switches()) {
                final var bridge = ports.get(dpid);
                if (bridge != null && only.test(dpid)) {
                    result.put(dpid, compileSwitch(config, bound, cloud, dpid, bridge, locations, homes, nextHops,
                        detached, shared));
                }
            }
        }
        return result;
    }

    /**
     * Whether a VM's port is gone from its switch, as that switch's OVSDB reports (a VM whose switch
     * is not in a view is not detached: nothing is known). A detached VM is between its old port and
     * its next one, as during a live migration: frames for it are flooded over its virtual network
     * instead of sent toward the port that is gone, so they reach it the moment it appears elsewhere,
     * before cloudroam has even seen it there.
     */
    private static boolean detached(final Map<Long, BridgePorts> ports, final VmLocation location) {
        final var bridge = ports.get(location.datapathId());
        return bridge != null && !bridge.usable().contains(location.port());
    }

    /**
     * The keys every flow {@link #compile} may make for one VM has, on any switch: its source,
     * ARP-copy, destination and relay entries and one ARP entry per IPv4 address. A migration
     * changes only these, so it compares only these (see {@code Fabric}).
     *
     * @param vni the VM's virtual network
     * @param mac its MAC
     * @param addresses its addresses
     * @return "table/id" keys
     */
    public static Set<String> vmKeys(final int vni, final MacAddress mac, final Set<String> addresses) {
        final var id = "vm-" + vni + "-" + mac;
        final var keys = new HashSet<String>();
        keys.add(Pipeline.SOURCE + "/" + id);
        keys.add(Pipeline.SOURCE + "/" + id + "-arp");
        keys.add(Pipeline.DESTINATION + "/" + id);
        keys.add(Pipeline.DESTINATION + "/" + id + "-relay");
        addresses.forEach(address -> keys.add(Pipeline.ARP + "/" + arpId(vni, address)));
        return keys;
    }

    private static String arpId(final int vni, final String address) {
        return "arp-" + vni + "-" + address;
    }

    /**
     * The key of a flow in a switch's map: table and id.
     *
     * @param flow the flow
     * @return "table/id"
     */
    public static String key(final FlowSpec flow) {
        return flow.table() + "/" + flow.id();
    }

    /**
     * Whether a key ({@link #key}) is one of a VM's ({@link #vmKeys}) rather than one every switch has
     * whatever VMs there are ({@link #compileShared}).
     *
     * @param key "table/id"
     * @return true for a VM's
     */
    public static boolean isVmKey(final String key) {
        final int slash = key.indexOf('/');
        return key.startsWith("vm-", slash + 1) || key.startsWith("arp-", slash + 1);
    }

    private static Map<String, FlowSpec> compileSwitch(final CloudroamConfig config, final PortBindingIndex bound,
            final CloudSpec cloud, final long dpid, final BridgePorts bridge, final List<VmLocation> locations,
            final Map<String, String> homes, final Map<String, Map<String, String>> nextHops,
            final Set<String> detached, final boolean shared) {
        final var portVni = bridge.portVni();
        final var tunnels = bridge.tunnels();
        final Long loopOut = bridge.loopOut().orElse(null);
        final Long loopIn = bridge.loopIn().orElse(null);
        final var flows = new ArrayList<FlowSpec>();
        if (shared) {
            // table misses
            flows.add(flow(Pipeline.CLASSIFY, Pipeline.MISS, "miss", Match.ANY, List.of(), null, null));
            flows.add(flow(Pipeline.SOURCE, Pipeline.MISS, "miss", Match.ANY,
                List.of(new Action.Output(Pipeline.CONTROLLER)), null, Pipeline.ARP));
            flows.add(flow(Pipeline.SOURCE, Pipeline.BYPASS, "from-tunnel",
                Match.ANY.metadata(Pipeline.FROM_TUNNEL, Pipeline.FROM_TUNNEL), List.of(), null, Pipeline.ARP));
            flows.add(flow(Pipeline.ARP, Pipeline.MISS, "miss", Match.ANY, List.of(), null, Pipeline.DESTINATION));
            flows.add(flow(Pipeline.DESTINATION, Pipeline.MISS, "miss", Match.ANY, List.of(), null, Pipeline.FLOOD));
            // answers to the controller's ARP probes were copied to it by the source table; they go no further
            flows.add(flow(Pipeline.DESTINATION, Pipeline.SPECIFIC, "probe-answers",
                Match.ANY.ethDst(ArpFrames.PROBE_MAC), List.of(), null, null));
            flows.add(flow(Pipeline.FLOOD, Pipeline.MISS, "miss", Match.ANY, List.of(), null, null));

            // latency probes of the controller (tunnel id 0, which no VM frame has) cross the probe loop,
            // which clears their tunnel metadata, and go back to the controller
            if (loopOut != null && loopIn != null) {
                final long out = loopOut;
                tunnels.forEach((remote, port) -> flows.add(flow(Pipeline.CLASSIFY, Pipeline.SPECIFIC,
                    "probes-" + remote, Match.ANY.inPort(port).tunnelId(0).ethType(LatencyProbes.ETHER_TYPE),
                    List.of(new Action.Output(out)), null, null)));
                flows.add(flow(Pipeline.CLASSIFY, Pipeline.SPECIFIC, "probes-back",
                    Match.ANY.inPort(loopIn).ethType(LatencyProbes.ETHER_TYPE),
                    List.of(new Action.Output(Pipeline.CONTROLLER)), null, null));
            }

            // classification of VM ports and of tunnels, per VNI both ends share
            portVni.forEach((port, vni) -> flows.add(classify("port-" + port, Match.ANY.inPort(port), vni)));
        }
        final var vnisHere = new TreeMap<Integer, SortedSet<String>>();
        for (var vni : config.networks().keySet()) {
            final var spanned = bound.cloudsOf(config, vni);
            if (spanned.contains(cloud.id())) {
                final var remotes = new TreeSet<>(spanned);
                remotes.remove(cloud.id());
                remotes.retainAll(tunnels.keySet());
                vnisHere.put(vni, remotes);
                for (var remote : shared ? remotes : Set.<String>of()) {
                    final var tunnelPort = tunnels.get(remote);
                    flows.add(flow(Pipeline.CLASSIFY, Pipeline.SPECIFIC, "tunnel-" + remote + "-" + vni,
                        Match.ANY.inPort(tunnelPort).tunnelId(vni), List.of(), (long) vni | Pipeline.FROM_TUNNEL,
                        Pipeline.SOURCE));
                }
            }
        }

        // per VM: source, ARP and destination entries
        for (var location : locations) {
            final int vni = location.vni();
            if (!vnisHere.containsKey(vni)) {
                continue;
            }
            final var mac = location.mac();
            final boolean local = location.cloud().equals(cloud.id()) && location.datapathId() == dpid
                && Integer.valueOf(vni).equals(portVni.get(location.port()));
            final var vmId = vni + "-" + mac;
            if (detached.contains(vni + "/" + mac)) {
                // no unicast entry anywhere: frames for it flood until it is seen at its new port
            } else if (local) {
                final var source = Match.ANY.metadata(vni, Pipeline.METADATA_MASK).inPort(location.port())
                    .ethSrc(mac.bits());
                flows.add(flow(Pipeline.SOURCE, Pipeline.SPECIFIC, "vm-" + vmId, source, List.of(), null,
                    Pipeline.ARP));
                // a known VM's ARP still reaches the controller: it tells which IPv4 addresses the VM uses
                flows.add(flow(Pipeline.SOURCE, Pipeline.SPECIFIC + 1, "vm-" + vmId + "-arp", source.arp(),
                    List.of(new Action.Output(Pipeline.CONTROLLER)), null, Pipeline.ARP));
                flows.add(flow(Pipeline.DESTINATION, Pipeline.SPECIFIC, "vm-" + vmId,
                    Match.ANY.metadata(vni, Pipeline.VNI_MASK).ethDst(mac.bits()),
                    List.of(new Action.Output(location.port())), null, null));
            } else {
                // triangle mode: a VM away from home is reached through its home, which relays
                final var home = homes.get(vni + "/" + mac);
                final var network = config.networks().get(vni);
                final boolean away = network != null && network.mode() == VirtualNetworkSpec.Mode.TRIANGLE
                    && home != null && !home.equals(location.cloud());
                final String via;
                if (away) {
                    via = home.equals(cloud.id()) ? location.cloud() : home;
                } else {
                    // optimal: the overlay route toward the VM's cloud, through a third cloud when faster
                    final var routed = nextHops.getOrDefault(location.cloud(), Map.of()).get(cloud.id());
                    via = routed != null && vnisHere.get(vni).contains(routed) ? routed : location.cloud();
                }
                final var tunnelPort = tunnels.get(via);
                if (tunnelPort != null && vnisHere.get(vni).contains(via)) {
                    final var toVm = List.<Action>of(new Action.SetTunnelId(vni), new Action.Output(tunnelPort));
                    flows.add(flow(Pipeline.DESTINATION, Pipeline.SPECIFIC, "vm-" + vmId,
                        Match.ANY.metadata(vni, Pipeline.METADATA_MASK).ethDst(mac.bits()), toVm, null, null));
                    // frames for the VM arriving over a tunnel are relayed on: by a transit cloud of the
                    // route, by the home in triangle mode, and by the VM's old cloud for frames in flight
                    if (!away || home.equals(cloud.id())) {
                        flows.add(flow(Pipeline.DESTINATION, Pipeline.SPECIFIC, "vm-" + vmId + "-relay",
                            Match.ANY.metadata(vni | Pipeline.FROM_TUNNEL, Pipeline.METADATA_MASK).ethDst(mac.bits()),
                            toVm, null, null));
                    }
                }
            }
            for (var address : location.ipAddresses()) {
                final var ip4 = Ipv4.parse(address);
                if (ip4 != null) {
                    // broadcast requests only: a guest re-checking a cached entry asks the VM itself
                    // (unicast), which answers whether or not a controller is there to
                    flows.add(flow(Pipeline.ARP, Pipeline.SPECIFIC, arpId(vni, address),
                        Match.ANY.metadata(vni, Pipeline.METADATA_MASK).ethDst(BROADCAST).arpRequestFor(ip4),
                        List.of(new Action.Output(Pipeline.CONTROLLER)), null, null));
                }
            }
        }

        // flooding: local ports of the VNI, plus its remote clouds for frames from VM ports
        final var localPorts = new HashMap<Integer, List<Long>>();
        if (shared) {
            portVni.forEach((port, vni) -> localPorts.computeIfAbsent(vni, v -> new ArrayList<>()).add(port));
        }
        (shared ? vnisHere : Map.<Integer, SortedSet<String>>of()).forEach((vni, remotes) -> {
            final var locals = localPorts.getOrDefault(vni, List.of()).stream()
                .<Action>map(Action.Output::new).toList();
            final var fromVm = new ArrayList<Action>(locals);
            if (!remotes.isEmpty()) {
                fromVm.add(new Action.SetTunnelId(vni));
                remotes.forEach(remote -> fromVm.add(new Action.Output(tunnels.get(remote))));
            }
            flows.add(flow(Pipeline.FLOOD, Pipeline.SPECIFIC, "vni-" + vni,
                Match.ANY.metadata(vni, Pipeline.METADATA_MASK), fromVm, null, null));
            flows.add(flow(Pipeline.FLOOD, Pipeline.SPECIFIC, "vni-" + vni + "-from-tunnel",
                Match.ANY.metadata(vni | Pipeline.FROM_TUNNEL, Pipeline.METADATA_MASK), locals, null, null));
        });

        final var result = new HashMap<String, FlowSpec>();
        flows.forEach(flow -> result.put(key(flow), flow));
        return result;
    }

    private static FlowSpec classify(final String id, final Match match, final int vni) {
        return flow(Pipeline.CLASSIFY, Pipeline.SPECIFIC, id, match, List.of(), (long) vni, Pipeline.SOURCE);
    }

    private static FlowSpec flow(final short table, final int priority, final String id, final Match match,
            final List<Action> actions, final Long metadata, final Short gotoTable) {
        return new FlowSpec(table, priority, id, match, actions, metadata,
            metadata == null ? 0 : Pipeline.METADATA_MASK, gotoTable);
    }
}
