/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.tunnel;

import static io.cloudroam.impl.Fixtures.config;
import static io.cloudroam.impl.Fixtures.tunnel;
import static io.cloudroam.impl.Fixtures.view;
import static io.cloudroam.impl.Fixtures.vmPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.Fixtures;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.ovsdb.SwitchView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TunnelPlannerTest {
    @Test
    void aFreshCloudGetsOneTunnelPerPeer() {
        final var plan = TunnelPlanner.plan(config(), "c1", view(1, vmPort("tap-vm1", 1, null)));
        assertEquals(List.of(new TunnelPlanner.Add("bridge-1", "crv-c2", "c2", "192.0.2.2", "192.0.2.1"),
            new TunnelPlanner.Add("bridge-1", "crv-c3", "c3", "192.0.2.3", "192.0.2.1")), plan.adds());
        assertEquals(List.of(), plan.removes());
    }

    @Test
    void matchingTunnelsAreLeftAlone() {
        final var loop = Fixtures.probeLoop(1, 20, 21);
        final var plan = TunnelPlanner.plan(config(), "c1", view(1, tunnel(1, 2, 10), tunnel(1, 3, 11), loop[0],
            loop[1]));
        assertTrue(plan.isEmpty(), plan::toString);
    }

    @Test
    void aBridgeWithTunnelsGetsAProbeLoopAndABrokenOneIsReplacedWhole() {
        final var plan = TunnelPlanner.plan(config(), "c1", view(1, tunnel(1, 2, 10), tunnel(1, 3, 11)));
        assertEquals(List.of("bridge-1"), plan.loops());
        final var params = TunnelPlanner.transaction(plan).toString();
        final var names = TunnelPlanner.loopNames("bridge-1");
        assertTrue(params.contains("\"type\":\"patch\"") && params.contains("[\"peer\",\"" + names.get(1) + "\"]")
            && params.contains("[\"peer\",\"" + names.get(0) + "\"]"), params);
        assertTrue(names.stream().allMatch(name -> name.length() <= TunnelPlanner.MAX_NAME), names::toString);

        final var loop = Fixtures.probeLoop(1, 20, 21);
        final var broken = TunnelPlanner.plan(config(), "c1", view(1, tunnel(1, 2, 10), tunnel(1, 3, 11), loop[0]));
        assertEquals(List.of(names.get(0)), broken.removes().stream().map(TunnelPlanner.Remove::name).toList());
        assertEquals(List.of("bridge-1"), broken.loops());

        final var unwanted = TunnelPlanner.plan(CloudroamConfig.EMPTY, "c1", view(1, loop[0], loop[1]));
        assertEquals(2, unwanted.removes().size(), "no tunnels, no loop");
        assertEquals(List.of(), unwanted.loops());
    }

    @Test
    void aTunnelWithAStaleEndpointIsReplaced() {
        final var stale = new SwitchView.Interface("port-old", "crv-c2", "vxlan", Optional.of(10L),
            Map.of(SwitchView.REMOTE_CLOUD_KEY, "c2"), Map.of("remote_ip", "198.51.100.2", "local_ip", "192.0.2.1",
                "key", "flow"), Map.of(), Optional.empty());
        final var plan = TunnelPlanner.plan(config(), "c1", view(1, stale, tunnel(1, 3, 11)));
        assertEquals(List.of(new TunnelPlanner.Remove("bridge-1", "port-old", "crv-c2")), plan.removes());
        assertEquals(List.of("crv-c2"), plan.adds().stream().map(TunnelPlanner.Add::name).toList());
    }

    @Test
    void aTunnelWithOtherBfdSettingsIsReplaced() {
        // a tunnel an earlier version made with Open vSwitch's default BFD intervals
        final var current = tunnel(1, 2, 10);
        final var old = new SwitchView.Interface("port-old", current.name(), current.type(), current.ofport(),
            current.externalIds(), current.options(), Map.of("enable", "true"), current.bfdStatus(),
            current.linkState());
        final var plan = TunnelPlanner.plan(config(), "c1", view(1, old, tunnel(1, 3, 11)));
        assertEquals(List.of(new TunnelPlanner.Remove("bridge-1", "port-old", "crv-c2")), plan.removes());
        assertEquals(List.of("crv-c2"), plan.adds().stream().map(TunnelPlanner.Add::name).toList());
        assertTrue(TunnelPlanner.plan(config(), "c1", view(1, current, tunnel(1, 3, 11))).removes().isEmpty());
    }

    @Test
    void portsWithoutOurMarkerAreNeverTouched() {
        final var foreign = new SwitchView.Interface("port-foreign", "crv-c2", "vxlan", Optional.of(10L), Map.of(),
            Map.of("remote_ip", "192.0.2.2"), Map.of(), Optional.empty());
        final var plan = TunnelPlanner.plan(CloudroamConfig.EMPTY, "c1", view(1, foreign));
        assertTrue(plan.isEmpty(), plan::toString);
    }

    @Test
    void tunnelsToACloudThatLeftAndOfACloudThatLeftAreRemoved() {
        final var withoutC3 = CloudroamConfig.of(List.of(io.cloudroam.impl.Fixtures.cloud(1),
            io.cloudroam.impl.Fixtures.cloud(2)), List.of(new io.cloudroam.impl.config.VirtualNetworkSpec(100, "blue",
                List.of("c1", "c2"))));
        final var plan = TunnelPlanner.plan(withoutC3, "c1", view(1, tunnel(1, 2, 10), tunnel(1, 3, 11)));
        assertEquals(List.of("crv-c3"), plan.removes().stream().map(TunnelPlanner.Remove::name).toList());
        assertEquals(List.of(), plan.adds());
        final var gone = TunnelPlanner.plan(withoutC3, "c3", view(3, tunnel(3, 1, 10), tunnel(3, 2, 11)));
        assertEquals(2, gone.removes().size());
        assertEquals(List.of(), gone.adds());
    }

    @Test
    void cloudsSharingNoVirtualNetworkNeedNoTunnel() {
        final var c1c2Only = CloudroamConfig.of(List.of(io.cloudroam.impl.Fixtures.cloud(1),
            io.cloudroam.impl.Fixtures.cloud(2), io.cloudroam.impl.Fixtures.cloud(3)),
            List.of(new io.cloudroam.impl.config.VirtualNetworkSpec(300, "red", List.of("c1", "c2"))));
        assertEquals(List.of("crv-c2"), TunnelPlanner.plan(c1c2Only, "c1", view(1)).adds().stream()
            .map(TunnelPlanner.Add::name).toList());
        assertTrue(TunnelPlanner.plan(c1c2Only, "c3", view(3)).isEmpty());
    }

    @Test
    void onlyBridgesOfTheCloudsSwitchesGetTunnels() {
        final var other = new SwitchView(List.of(new SwitchView.Bridge("bridge-x", "br-wan", Optional.of(99L),
            List.of(tunnel(1, 2, 3)))));
        final var plan = TunnelPlanner.plan(config(), "c1", other);
        assertEquals(List.of(), plan.adds());
        assertEquals(List.of("crv-c2"), plan.removes().stream().map(TunnelPlanner.Remove::name).toList());
    }

    @Test
    void longCloudNamesStillFitAnInterfaceName() {
        assertEquals("crv-c2", TunnelPlanner.portName("c2"));
        final var name = TunnelPlanner.portName("eu-west-1.provider.example");
        assertTrue(name.length() <= TunnelPlanner.MAX_NAME, name);
        assertEquals(name, TunnelPlanner.portName("eu-west-1.provider.example"));
        assertTrue(!name.equals(TunnelPlanner.portName("eu-west-2.provider.example")));
    }

    @Test
    void theTransactionRemovesFirstThenInsertsWithNamedReferences() {
        final var plan = new TunnelPlanner.Plan(
            List.of(new TunnelPlanner.Add("b1", "crv-c2", "c2", "192.0.2.2", "192.0.2.1")),
            List.of(new TunnelPlanner.Remove("b1", "p9", "crv-c9")));
        final var params = TunnelPlanner.transaction(plan);
        assertEquals("Open_vSwitch", params.get(0).getAsString());
        assertEquals("mutate", params.get(1).getAsJsonObject().get("op").getAsString());
        assertEquals("[\"ports\",\"delete\",[\"set\",[[\"uuid\",\"p9\"]]]]",
            params.get(1).getAsJsonObject().getAsJsonArray("mutations").get(0).toString());
        final var iface = params.get(2).getAsJsonObject();
        assertEquals("Interface", iface.get("table").getAsString());
        assertEquals("vxlan", iface.getAsJsonObject("row").get("type").getAsString());
        assertEquals("[\"map\",[[\"key\",\"flow\"],[\"local_ip\",\"192.0.2.1\"],[\"remote_ip\",\"192.0.2.2\"]]]",
            iface.getAsJsonObject("row").get("options").toString());
        assertEquals("[\"map\",[[\"enable\",\"true\"],[\"min_rx\",\"200\"],[\"min_tx\",\"200\"]]]",
            iface.getAsJsonObject("row").get("bfd").toString());
        final var port = params.get(3).getAsJsonObject();
        assertEquals("[\"named-uuid\",\"" + iface.get("uuid-name").getAsString() + "\"]",
            port.getAsJsonObject("row").get("interfaces").toString());
        assertEquals("[\"ports\",\"insert\",[\"set\",[[\"named-uuid\",\"" + port.get("uuid-name").getAsString()
            + "\"]]]]", params.get(4).getAsJsonObject().getAsJsonArray("mutations").get(0).toString());
    }
}
