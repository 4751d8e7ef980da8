/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import static io.cloudroam.impl.Fixtures.config;
import static io.cloudroam.impl.Fixtures.tunnel;
import static io.cloudroam.impl.Fixtures.view;
import static io.cloudroam.impl.Fixtures.vm;
import static io.cloudroam.impl.Fixtures.vmPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.config.PortBindingSpec;
import io.cloudroam.impl.flow.FlowSpec.Action;
import io.cloudroam.impl.location.Locations;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.topology.NextHops;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowCompilerTest {
    private static final String VM1 = "02:c0:00:00:00:01";
    private static final String VM3 = "02:c0:00:00:00:03";
    private static final String VM5 = "02:c0:00:00:00:05";

    // c1: vm1 on port 1 (VNI 100, bound by name), vm7 on port 2 (VNI 300, bound by iface-id),
    // port 5 unbound; tunnels to c2 (port 10) and c3 (port 11)
    private final Map<String, io.cloudroam.impl.ovsdb.SwitchView> views = Map.of(
        "c1", view(1, vmPort("tap-vm1", 1, null), vmPort("tap-vm7", 2, "vm7"), vmPort("tap-x", 5, null),
            tunnel(1, 2, 10), tunnel(1, 3, 11)),
        "c2", view(2, vmPort("tap-vm5", 1, null), tunnel(2, 1, 10), tunnel(2, 3, 11)));
    private final io.cloudroam.impl.config.CloudroamConfig config = config(
        new PortBindingSpec("c1", "tap-vm1", 100), new PortBindingSpec("c1", "vm7", 300),
        new PortBindingSpec("c2", "tap-vm5", 100));

    private Map<String, FlowSpec> switch1(final List<VmLocation> locations) {
        return all(FlowCompiler.compile(config, views, locations)).get(1L);
    }

    /** Compiled flows by "table/id", per switch. */
    private static Map<Long, Map<String, FlowSpec>> all(final Map<Long, Map<FlowKey, FlowSpec>> compiled) {
        final var result = new java.util.TreeMap<Long, Map<String, FlowSpec>>();
        compiled.forEach((dpid, flows) -> result.put(dpid, io.cloudroam.impl.Fixtures.text(flows)));
        return result;
    }

    private static FlowSpec flow(final Map<String, FlowSpec> flows, final short table, final String id) {
        return flows.get(table + "/" + id);
    }

    @Test
    void aScopeYieldsExactlyWhatTheWholeCompilationHasForTheFlowsItCovers() {
        // what a migration or a port change compiles (a VM's scope, a switch's shared flows) must be
        // exactly what the whole compilation has for the keys the scope covers, and nothing else
        final var vms = List.of(vm(100, VM1, 1, 1, "10.0.0.1"), vm(100, VM5, 2, 1, "10.0.0.5", "10.0.1.5"),
            vm(300, "02:c0:00:00:00:07", 1, 2, "10.0.0.7"), vm(100, VM3, 3, 4, "10.0.0.3"));
        final var in = FlowInputs.of(config, views, Locations.of(vms));
        final var all = FlowCompiler.compile(in, new Scope().all());
        final var scopes = new java.util.ArrayList<Scope>();
        for (var vm : vms) {
            scopes.add(new Scope().vm(VmKey.of(vm), vm.ipAddresses()));
        }
        scopes.add(new Scope().sharedOf(1));
        scopes.add(new Scope().sharedOf(2).vm(VmKey.of(vms.get(0)), java.util.Set.of("10.0.0.99")));
        scopes.add(new Scope().wholeSwitch(2));
        for (var scope : scopes) {
            final var part = FlowCompiler.compile(in, scope);
            for (var dpid : all.keySet()) {
                final var expected = new java.util.HashMap<FlowKey, FlowSpec>();
                all.get(dpid).forEach((key, flow) -> {
                    if (scope.covers(dpid, key)) {
                        expected.put(key, flow);
                    }
                });
                assertEquals(expected, part.getOrDefault(dpid, Map.of()), () -> "switch " + dpid + ", " + scope);
            }
        }
        // a VM's own flows are its alone: compiled with no other VM, they are the same
        for (var vm : vms) {
            final var alone = FlowCompiler.compile(FlowInputs.of(config, views, Locations.of(List.of(vm))),
                new Scope().vm(VmKey.of(vm), vm.ipAddresses()));
            for (var dpid : all.keySet()) {
                alone.getOrDefault(dpid, Map.of()).forEach((key, flow) ->
                    assertEquals(all.get(dpid).get(key), flow, dpid + " " + key));
            }
        }
    }

    @Test
    void switchesWithoutAnOvsdbViewAreLeftOut() {
        final var all = all(FlowCompiler.compile(config, views, List.of()));
        assertEquals(List.of(1L, 2L), List.copyOf(all.keySet()));
    }

    @Test
    void everyTableHasAMissAndUnknownSourcesAreCopiedToTheController() {
        final var flows = switch1(List.of());
        for (short table : new short[] {Pipeline.CLASSIFY, Pipeline.SOURCE, Pipeline.ARP, Pipeline.DESTINATION,
            Pipeline.FLOOD}) {
            assertEquals(0, flow(flows, table, "miss").priority(), "table " + table);
        }
        final var learn = flow(flows, Pipeline.SOURCE, "miss");
        assertEquals(List.of(new Action.Output(Pipeline.CONTROLLER)), learn.actions());
        assertEquals(Short.valueOf(Pipeline.ARP), learn.gotoTable());
        assertTrue(flow(flows, Pipeline.CLASSIFY, "miss").actions().isEmpty(), "unbound traffic must drop");
        assertNull(flow(flows, Pipeline.CLASSIFY, "miss").gotoTable());
        flows.values().forEach(f -> assertEquals(Pipeline.COOKIE_BASE | f.table(), f.cookie()));
    }

    @Test
    void boundPortsByNameOrIfaceIdGetTheirVniUnboundPortsNothing() {
        final var flows = switch1(List.of());
        assertEquals(Long.valueOf(100), flow(flows, Pipeline.CLASSIFY, "port-1").metadata());
        assertEquals(Long.valueOf(300), flow(flows, Pipeline.CLASSIFY, "port-2").metadata());
        assertNull(flow(flows, Pipeline.CLASSIFY, "port-5"));
        assertEquals(Long.valueOf(1), flow(flows, Pipeline.CLASSIFY, "port-1").match().inPort());
    }

    @Test
    void tunnelsAreClassifiedOnlyForVnisBothEndsShare() {
        final var flows = switch1(List.of());
        final var fromC2 = flow(flows, Pipeline.CLASSIFY, "tunnel-c2-300");
        assertEquals(Long.valueOf(300 | Pipeline.FROM_TUNNEL), fromC2.metadata());
        assertEquals(Long.valueOf(300), fromC2.match().tunnelId());
        assertEquals(Long.valueOf(10), fromC2.match().inPort());
        assertTrue(flows.containsKey(Pipeline.CLASSIFY + "/tunnel-c3-100"));
        assertFalse(flows.containsKey(Pipeline.CLASSIFY + "/tunnel-c3-300"), "c3 is not in VNI 300");
    }

    @Test
    void localVmsAreDeliveredToTheirPortRemoteOnesIntoTheTunnelToTheirCloud() {
        final var flows = switch1(List.of(vm(100, VM1, 1, 1, "10.0.0.1"), vm(100, VM5, 2, 1, "10.0.0.5")));
        final var local = flow(flows, Pipeline.DESTINATION, "vm-100-" + VM1);
        assertEquals(List.of(new Action.Output(1)), local.actions());
        assertEquals(Pipeline.VNI_MASK, local.match().metadataMask(), "local delivery also serves tunnel traffic");
        final var source = flow(flows, Pipeline.SOURCE, "vm-100-" + VM1);
        assertEquals(MacAddress.parse(VM1).bits(), source.match().ethSrc().longValue());
        assertEquals(Long.valueOf(1), source.match().inPort());
        final var remote = flow(flows, Pipeline.DESTINATION, "vm-100-" + VM5);
        assertEquals(List.of(new Action.SetTunnelId(100), new Action.Output(10)), remote.actions());
        assertEquals(Pipeline.METADATA_MASK, remote.match().metadataMask(), "frames from VM ports only");
        final var relay = flow(flows, Pipeline.DESTINATION, "vm-100-" + VM5 + "-relay");
        assertEquals(Long.valueOf(100 | Pipeline.FROM_TUNNEL), relay.match().metadata(),
            "frames for vm5 that arrive over a tunnel (in flight after a move) are sent on");
        assertEquals(remote.actions(), relay.actions());
        assertNull(flow(flows, Pipeline.SOURCE, "vm-100-" + VM5), "no source entry for a remote VM");
        final var arp = flow(flows, Pipeline.SOURCE, "vm-100-" + VM1 + "-arp");
        assertEquals(Integer.valueOf(0x0806), arp.match().ethType());
        assertEquals(source.match().ethSrc(), arp.match().ethSrc());
        assertTrue(arp.priority() > source.priority());
        assertEquals(List.of(new Action.Output(Pipeline.CONTROLLER)), arp.actions(), "ARP keeps teaching addresses");
        assertEquals(Short.valueOf(Pipeline.ARP), arp.gotoTable());
    }

    @Test
    void knownIpv4AddressesAreAnsweredByTheController() {
        final var flows = switch1(List.of(vm(100, VM5, 2, 1, "10.0.0.5", "fe80::5")));
        final var arp = flow(flows, Pipeline.ARP, "arp-100-10.0.0.5");
        assertEquals(List.of(new Action.Output(Pipeline.CONTROLLER)), arp.actions());
        assertEquals(Integer.valueOf(0x0806), arp.match().ethType());
        assertEquals(Integer.valueOf(1), arp.match().arpOp());
        assertEquals(Ipv4.parse("10.0.0.5"), arp.match().arpTpa());
        assertEquals(Long.valueOf(0xFFFF_FFFF_FFFFL), arp.match().ethDst(),
            "broadcast requests only: a unicast re-check reaches the VM, controller or not");
        assertEquals(1, flows.keySet().stream().filter(k -> k.startsWith(Pipeline.ARP + "/arp-")).count());
    }

    @Test
    void floodingReachesTheVnisLocalPortsAndRemoteCloudsWithSplitHorizon() {
        final var flows = switch1(List.of());
        assertEquals(List.of(new Action.Output(1), new Action.SetTunnelId(100), new Action.Output(10),
            new Action.Output(11)), flow(flows, Pipeline.FLOOD, "vni-100").actions());
        assertEquals(List.of(new Action.Output(1)), flow(flows, Pipeline.FLOOD, "vni-100-from-tunnel").actions());
        assertEquals(List.of(new Action.Output(2), new Action.SetTunnelId(300), new Action.Output(10)),
            flow(flows, Pipeline.FLOOD, "vni-300").actions());
    }

    @Test
    void aVmWhosePortIsNoLongerBoundHereIsNotTreatedAsLocal() {
        // vm3 was learned on c1 port 5, which has no binding: no delivery to a port outside its VNI
        final var flows = switch1(List.of(vm(100, VM3, 1, 5)));
        assertNull(flow(flows, Pipeline.DESTINATION, "vm-100-" + VM3));
        assertNull(flow(flows, Pipeline.SOURCE, "vm-100-" + VM3));
    }

    @Test
    void aRemoteVmWithoutATunnelToItsCloudIsLeftToFlooding() {
        final var flows = all(FlowCompiler.compile(config, Map.of("c2", view(2, vmPort("tap-vm5", 1, null),
            tunnel(2, 1, 10))), List.of(vm(100, VM3, 3, 1)))).get(2L);
        assertNull(flow(flows, Pipeline.DESTINATION, "vm-100-" + VM3));
        assertEquals(List.of(new Action.Output(1), new Action.SetTunnelId(100), new Action.Output(10)),
            flow(flows, Pipeline.FLOOD, "vni-100").actions());
    }

    @Test
    void sameInputSameFlows() {
        final var locations = List.of(vm(100, VM1, 1, 1, "10.0.0.1"), vm(100, VM5, 2, 1, "10.0.0.5"));
        assertEquals(all(FlowCompiler.compile(config, views, locations)),
            all(FlowCompiler.compile(config, views, locations)));
    }

    @Test
    void inTriangleModeAVmAwayFromHomeIsReachedThroughHome() {
        final var triangle = io.cloudroam.impl.config.CloudroamConfig.of(
            List.of(io.cloudroam.impl.Fixtures.cloud(1), io.cloudroam.impl.Fixtures.cloud(2),
                io.cloudroam.impl.Fixtures.cloud(3)),
            List.of(new io.cloudroam.impl.config.VirtualNetworkSpec(100, "blue", List.of("c1", "c2", "c3"),
                io.cloudroam.impl.config.VirtualNetworkSpec.Mode.TRIANGLE)),
            List.of(new PortBindingSpec("c3", "vm1", 100)));
        final var threeViews = Map.of(
            "c1", view(1, tunnel(1, 2, 10), tunnel(1, 3, 11)),
            "c2", view(2, tunnel(2, 1, 10), tunnel(2, 3, 11)),
            "c3", view(3, vmPort("tap-vm1", 4, "vm1"), tunnel(3, 1, 10), tunnel(3, 2, 11)));
        // vm1 was first seen in c1 and is now in c3
        final var away = List.of(vm(100, VM1, 3, 4, "10.0.0.1"));
        final var homes = Map.of(new VmKey(100, MacAddress.parse(VM1)), "c1");
        final var all = all(FlowCompiler.compile(triangle, threeViews, away, homes, NextHops.DIRECT));
        assertEquals(List.of(new Action.SetTunnelId(100), new Action.Output(10)),
            flow(all.get(2L), Pipeline.DESTINATION, "vm-100-" + VM1).actions(), "c2 sends to vm1's home, c1");
        final var relay = flow(all.get(1L), Pipeline.DESTINATION, "vm-100-" + VM1 + "-relay");
        assertEquals(Long.valueOf(100 | Pipeline.FROM_TUNNEL), relay.match().metadata());
        assertEquals(List.of(new Action.SetTunnelId(100), new Action.Output(11)), relay.actions(),
            "the home relays to c3");
        assertEquals(List.of(new Action.Output(4)), flow(all.get(3L), Pipeline.DESTINATION, "vm-100-" + VM1)
            .actions());
        // back home, nothing detours; frames that still arrive elsewhere go straight on
        final var atHome = all(FlowCompiler.compile(triangle, threeViews, away,
            Map.of(new VmKey(100, MacAddress.parse(VM1)), "c3"),
            NextHops.DIRECT));
        assertEquals(List.of(new Action.SetTunnelId(100), new Action.Output(11)),
            flow(atHome.get(2L), Pipeline.DESTINATION, "vm-100-" + VM1).actions());
        assertEquals(List.of(new Action.SetTunnelId(100), new Action.Output(11)),
            flow(atHome.get(1L), Pipeline.DESTINATION, "vm-100-" + VM1 + "-relay").actions());
        final var optimal = all(FlowCompiler.compile(io.cloudroam.impl.config.CloudroamConfig.of(
            List.copyOf(triangle.clouds().values()), List.of(new io.cloudroam.impl.config.VirtualNetworkSpec(100,
                "blue", List.of("c1", "c2", "c3"))), triangle.bindings()), threeViews, away, homes, NextHops.DIRECT));
        assertEquals(List.of(new Action.SetTunnelId(100), new Action.Output(11)),
            flow(optimal.get(2L), Pipeline.DESTINATION, "vm-100-" + VM1).actions());
    }

    @Test
    void aFasterRouteThroughAThirdCloudIsFollowedAndRelayed() {
        final var threeViews = Map.of(
            "c1", view(1, vmPort("tap-x", 4, null), tunnel(1, 2, 10), tunnel(1, 3, 11)),
            "c2", view(2, vmPort("tap-vm5", 1, null), tunnel(2, 1, 10), tunnel(2, 3, 11)),
            "c3", view(3, vmPort("tap-vm1", 4, null), tunnel(3, 1, 10), tunnel(3, 2, 11)));
        final var vmInC3 = List.of(vm(100, VM1, 3, 4));
        // toward c3: c2 goes through c1, c1 goes direct
        final var hops = NextHops.of(Map.of("c3", Map.of("c2", "c1", "c1", "c3")));
        final var all = all(FlowCompiler.compile(config, threeViews, vmInC3, Map.of(), hops));
        assertEquals(List.of(new Action.SetTunnelId(100), new Action.Output(10)),
            flow(all.get(2L), Pipeline.DESTINATION, "vm-100-" + VM1).actions(), "c2 sends into the tunnel to c1");
        assertEquals(List.of(new Action.SetTunnelId(100), new Action.Output(11)),
            flow(all.get(1L), Pipeline.DESTINATION, "vm-100-" + VM1 + "-relay").actions(), "c1 relays to c3");
        // a next hop outside the VNI is not used
        final var outside = all(FlowCompiler.compile(config, threeViews, List.of(vm(300, VM1, 1, 4)), Map.of(),
            NextHops.of(Map.of("c1", Map.of("c2", "c3")))));
        assertEquals(List.of(new Action.SetTunnelId(300), new Action.Output(10)),
            flow(outside.get(2L), Pipeline.DESTINATION, "vm-300-" + VM1).actions(), "c3 is not in VNI 300");
    }

    /** Every switch's flows with one VM and the destination clouds of prepared migrations. */
    private Map<Long, Map<String, FlowSpec>> prepared(final Map<String, io.cloudroam.impl.ovsdb.SwitchView> switches,
            final VmLocation vm, final NextHops hops, final Map<VmKey, String> preparedTo) {
        return all(FlowCompiler.compile(new FlowInputs(config, config.portBindingIndex(),
            BridgePorts.of(config, switches, config.portBindingIndex()), Locations.of(List.of(vm)), Map.of(), hops,
            preparedTo), new Scope().all()));
    }

    @Test
    void aPreparedMigrationIsCopiedOnlyWhereTheDestinationReachesTheVmsCloudDirectly() {
        final var threeViews = Map.of(
            "c1", view(1, vmPort("tap-vm1", 4, null), tunnel(1, 2, 10), tunnel(1, 3, 11)),
            "c2", view(2, vmPort("tap-vm5", 1, null), tunnel(2, 1, 10), tunnel(2, 3, 11)),
            "c3", view(3, vmPort("tap-x", 4, null), tunnel(3, 1, 10), tunnel(3, 2, 11)));
        final var vm1 = vm(100, VM1, 1, 4);
        final var toC3 = Map.of(VmKey.of(vm1), "c3");
        final var direct = prepared(threeViews, vm1, NextHops.DIRECT, toC3);
        assertEquals(List.of(new Action.Output(4), new Action.SetTunnelId(100), new Action.Output(11)),
            flow(direct.get(1L), Pipeline.DESTINATION, "vm-100-" + VM1).actions(), "c1 delivers and copies to c3");
        final var held = flow(direct.get(3L), Pipeline.DESTINATION, "vm-100-" + VM1 + "-prepared");
        assertEquals(List.of(), held.actions(), "c3 drops the copies from c1's tunnel");
        assertEquals(Long.valueOf(10), held.match().inPort());
        assertNull(flow(direct.get(2L), Pipeline.DESTINATION, "vm-100-" + VM1 + "-prepared"), "c2 has nothing");
        // c3 reaches c1 through c2: a copy could come back to c1 before c3 drops it, so none is made
        final var throughC2 = prepared(threeViews, vm1, NextHops.of(Map.of("c1", Map.of("c3", "c2"))), toC3);
        assertEquals(List.of(new Action.Output(4)), flow(throughC2.get(1L), Pipeline.DESTINATION, "vm-100-" + VM1)
            .actions());
        assertNull(flow(throughC2.get(3L), Pipeline.DESTINATION, "vm-100-" + VM1 + "-prepared"));
    }

    @Test
    void latencyProbesFromEveryTunnelCrossTheProbeLoopToTheController() {
        assertTrue(switch1(List.of()).keySet().stream().noneMatch(key -> key.startsWith("0/probes-")),
            "no loop yet: probes are not sent up");
        final var loop = io.cloudroam.impl.Fixtures.probeLoop(1, 20, 21);
        final var withLoop = Map.of("c1", view(1, vmPort("tap-vm1", 1, null), tunnel(1, 2, 10), tunnel(1, 3, 11),
            loop[0], loop[1]));
        final var flows = all(FlowCompiler.compile(config, withLoop, List.of())).get(1L);
        final var fromC2 = flows.get("0/probes-c2");
        assertEquals("tun_id=0,in_port=10,dl_type=0x88b5", FlowText.match(fromC2.match()));
        assertEquals("output:20", FlowText.actions(fromC2));
        assertEquals("output:20", FlowText.actions(flows.get("0/probes-c3")));
        final var back = flows.get("0/probes-back");
        assertEquals("in_port=21,dl_type=0x88b5", FlowText.match(back.match()));
        assertEquals("CONTROLLER:65535", FlowText.actions(back));
        assertTrue(flows.values().stream().noneMatch(flow -> flow.match().inPort() != null
            && flow.match().inPort() == 20), "nothing enters by the loop's out end");
    }

    @Test
    void aVmWhosePortIsGoneIsFloodedToUntilItIsSeenAgain() {
        final var threeViews = Map.of(
            "c1", view(1, tunnel(1, 2, 10), tunnel(1, 3, 11)),
            "c2", view(2, vmPort("tap-vm5", 1, null), tunnel(2, 1, 10), tunnel(2, 3, 11)));
        // vm1's port 1 on c1 is gone (a live migration paused it); c3 is not connected
        final var gone = all(FlowCompiler.compile(config, threeViews, List.of(vm(100, VM1, 1, 1, "10.0.0.1"))));
        for (var flows : gone.values()) {
            assertTrue(flows.keySet().stream().noneMatch(key -> key.startsWith("30/vm-100-" + VM1)), flows::toString);
        }
        assertTrue(gone.get(2L).containsKey("20/arp-100-10.0.0.1"), "its ARP is still answered");
        final var reactive = io.cloudroam.impl.config.CloudroamConfig.of(List.copyOf(config.clouds().values()),
            config.networks().values().stream().map(network -> new io.cloudroam.impl.config.VirtualNetworkSpec(
                network.vni(), network.name(), network.clouds(),
                io.cloudroam.impl.config.VirtualNetworkSpec.Mode.REACTIVE)).toList(), config.bindings());
        assertTrue(all(FlowCompiler.compile(reactive, threeViews, List.of(vm(100, VM1, 1, 1)))).get(2L)
            .containsKey("30/vm-100-" + VM1), "the reactive baseline waits for the move to be seen");
        final var notConnected = all(FlowCompiler.compile(config, threeViews, List.of(vm(100, VM1, 3, 1))));
        assertTrue(notConnected.get(2L).containsKey("30/vm-100-" + VM1), "a cloud without a view is not doubted");
    }
}
