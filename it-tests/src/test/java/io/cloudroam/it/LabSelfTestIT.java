/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The lab on its own, without a controller: three clouds (own OVS each, userspace datapath), a
 * static VXLAN mesh and static flows, the userspace WAN emulator at 20 ms one way. VMs vm1..vm6
 * sit round-robin on c1, c2, c3 and alternate between VNI 100 and 200, all in one IP subnet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabSelfTestIT {
    private static final double ONE_WAY_MS = 20;
    private static final double TOLERANCE_MS = 2;

    private Lab lab;

    @BeforeAll
    void up() throws Exception {
        lab = Lab.up("--clouds", "3", "--vms", "6", "--tunnels", "static", "--wan", "all 20ms");
    }

    @AfterAll
    void down() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void sameVniReachesAcrossClouds() throws Exception {
        // vm1 (c1, VNI 100) to vm3 (c3, VNI 100) and vm5 (c2, VNI 100)
        for (var peer : List.of("vm3", "vm5")) {
            final var ping = lab.ping("vm1", peer, 5);
            assertEquals(0.0, ping.get("loss_percent").getAsDouble(), ping::toString);
        }
    }

    @Test
    @Order(2)
    void nothingCrossesVnis() throws Exception {
        // positive control first: a dead lab must not pass this test
        assertEquals(0.0, lab.ping("vm1", "vm5", 2).get("loss_percent").getAsDouble());
        // vm2 (c2) and vm4 (same cloud as vm1) are in VNI 200, in the same IP subnet as vm1
        for (var peer : List.of("vm2", "vm4")) {
            final var ping = lab.ping("vm1", peer, 3);
            assertEquals(100.0, ping.get("loss_percent").getAsDouble(), ping::toString);
        }
    }

    @Test
    @Order(3)
    void wanDelayShowsInRttAndChangesAtRunTime() throws Exception {
        assertRtt(lab.rtt("vm1", "vm3"), 2 * ONE_WAY_MS);
        lab.run("wan", "set", "c1-c3", "50ms");
        try {
            assertRtt(lab.rtt("vm1", "vm3"), 2 * 50);
        } finally {
            lab.run("wan", "set", "c1-c3", "20ms");
        }
    }

    /**
     * The fastest round trip is the WAN's delay plus the lab's own forwarding (two userspace switches
     * and the emulator each way); the median also carries how busy the two cores are (a CI run saw
     * p50 42.1 ms, min 41.1 ms for 40 ms configured), which is not what this test is about.
     */
    private static void assertRtt(final JsonObject rtt, final double expectedMs) {
        assertEquals(0.0, rtt.get("loss_percent").getAsDouble(), rtt::toString);
        final double min = rtt.getAsJsonObject("rtt_ms").get("min").getAsDouble();
        assertTrue(Math.abs(min - expectedMs) <= TOLERANCE_MS, () -> "fastest RTT " + min + " ms, expected "
            + expectedMs + " ± " + TOLERANCE_MS + ": " + rtt);
    }

    @Test
    @Order(4)
    void migratedVmIsReachableAtItsNewCloud() throws Exception {
        final var moved = lab.migrate("vm3", "c2", "--announce", "rarp", "--downtime", "100ms");
        assertEquals("c3", moved.get("from").getAsString());
        final double pause = moved.get("pause_start").getAsDouble();
        final double resume = moved.get("resume").getAsDouble();
        final double first = moved.get("first_announcement").getAsDouble();
        assertTrue(pause < resume && resume <= first, moved::toString);
        assertTrue(resume - pause >= 0.100, moved::toString);
        final JsonArray rounds = moved.getAsJsonArray("announcements");
        assertEquals(5, rounds.size(), moved::toString);
        assertEquals("c2", lab.attachedIn("vm3"));

        final var ping = lab.ping("vm1", "vm3", 5);
        assertEquals(0.0, ping.get("loss_percent").getAsDouble(), ping::toString);
        // now one WAN hop c1-c2 instead of c1-c3, both 20 ms: same RTT, different path
        assertRtt(lab.rtt("vm1", "vm3"), 2 * ONE_WAY_MS);
    }

    @Test
    @Order(5)
    void badInputIsRefusedAndChangesNothing() throws Exception {
        final var before = withoutCounters(lab.status());
        lab.assertRefused(List.of(
            new Lab.BadInput(List.of("up", "--clouds", "0", "--vms", "2"), "--clouds must be between 2 and 8"),
            new Lab.BadInput(List.of("migrate", "vm99", "c1"), "unknown VM 'vm99'"),
            new Lab.BadInput(List.of("migrate", "vm1", "c1"), "vm1 is already in c1"),
            new Lab.BadInput(List.of("migrate", "vm1", "c7"), "unknown cloud 'c7'"),
            new Lab.BadInput(List.of("migrate", "vm1,vm1", "c2"), "give each VM to move once"),
            new Lab.BadInput(List.of("migrate", "vm1,vm99", "c2"), "unknown VM 'vm99'"),
            new Lab.BadInput(List.of("wan", "set", "c1-c2", "fast"), "not a duration"),
            new Lab.BadInput(List.of("wan", "set", "c1-c2", "5ms", "loss=200%"), "loss must be a percentage"),
            new Lab.BadInput(List.of("up", "--clouds", "3", "--vms", "2", "--wan", "c1-c2:5ms"),
                "expected 'PAIR DELAY"),
            new Lab.BadInput(List.of("migrate", "vm1", "c2", "--ovn-binding", "plain"),
                "--ovn-binding applies to a lab whose network is OVN")));
        assertEquals(before, withoutCounters(lab.status()));
    }

    private static JsonObject withoutCounters(final JsonObject status) {
        final var copy = status.deepCopy();
        copy.remove("wan_counters");
        return copy;
    }

    @Test
    @Order(6)
    void downLeavesNothingBehind() throws Exception {
        lab.closeLeavingNothing();
        assertEquals(2, lab.attempt("status").exit(), "status after down should say no lab is up");
        lab = null;
    }
}
