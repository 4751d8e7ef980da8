/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The lab with OVN as its network ({@code lab up --network ovn}), the peer the benchmarks compare
 * cloudroam with: Debian's OVN (installed by the test command's set-up), its databases and
 * ovn-northd, an ovn-controller per cloud, no controller. Nothing but OVN programs the switches
 * here, so every packet that arrives is OVN's doing. Three clouds at 20 ms one way, vm1..vm6
 * round-robin over c1..c3 and VNI 100/200.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OvnLabIT {
    private Lab lab;

    @BeforeAll
    void up() throws Exception {
        lab = Lab.up("--clouds", "3", "--vms", "6", "--network", "ovn", "--wan", "all 20ms");
    }

    @AfterAll
    void down() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void ovnConnectsEachVniAcrossCloudsAndNothingAcrossVnis() throws Exception {
        final var status = lab.status();
        assertEquals("ovn", status.getAsJsonObject("spec").get("network").getAsString(), status::toString);
        // vm1 (c1) reaches vm3 (c3) and vm5 (c2), all VNI 100: over OVN's tunnels, one WAN hop each
        for (var peer : List.of("vm3", "vm5")) {
            assertReached("vm1", peer);
        }
        // vm2 and vm4 are VNI 200, in the same IP subnet: OVN's logical switches keep them apart
        for (var peer : List.of("vm2", "vm4")) {
            final var ping = lab.ping("vm1", peer, 3);
            assertEquals(100.0, ping.get("loss_percent").getAsDouble(), ping::toString);
        }
    }

    @Test
    @Order(2)
    void migrationsMoveOvnsBindingBothWays() throws Exception {
        // multi-chassis (Neutron's way): bound at both ends from the plug, activated by the VM's RARP
        final var moved = lab.migrate("vm3", "c2");
        assertEquals("c3", moved.get("from").getAsString(), moved::toString);
        assertEquals("c2", lab.attachedIn("vm3"));
        assertBoundIn("vm3", "c2");
        assertReached("vm1", "vm3");
        // plain: the binding moved at the end of the migration only
        lab.migrate("vm3", "c3", "--ovn-binding", "plain");
        assertEquals("c3", lab.attachedIn("vm3"));
        assertBoundIn("vm3", "c3");
        assertReached("vm1", "vm3");
    }

    /** OVN's own account: the Southbound database has the port bound to that chassis. */
    private void assertBoundIn(final String vm, final String chassis) throws Exception {
        ControllerAndLab.poll(vm + " bound to " + chassis, Duration.ofSeconds(10), () -> {
            final var bound = lab.status().getAsJsonObject("ovn_bindings").get(vm);
            return bound != null && !bound.isJsonNull() && chassis.equals(bound.getAsString());
        });
    }

    /**
     * A first answer within a deadline, then five pings without a loss. The first packet over a tunnel
     * the userspace datapath has not used yet is dropped while it resolves the remote endpoint's MAC
     * on the underlay (Open vSwitch's tunnel neighbour cache), whatever programs the flows: cloudroam's
     * latency probes warm that cache before any VM speaks, OVN sends nothing of the kind.
     */
    private void assertReached(final String from, final String to) throws Exception {
        ControllerAndLab.poll(from + " answered by " + to, Duration.ofSeconds(10),
            () -> lab.ping(from, to, 1).get("received").getAsInt() == 1);
        final JsonObject ping = lab.ping(from, to, 5);
        assertEquals(0.0, ping.get("loss_percent").getAsDouble(), ping::toString);
    }

    @Test
    @Order(3)
    void badInputIsRefusedAndChangesNothing() throws Exception {
        lab.assertRefused(List.of(
            new Lab.BadInput(List.of("migrate", "vm1", "c2", "--ovn-binding", "eager"), "invalid choice: 'eager'"),
            new Lab.BadInput(List.of("config"), "this lab's network is OVN"),
            new Lab.BadInput(List.of("up", "--clouds", "3", "--vms", "2", "--network", "ovn", "--tunnels", "static"),
                "OVN makes the tunnels and the flows")));
        assertReached("vm1", "vm5");
    }

    @Test
    @Order(4)
    void downLeavesNothingBehind() throws Exception {
        lab.closeLeavingNothing();
        lab = null;
    }
}
