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

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live migration on the real lab and distribution. The WAN makes the paths differ (one way:
 * c1-c2 40 ms, c1-c3 10 ms, c2-c3 10 ms): vm1 (VNI 100) is homed in c1, vm5 in c2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationIT {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationIT.class);
    private static final Duration CONVERGE = Duration.ofSeconds(20);
    /**
     * How much slower than the bare WAN a transfer over the overlay may be: each crossing adds two
     * (through a transit cloud three) userspace switches to the emulator the bare WAN also crosses.
     */
    private static final int FLOOR_RATIO = 5;
    private static final String VM1 = "02:c0:00:00:00:01";
    private static final String VM5 = "02:c0:00:00:00:05";

    private final Restconf restconf = new Restconf(KarafDistribution.RESTCONF_PORT, "admin", "admin");
    private ControllerAndLab session;
    private KarafDistribution karaf;
    private Lab lab;

    @BeforeAll
    void start() throws Exception {
        session = ControllerAndLab.start("migration-it", restconf, "--clouds", "3", "--vms", "6", "--wan",
            "c1-c2 40ms, c1-c3 10ms, c2-c3 10ms");
        karaf = session.karaf();
        lab = session.lab();
        final var put = restconf.put("/rests/data/cloudroam:cloudroam", lab.run("config"));
        assertTrue(put.status() == 201 || put.status() == 204, put::toString);
        // these tests move vm1 about ten times within a minute: more than the default flap guard allows
        final var mobility = restconf.put("/rests/data/cloudroam:cloudroam/mobility",
            com.google.gson.JsonParser.parseString(
                "{\"cloudroam:mobility\": {\"flap-moves\": 50, \"prepare-migrations\": true}}"));
        assertTrue(mobility.status() == 201 || mobility.status() == 204, mobility::toString);
        poll("every VM located with its address", () -> {
            for (var pair : List.of(List.of("vm1", "vm3"), List.of("vm5", "vm1"), List.of("vm3", "vm5"))) {
                lab.ping(pair.get(0), pair.get(1), 1);
            }
            final var locations = restconf.get("/rests/data/cloudroam:vm-locations");
            return locations.status() == 200 && locations.body().contains("10.0.0.1")
                && locations.body().contains("10.0.0.5");
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (session != null) {
            session.close();
        }
    }

    @Test
    @Order(1)
    void aMigratedVmIsReachedOnTheDirectPathAndTheMoveIsRecorded() throws Exception {
        // the probes measure the WAN: c2 reaches c1 through c3 (10 + 10 ms) rather than directly (40 ms)
        poll("c2 routes to c1 through c3", () -> "c3".equals(restconf.nextHop("c2", "c1"))
            && "c3".equals(restconf.nextHop("c1", "c2")));
        final double before = p50("vm5", "vm1");
        assertEquals(40, before, 3, "vm5 -> vm1 before the move: c2 -> c3 -> c1 and back (4 x 10 ms), not c1-c2 (80)");
        final long prepared = counter("migrations-prepared");
        // a 1 kpps stream from vm5 to vm1 runs across the move
        final var stream = CompletableFuture.supplyAsync(() -> {
            try {
                return lab.run("stream", "vm5", "vm1", "--pps", "1000", "--seconds", "4");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        final var moved = lab.migrate("vm1", "c3");
        final var streamed = stream.join();
        final var migration = poll("the migration of vm1 recorded and confirmed", () -> {
            final var entry = lastMigration();
            return entry != null && entry.has("flows-confirmed") ? entry : null;
        });
        assertEquals(VM1, migration.get("mac").getAsString());
        assertEquals("c1", migration.get("from-cloud").getAsString());
        assertEquals("c3", migration.get("to-cloud").getAsString());
        // the first frame of vm1 at its new port: its RARP, or its echo of a stream frame, once it resumed
        assertTrue(List.of("rarp", "packet").contains(migration.get("trigger").getAsString()), migration::toString);
        // the lab plugs the destination first, with vm1's iface-id and attached-mac, and removes the source
        // after the resume, as libvirt does: the old port is still there when vm1 speaks at the new one,
        // and the new one, plugged for vm1 after its old one, is what makes the move believed without a probe
        assertEquals("destination-attached-mac", migration.get("verification").getAsString());
        // ... and, plugged before vm1 paused, it prepared the move (docs/migration.md)
        poll("vm1's migration counted as prepared", () -> counter("migrations-prepared") == prepared + 1);
        assertEquals(1, migration.get("sequence").getAsInt());
        final var seen = instant(migration, "signal-seen");
        final var verified = instant(migration, "verified");
        final var sent = instant(migration, "flows-sent");
        final var confirmed = instant(migration, "flows-confirmed");
        assertTrue(!seen.isAfter(verified) && !verified.isAfter(sent) && !sent.isAfter(confirmed),
            migration::toString);
        final var resumed = Instant.ofEpochMilli((long) (moved.get("resume").getAsDouble() * 1000));
        assertTrue(Duration.between(resumed, seen).compareTo(Duration.ofSeconds(1)) < 0,
            "the move was seen " + Duration.between(resumed, seen) + " after the VM resumed");
        final double after = p50("vm5", "vm1");
        LOG.info("vm5 -> vm1 RTT p50 {} ms before, {} ms after; signal to flows confirmed {} ms; "
            + "resume to signal {} ms; stream: {}", before, after, Duration.between(seen, confirmed).toMillis(),
            Duration.between(resumed, seen).toMillis(), streamed);
        assertEquals(20, after, 2, "vm5 -> vm1 in c3 takes c2-c3 directly (2 x 10 ms), not via c1 (60 ms)");
        final var table = karaf.console("cloudroam:migrations");
        assertTrue(table.lines().anyMatch(line -> line.contains(VM1) && line.contains("c1:") && line.contains("c3:")
            && line.contains(migration.get("trigger").getAsString())), table);
    }

    @Test
    @Order(2)
    void aSpoofedRarpForALiveVmDoesNotMoveItAndIsReported() throws Exception {
        // vm3 (c3) claims vm5's MAC, which is alive in c2, from its own port: a port that carries no evidence of
        // a migration of vm5 (its attached-mac and iface-id are vm3's), so vm5 is asked at its port and answers
        final var spoof = lab.run("exec", "vm3", "python3", "-m", "cloudroam_lab.vmtools", "announce", "--kind",
            "rarp", "--mac", VM5, "--ip", "10.0.0.5", "--gaps-ms", "50,150");
        assertEquals(0, spoof.get("exit").getAsInt(), spoof::toString);
        final var conflict = poll("a conflict for vm5",
            () -> restconf.entryWith("/rests/data/cloudroam:location-conflicts", "conflict", "mac", VM5));
        assertEquals("still-at-old-port", conflict.get("reason").getAsString());
        assertEquals("c2", conflict.get("at-cloud").getAsString());
        assertEquals("c3", conflict.get("claimed-cloud").getAsString());
        assertEquals("rarp", conflict.get("trigger").getAsString());
        final var where = restconf.post("/rests/operations/cloudroam:locate-vm", Restconf.JSON,
            "{\"input\": {\"mac\": \"" + VM5 + "\"}}");
        assertEquals("c2", where.json().getAsJsonObject("cloudroam:output").get("cloud").getAsString(),
            "the spoof moved vm5");
        assertEquals(0.0, lab.ping("vm1", "vm5", 3).get("loss_percent").getAsDouble(), "vm5 unreachable after spoof");
    }

    @Test
    @Order(3)
    void aGratuitousArpAnnouncesAMoveToo() throws Exception {
        lab.migrate("vm3", "c1", "--announce", "garp");
        final var migration = poll("vm3's move recorded", () -> {
            final var entry = lastMigration();
            return entry != null && "02:c0:00:00:00:03".equals(entry.get("mac").getAsString()) ? entry : null;
        });
        assertEquals("garp", migration.get("trigger").getAsString());
        assertEquals("c1", migration.get("to-cloud").getAsString());
        assertEquals(0.0, lab.ping("vm5", "vm3", 3).get("loss_percent").getAsDouble());
    }

    @Test
    @Order(4)
    void theTriangleBaselineDetoursThroughTheHomeCloud() throws Exception {
        // vm1 (home c1) is in c3 since the first test; vm5 is in c2
        setMode("triangle");
        poll("vm5 -> vm1 through c1", () -> rtt("vm5", "vm1", "min") > 50);
        final double triangle = p50("vm5", "vm1");
        setMode("optimal");
        poll("vm5 -> vm1 direct again", () -> rtt("vm5", "vm1", "max") < 30);
        final double optimal = p50("vm5", "vm1");
        LOG.info("vm5 -> vm1 (home c1, now in c3) RTT p50: triangle {} ms, optimal {} ms", triangle, optimal);
        assertEquals(60, triangle, 3, "triangle: c2 -> c1 (40) -> c3 (10), back c3 -> c2 (10)");
        assertEquals(20, optimal, 2);
    }

    @Test
    @Order(5)
    void lossDuringAMoveIsReportedPerModeAndTheOptimalModeLosesLeast() throws Exception {
        // vm1 is in c3; it moves c3 -> c1 -> c3 -> c1 -> ..., once per mode and round, while vm5 (c2)
        // streams to it; the stream counts a packet lost when its echo does not come back. The moves use the
        // lab's older port life-cycle (--plug resume: the old port gone at the pause, so frames for vm1 flood
        // to it until its flows move) to compare what the modes do with the flows. In libvirt's order (the
        // default) the old port stays, frames follow the flows only, and every mode loses the time its flows
        // take to reach the switches (2026-12-02: optimal 28 and 50 beyond the pause, reactive 71 and 33,
        // triangle 51 and 45): bench qemu-migration and bench migration measure that
        final var lost = new java.util.TreeMap<String, List<Integer>>();
        String at = "c3";
        // three rounds: one move's count varies by some 20 packets either way (a CI run saw reactive
        // lose 21 fewer than its pause), two rounds were once too few to tell the modes apart
        for (int round = 0; round < 3; round++) {
            for (var mode : List.of("optimal", "triangle", "reactive")) {
                setMode(mode);
                poll("vm5 reaches vm1 in mode " + mode, () -> rtt("vm5", "vm1", "max") < 200);
                final var target = "c3".equals(at) ? "c1" : "c3";
                final var result = streamAcrossMove("vm1", target, "--plug", "resume");
                at = target;
                // beyond the pause itself, which no mode can avoid (a packet per ms)
                lost.computeIfAbsent(mode, m -> new java.util.ArrayList<>()).add(result.get(0).get("lost").getAsInt()
                    - (int) Math.round(result.get(1).get("paused_ms").getAsDouble()));
                LOG.info("mode {}: vm1 -> {}, paused {} ms, stream {}", mode, target,
                    result.get(1).get("paused_ms").getAsDouble(), result.get(0));
            }
        }
        setMode("optimal");
        LOG.info("packets lost beyond the pause (of 3000 at 1 kpps, three moves each) per mode: {}", lost);
        final int optimal = lost.get("optimal").stream().mapToInt(Integer::intValue).sum();
        final int reactive = lost.get("reactive").stream().mapToInt(Integer::intValue).sum();
        assertTrue(optimal < reactive, "optimal lost " + optimal + ", reactive " + reactive + ": " + lost);
    }

    @Test
    @Order(6)
    void whenTheDirectLinkSlowsDownTrafficTakesTheTransitPathInBothDirections() throws Exception {
        if (!"c3".equals(locate(VM1))) {
            lab.migrate("vm1", "c3");
            poll("vm1 located in c3", () -> "c3".equals(locate(VM1)));
        }
        poll("vm5 -> vm1 on the direct c2-c3 link", () -> rtt("vm5", "vm1", "max") < 30);
        lab.run("wan", "set", "c2-c3", "200ms");
        try {
            // 3 probe rounds (the minimum filter) and a flow update: within seconds, without a restart
            poll("c2 reaches c3 through c1", () -> "c1".equals(restconf.nextHop("c2", "c3"))
                && "c1".equals(restconf.nextHop("c3", "c2"))
                && rtt("vm5", "vm1", "max") < 150);
            final double transit = p50("vm5", "vm1");
            LOG.info("c2-c3 at 200 ms: vm5 -> vm1 RTT p50 {} ms through c1", transit);
            assertEquals(100, transit, 5, "c2 -> c1 (40) -> c3 (10) and back, not 2 x 200 ms");
        } finally {
            lab.run("wan", "set", "c2-c3", "10ms");
        }
        poll("back on the direct link", () -> "c3".equals(restconf.nextHop("c2", "c3"))
            && rtt("vm5", "vm1", "max") < 30);
    }

    @Test
    @Order(7)
    void anAnnouncedMigrationWaitsForNoProbe() throws Exception {
        // bad input: clear RFC 8040 errors and nothing announced
        final var unknown = announce("02:c0:00:00:00:99", "c1");
        assertEquals(409, unknown.status(), unknown::toString);
        assertEquals("data-missing", unknown.firstError().get("error-tag").getAsString());
        final var noCloud = announce(VM1, "c9");
        assertEquals(400, noCloud.status(), noCloud::toString);
        assertTrue(noCloud.firstError().get("error-message").getAsString().contains("target-cloud 'c9'"),
            noCloud::toString);
        final var sameCloud = announce(VM1, "c3");
        assertEquals(400, sameCloud.status(), sameCloud::toString);
        assertTrue(sameCloud.firstError().get("error-message").getAsString().contains("in that cloud already"),
            sameCloud::toString);
        assertEquals("c3", locate(VM1));

        poll("vm5 reaches vm1 in c3", () -> rtt("vm5", "vm1", "max") < 30);
        final var accepted = announce(VM1, "c1");
        assertEquals(200, accepted.status(), accepted::toString);
        assertEquals("c3", accepted.json().getAsJsonObject("cloudroam:output").get("from-cloud").getAsString());
        final var result = streamAcrossMove("vm1", "c1");
        final var streamed = result.get(0);
        final double paused = result.get(1).get("paused_ms").getAsDouble();
        final var migration = poll("the announced move recorded", () -> {
            final var entry = lastMigration();
            return entry != null && VM1.equals(entry.get("mac").getAsString())
                && "c1".equals(entry.get("to-cloud").getAsString()) ? entry : null;
        });
        // announced: believed on vm1's first frame at its new port (its old port still exists), no probe
        assertEquals("announced", migration.get("verification").getAsString(), migration::toString);
        assertTrue(List.of("rarp", "packet").contains(migration.get("trigger").getAsString()), migration::toString);
        // at 1 kpps a packet per ms. The announced move waits for no probe of the old port (the
        // unannounced one waits verify-timeout, 200 ms, for it to stay silent): it loses less than the
        // pause plus that. What it loses beyond the pause is the flow update after the VM's first frame
        // (issue 26 is about making that nothing)
        final int lost = streamed.get("lost").getAsInt();
        LOG.info("announced move: paused {} ms, lost {} packets ({} beyond the pause): {}", paused, lost,
            lost - Math.round(paused), streamed);
        assertTrue(lost < paused + 200, "lost " + lost + " with a pause of " + paused + " ms: " + streamed);
    }

    @Test
    @Order(8)
    void aMacBouncingBetweenTwoPortsIsQuarantinedUntilReleased() throws Exception {
        // a duplicate MAC: vm3's MAC announced alternately from vm3's port and vm5's; with verify-timeout
        // 0 every sighting is believed at once, so the MAC bounces between the two ports
        final var strict = restconf.put("/rests/data/cloudroam:cloudroam/mobility", com.google.gson.JsonParser
            .parseString("{\"cloudroam:mobility\": {\"flap-moves\": 5, \"flap-window\": 30, "
                + "\"verify-timeout\": 0}}"));
        assertTrue(strict.status() == 201 || strict.status() == 204, strict::toString);
        final String vm3 = "02:c0:00:00:00:03";
        final var home = locate(vm3);
        final var started = Instant.now();
        for (int bounce = 0; bounce < 10; bounce++) {
            final var sent = lab.run("exec", bounce % 2 == 0 ? "vm5" : "vm3", "python3", "-m",
                "cloudroam_lab.vmtools", "announce", "--kind", "rarp", "--mac", vm3, "--ip", "10.0.0.3", "--gaps-ms=");
            assertEquals(0, sent.get("exit").getAsInt(), sent::toString);
        }
        final var bounced = Duration.between(started, Instant.now());
        final var conflict = poll("vm3's MAC reported as flapping", () -> {
            final var response = restconf.get("/rests/data/cloudroam:location-conflicts");
            if (response.status() != 200) {
                return null;
            }
            return response.json().getAsJsonObject("cloudroam:location-conflicts").getAsJsonArray("conflict")
                .asList().stream().map(JsonElement::getAsJsonObject)
                .filter(entry -> vm3.equals(entry.get("mac").getAsString())
                    && List.of("flapping", "quarantined").contains(entry.get("reason").getAsString()))
                .findFirst().orElse(null);
        });
        LOG.info("vm3's MAC bounced 10 times in {} ms: {}", bounced.toMillis(), conflict);
        final var moves = restconf.get("/rests/data/cloudroam:migrations").json()
            .getAsJsonObject("cloudroam:migrations").getAsJsonArray("migration").asList().stream()
            .map(JsonElement::getAsJsonObject)
            .filter(m -> vm3.equals(m.get("mac").getAsString()) && instant(m, "signal-seen").isAfter(started)).count();
        assertTrue(moves <= 5, moves + " moves applied: the quarantine should stop them after five");
        // released, and back to the default verification, vm3's own traffic brings its location home
        final var normal = restconf.put("/rests/data/cloudroam:cloudroam/mobility", com.google.gson.JsonParser
            .parseString("{\"cloudroam:mobility\": {\"flap-moves\": 50, \"prepare-migrations\": true}}"));
        assertTrue(normal.status() == 201 || normal.status() == 204, normal::toString);
        final var released = restconf.post("/rests/operations/cloudroam:clear-quarantine", Restconf.JSON,
            "{\"input\": {\"mac\": \"" + vm3 + "\"}}");
        assertEquals(200, released.status(), released::toString);
        poll("vm3 located at its own port again", () -> {
            lab.run("exec", "vm3", "python3", "-m", "cloudroam_lab.vmtools", "announce", "--kind", "garp", "--mac",
                vm3, "--ip", "10.0.0.3", "--gaps-ms=");
            return home.equals(locate(vm3));
        });
    }

    private Restconf.Response announce(final String mac, final String target) throws Exception {
        return restconf.post("/rests/operations/cloudroam:announce-migration", Restconf.JSON,
            "{\"input\": {\"mac\": \"" + mac + "\", \"target-cloud\": \"" + target + "\"}}");
    }

    private String locate(final String mac) throws Exception {
        final var where = restconf.post("/rests/operations/cloudroam:locate-vm", Restconf.JSON,
            "{\"input\": {\"mac\": \"" + mac + "\"}}");
        return where.status() == 200 ? where.json().getAsJsonObject("cloudroam:output").get("cloud").getAsString()
            : null;
    }

    /** A 1 kpps stream from vm5 to a VM across its migration; returns the stream's result and the move's. */
    private List<JsonObject> streamAcrossMove(final String vm, final String target, final String... options)
            throws Exception {
        final var stream = CompletableFuture.supplyAsync(() -> {
            try {
                return lab.run("stream", "vm5", vm, "--pps", "1000", "--seconds", "3");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1000); // the move starts about a second into the stream: an offset, not a wait for state
        final var moved = lab.migrate(vm, target, options);
        return List.of(stream.join(), moved);
    }

    @Test
    @Order(9)
    void aDeadWanLinkIsSeenByBfdAndAvoidedThenTakenAgainWithoutFlapping() throws Exception {
        final var at = lab.attachedIn("vm1");
        // c2 reaches vm1's cloud over c2-c3 (directly to c3, or through c3 to c1)
        poll("c2 uses c2-c3", () -> "c3".equals(restconf.nextHop("c2", at)));
        // the clock starts when the emulator applied the rule (its wall clock, this machine's), not
        // when the lab command started: the command's own start-up is no part of the detection
        final double killedAt = lab.run("wan", "set", "c2-c3", "10ms", "loss=100%").get("applied_at").getAsDouble();
        final long killed = System.nanoTime() - Math.round((nowEpochSeconds() - killedAt) * 1e9);
        try {
            final var down = ControllerAndLab.poll("BFD reports c2 -> c3 down", Duration.ofSeconds(10), () -> {
                final var tunnels = restconf.get("/rests/data/cloudroam:tunnels");
                if (tunnels.status() != 200) {
                    return null;
                }
                for (var entry : tunnels.json().getAsJsonObject("cloudroam:tunnels").getAsJsonArray("tunnel")) {
                    final var tunnel = entry.getAsJsonObject();
                    if ("c2".equals(tunnel.get("cloud").getAsString())
                            && "c3".equals(tunnel.get("remote-cloud").getAsString())
                            && "down".equals(tunnel.get("state").getAsString())) {
                        return (System.nanoTime() - killed) / 1e6;
                    }
                }
                return null;
            });
            final var rerouted = ControllerAndLab.poll("c2 avoids c2-c3", Duration.ofSeconds(10),
                () -> "c1".equals(restconf.nextHop("c2", at)) ? (System.nanoTime() - killed) / 1e6 : null);
            // /overlay-routing is written once per probe round: the flows changed earlier
            LOG.info("c2-c3 dead: BFD down in /tunnels after {} ms; /overlay-routing shows c2's route to {} "
                + "avoiding it after {} ms", String.format("%.0f", down), at, String.format("%.0f", rerouted));
            // BFD every 200 ms: down after three missed packets, then the OVSDB update, the datastore
            // write and this poll (the target is 1 s; at Open vSwitch's default intervals it took 2.5 s)
            assertTrue(down < 1500, () -> "BFD down after " + down + " ms");
            final var ping = lab.ping("vm5", "vm1", 3);
            assertEquals(0.0, ping.get("loss_percent").getAsDouble(), () -> "vm5 -> vm1 around the dead link: " + ping);
        } finally {
            lab.run("wan", "set", "c2-c3", "10ms");
        }
        // back: probes get through again and the better path is taken, once, and kept
        ControllerAndLab.poll("c2 back on c2-c3", Duration.ofSeconds(30),
            () -> "c3".equals(restconf.nextHop("c2", at)));
        final var hops = new ArrayList<String>();
        final long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            hops.add(restconf.nextHop("c2", at));
            Thread.sleep(250); // sampling interval, not synchronisation
        }
        assertTrue(hops.stream().allMatch("c3"::equals), () -> "the route flapped after the link returned: " + hops);
    }

    private static double nowEpochSeconds() {
        final var now = java.time.Instant.now();
        return now.getEpochSecond() + now.getNano() / 1e9;
    }

    @Test
    @Order(10)
    void aVmClaimingAnotherVmsAddressIsReportedAndArpKeepsAnsweringWithTheHolder() throws Exception {
        // vm5 announces vm1's address as its own (gratuitous ARP with vm5's MAC); vm1 is alive
        final var spoof = lab.run("exec", "vm5", "python3", "-m", "cloudroam_lab.vmtools", "announce", "--kind",
            "garp", "--mac", VM5, "--ip", "10.0.0.1", "--gaps-ms", "50,150");
        assertEquals(0, spoof.get("exit").getAsInt(), spoof::toString);
        final var conflict = poll("an address-in-use conflict",
            () -> restconf.entryWith("/rests/data/cloudroam:location-conflicts", "conflict", "reason",
                "address-in-use"));
        assertEquals("10.0.0.1", conflict.get("address").getAsString(), conflict::toString);
        assertEquals(VM1, conflict.get("mac").getAsString(), "the holder");
        assertEquals(VM5, conflict.get("claimed-mac").getAsString(), "the claimer");
        assertEquals("garp", conflict.get("trigger").getAsString());
        // the address stays with vm1: a VM that asks for it gets vm1's MAC from the controller
        assertEquals(0, lab.run("exec", "vm3", "ip", "neigh", "flush", "all").get("exit").getAsInt());
        assertEquals(0.0, lab.ping("vm3", "vm1", 3).get("loss_percent").getAsDouble(), "vm3 -> vm1 after the claim");
        final var neighbour = lab.run("exec", "vm3", "ip", "neigh", "show", "10.0.0.1").get("output").getAsString();
        assertTrue(neighbour.contains(VM1), () -> "vm3 resolved 10.0.0.1 to: " + neighbour);
        final var where = restconf.post("/rests/operations/cloudroam:locate-vm", Restconf.JSON,
            "{\"input\": {\"mac\": \"" + VM5 + "\"}}").json().getAsJsonObject("cloudroam:output");
        assertTrue(!where.has("ip-address") || !where.get("ip-address").toString().contains("10.0.0.1"),
            () -> "vm5 was given the address: " + where);
    }

    /** One statistic of two pings, NaN when none was answered. */
    private double rtt(final String from, final String to, final String statistic) throws Exception {
        final var ping = lab.ping(from, to, 2);
        return ping.has("rtt_ms") ? ping.getAsJsonObject("rtt_ms").get(statistic).getAsDouble() : Double.NaN;
    }

    private void setMode(final String mode) throws Exception {
        final var body = com.google.gson.JsonParser.parseString("{\"cloudroam:virtual-network\": [{\"vni\": 100, "
            + "\"name\": \"vni-100\", \"cloud\": [\"c1\", \"c2\", \"c3\"], \"mode\": \"" + mode + "\"}]}");
        final var put = restconf.put("/rests/data/cloudroam:cloudroam/virtual-network=100", body);
        assertEquals(204, put.status(), put::toString);
    }

    private double p50(final String from, final String to) throws Exception {
        final var ping = lab.ping(from, to, 10);
        assertEquals(0.0, ping.get("loss_percent").getAsDouble(), ping::toString);
        return ping.getAsJsonObject("rtt_ms").get("p50").getAsDouble();
    }

    @Test
    @Order(11)
    void aCancelledMigrationLeavesTheVmAndItsFlowsWhereTheyWere() throws Exception {
        // the routes measured (as the first test waits for): vm1's flows must not change for another reason
        poll("c2 routes to c1 through c3", () -> "c3".equals(restconf.nextHop("c2", "c1"))
            && "c3".equals(restconf.nextHop("c1", "c2")));
        final var home = locate(VM1);
        // a destination that reaches vm1's cloud directly (c1-c3 and c2-c3 are the lab's fast links; c1-c2 goes
        // through c3, where nothing is copied: docs/migration.md)
        final var target = "c3".equals(home) ? "c1" : "c3";
        final var recorded = migrationIdsOf(VM1);
        final var before = flowsOf(VM1);
        final long prepared = counter("migrations-prepared");
        // a migration of vm1 starts: the destination hypervisor plugs its port with vm1's identity ...
        lab.run("vsctl", target, "add-port", "br-int", "cancel-vm1", "--", "set", "Interface", "cancel-vm1",
            "type=internal", "external_ids:iface-id=vm1", "external_ids:attached-mac=" + VM1);
        // ... which prepares it: vm1's cloud copies the frames for vm1 to the target, which drops them
        poll("vm1's migration to " + target + " prepared", () -> counter("migrations-prepared") == prepared + 1
            && flowsOf(VM1).get(target).stream().anyMatch(flow -> flow.contains("dl_dst=" + VM1)
                && flow.contains("in_port=") && flow.endsWith("actions=drop")));
        final var preparedFlows = flowsOf(VM1);
        assertTrue(preparedFlows.get(home).stream().anyMatch(flow -> flow.contains("dl_dst=" + VM1)
            && flow.contains("tun_id")), () -> home + " copies nothing into a tunnel: " + preparedFlows);
        // ... vm1 goes on running where it is, and is reached there ...
        assertEquals(0.0, lab.ping("vm1", "vm5", 5).get("loss_percent").getAsDouble());
        assertEquals(0.0, lab.ping("vm5", "vm1", 5).get("loss_percent").getAsDouble());
        // ... and the migration is cancelled: the destination port goes again, and so does what was prepared
        lab.run("vsctl", target, "del-port", "br-int", "cancel-vm1");
        poll("vm1's flows as they were before the migration started", () -> before.equals(flowsOf(VM1)));
        assertEquals(0.0, lab.ping("vm5", "vm1", 5).get("loss_percent").getAsDouble());
        assertEquals(home, locate(VM1));
        assertEquals(recorded, migrationIdsOf(VM1), "a move of vm1 was recorded");
        LOG.info("cancelled migration of vm1 to {}: vm1 stays in {}, its flows as before: {}", target, home, before);
    }

    @Test
    @Order(14)
    void applyThenProbeMovesAForgedSightingBackWhenTheVmAnswersAtItsOldPort() throws Exception {
        final var strategy = "/rests/data/cloudroam:cloudroam/mobility/verify-strategy";
        final var set = restconf.put(strategy, com.google.gson.JsonParser.parseString(
            "{\"cloudroam:verify-strategy\": \"apply-then-probe\"}"));
        assertTrue(set.status() / 100 == 2, set::toString);
        try {
            final var before = migrationIdsOf(VM5);
            final int conflicts = conflictsOf(VM5).size();
            final var forger = locate("02:c0:00:00:00:03"); // vm3's cloud (c3 at the start; earlier tests move VMs)
            // vm3 forges a RARP for vm5, alive in c2, from its own port (no evidence): the move is applied at once,
            // vm5 is asked at its port in c2 meanwhile, answers, and goes back
            final var spoof = lab.run("exec", "vm3", "python3", "-m", "cloudroam_lab.vmtools", "announce", "--kind",
                "rarp", "--mac", VM5, "--ip", "10.0.0.5", "--gaps-ms", "50");
            assertEquals(0, spoof.get("exit").getAsInt(), spoof::toString);
            final var moves = poll("vm5 moved and moved back", () -> {
                final var ids = migrationIdsOf(VM5);
                final var added = ids.stream().filter(id -> !before.contains(id)).toList();
                return added.size() >= 2 ? added : null;
            });
            final var forged = migration(moves.get(0));
            final var back = poll("the move back confirmed", () -> {
                final var entry = migration(moves.get(1));
                return entry.has("flows-confirmed") ? entry : null;
            });
            assertEquals("applied-then-probed", forged.get("verification").getAsString());
            assertEquals(forger, forged.get("to-cloud").getAsString());
            assertEquals("old-port-answered", back.get("verification").getAsString());
            assertEquals("c2", back.get("to-cloud").getAsString());
            final var conflict = poll("a new conflict for vm5", () -> {
                final var all = conflictsOf(VM5);
                return all.size() > conflicts ? all.get(all.size() - 1) : null;
            });
            assertEquals("still-at-old-port", conflict.get("reason").getAsString());
            assertEquals(forger, conflict.get("claimed-cloud").getAsString());
            assertEquals("c2", locate(VM5));
            assertEquals(0.0, lab.ping("vm1", "vm5", 3).get("loss_percent").getAsDouble(), "vm5 unreachable");
            LOG.info("apply-then-probe spoof window (forged frame seen -> move back confirmed, cloudroam's record): "
                + "{} ms", Duration.between(instant(forged, "signal-seen"), instant(back, "flows-confirmed"))
                .toMillis());
        } finally {
            restconf.delete(strategy);
        }
    }

    private JsonObject migration(final long id) throws Exception {
        return restconf.entryWith("/rests/data/cloudroam:migrations", "migration", "id", Long.toString(id));
    }

    private List<JsonObject> conflictsOf(final String mac) throws Exception {
        final var response = restconf.get("/rests/data/cloudroam:location-conflicts");
        if (response.status() == 409 || response.status() == 404) {
            return List.of();
        }
        assertEquals(200, response.status(), response::toString);
        return response.json().getAsJsonObject("cloudroam:location-conflicts").getAsJsonArray("conflict").asList()
            .stream().map(JsonElement::getAsJsonObject).filter(entry -> mac.equals(entry.get("mac").getAsString()))
            .sorted(java.util.Comparator.comparingLong(entry -> entry.get("id").getAsLong())).toList();
    }

    /** The flows of every cloud's switch that mention a MAC, without counters, by cloud. */
    private java.util.Map<String, java.util.Set<String>> flowsOf(final String mac) throws Exception {
        final var result = new java.util.TreeMap<String, java.util.Set<String>>();
        for (var cloud : List.of("c1", "c2", "c3")) {
            result.put(cloud, java.util.Arrays.stream(lab.switchTool("ofctl", cloud, "dump-flows", "br-int",
                    "--no-stats").split("\n")).map(String::strip)
                .filter(line -> line.startsWith("cookie=") && line.contains(mac))
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        }
        return result;
    }

    private long counter(final String name) throws Exception {
        final var response = restconf.get("/rests/data/cloudroam:counters");
        assertEquals(200, response.status(), response::body);
        final var counters = com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject()
            .getAsJsonObject("cloudroam:counters");
        return counters.has(name) ? counters.get(name).getAsLong() : 0;
    }

    /**
     * Full-size TCP between clouds: the guests have the network's MTU (1450 on the lab's 1500-byte
     * WAN), so 50 MB cross the direct tunnel and the path through a transit cloud, before and after
     * a migration, at no less than 1/{@value #FLOOR_RATIO} of what the same WAN gives TCP without the overlay.
     */
    @Test
    @Order(12)
    void fullSizeTcpCrossesTheWanDirectAndThroughATransitCloudBeforeAndAfterAMigration() throws Exception {
        for (var rule : List.of(List.of("c1-c2", "40ms"), List.of("c1-c3", "10ms"), List.of("c2-c3", "10ms"))) {
            lab.run("wan", "set", rule.get(0), rule.get(1));
        }
        if (!"c1".equals(locate(VM1))) {
            lab.migrate("vm1", "c1");
            poll("vm1 back in c1", () -> "c1".equals(locate(VM1)));
        }
        poll("vm1 (c1) reached from c2 through c3", () -> "c3".equals(restconf.nextHop("c2", "c1")));
        // vni 100 PUT without an mtu: derived from the measured tunnels, 1500 - 50
        setMode("optimal");
        poll("vni 100's MTU derived from the measured tunnels", () -> networkMtu(100, "derived", 1450, true));
        // the operator fixes it, as the orchestrator handed it to the guests
        final var fixed = restconf.sendText("PATCH", "/rests/data/cloudroam:cloudroam/virtual-network=100",
            "{\"cloudroam:virtual-network\": [{\"vni\": 100, \"mtu\": 1450}]}");
        assertTrue(fixed.status() == 200 || fixed.status() == 204, fixed::toString);
        poll("vni 100's MTU configured", () -> networkMtu(100, "configured", 1450, true));
        // the guest's MTU: 1450-byte packets leave with DF set, 1451-byte ones do not
        assertEquals(0, lab.run("exec", "vm5", "ping", "-M", "do", "-s", "1422", "-c", "2", "-W", "2", "10.0.0.3")
            .get("exit").getAsInt(), "1450-byte packets vm5 -> vm3");
        assertTrue(lab.run("exec", "vm5", "ping", "-M", "do", "-s", "1423", "-c", "1", "-W", "2", "10.0.0.3")
            .get("output").getAsString().contains("mtu=1450"), "1451 bytes are too many for the guest");
        final var underlay = tcp("c2", "c3", "--underlay");
        final var direct = tcp("vm5", "vm3");
        final var transit = tcp("vm5", "vm1");
        lab.migrate("vm1", "c3");
        poll("vm1 in c3", () -> "c3".equals(locate(VM1)));
        final var moved = tcp("vm5", "vm1");
        lab.migrate("vm1", "c1");
        poll("vm1 back in c1", () -> "c1".equals(locate(VM1)));
        LOG.info("50 MB over TCP: underlay c2 -> c3 {} Mbit/s; vm5 (c2) -> vm3 (c3) {} Mbit/s; vm5 -> vm1 (c1, "
            + "through c3) {} Mbit/s; after vm1 moved to c3 {} Mbit/s (MSS {})", underlay.get("mbit_per_s"),
            direct.get("mbit_per_s"), transit.get("mbit_per_s"), moved.get("mbit_per_s"), direct.get("mss"));
        final double floor = underlay.get("mbit_per_s").getAsDouble() / FLOOR_RATIO;
        for (var transfer : List.of(direct, transit, moved)) {
            assertTrue(transfer.get("complete").getAsBoolean() && !transfer.get("stalled").getAsBoolean(),
                transfer::toString);
            assertTrue(transfer.get("mbit_per_s").getAsDouble() >= floor,
                () -> transfer + " slower than 1/" + FLOOR_RATIO + " of the underlay's " + underlay);
        }
    }

    /**
     * A WAN hop narrower than the network's MTU: path MTU discovery finds it, /virtual-network-mtus
     * shows the network does not fit and which tunnels, an mtu-problem notification says so, a
     * commit of a larger MTU is refused naming the limit; the path widens again and all clears.
     */
    @Test
    @Order(13)
    void aPathNarrowerThanTheNetworksMtuIsFoundShownNotifiedAndRefused() throws Exception {
        final var module = "(urn:cloudroam:yang:cloudroam?revision=2026-11-25)";
        final var created = restconf.post("/rests/operations/sal-remote:create-notification-stream", Restconf.JSON,
            "{\"input\": {\"notifications\": [\"" + module + "mtu-problem\"]}}");
        assertEquals(200, created.status(), created::toString);
        final var location = "/rests/streams/json/" + created.json().getAsJsonObject("sal-remote:output")
            .get("notification-stream-identifier").getAsString();
        poll("every tunnel measured at 1500", () -> {
            final var measured = tunnelMtus();
            return measured.size() == 6 && measured.values().stream().allMatch(mtu -> mtu == 1500);
        });
        try (var events = restconf.events(location)) {
            lab.run("wan", "set", "c2-c3", "mtu=1400");
            final var problem = events.next("\"remote-cloud\":\"c3\"", Duration.ofSeconds(60));
            assertTrue(problem.contains("\"cloud\":\"c2\"") && problem.contains("\"overlay-mtu\":1350")
                && problem.contains("\"resolved\":false"), problem);
            // each direction confirms the narrowing on its own (three rounds lost), then searches down
            // again (a round per step and one to call a size lost): the two may be ten rounds apart
            try {
                ControllerAndLab.poll("c2 <-> c3 measured at 1400", Duration.ofSeconds(60), () -> {
                    // a direction being searched again has no measured entry: not yet, not an error
                    final var measured = tunnelMtus();
                    return Integer.valueOf(1400).equals(measured.get("c2->c3"))
                        && Integer.valueOf(1400).equals(measured.get("c3->c2"));
                });
            } catch (AssertionError e) {
                // two CI runs of 2026-12-07 saw only c2 -> c3 reported narrowed: what each direction had then
                throw new AssertionError(e.getMessage() + "; measured: " + tunnelMtus(), e);
            }
            poll("vni 100 does not fit", () -> networkMtu(100, "configured", 1450, false));
            final var state = restconf.get("/rests/data/cloudroam:virtual-network-mtus/virtual-network=100");
            assertTrue(state.body().contains("\"overlay-mtu\":1350"), state::body);
            // the guests' 1450 no longer fits c2 -> c3: ping with DF loses, the smaller size passes
            assertEquals(0, lab.run("exec", "vm5", "ping", "-M", "do", "-s", "1322", "-c", "2", "-W", "2",
                "10.0.0.3").get("exit").getAsInt());
            assertTrue(lab.run("exec", "vm5", "ping", "-M", "do", "-s", "1422", "-c", "2", "-W", "2", "10.0.0.3")
                .get("exit").getAsInt() != 0, "1450 bytes crossed a 1400-byte path");
            // a network MTU the path cannot carry is refused, naming the tunnel and the limit
            final var refused = restconf.put("/rests/data/cloudroam:cloudroam/virtual-network=200",
                com.google.gson.JsonParser.parseString("{\"cloudroam:virtual-network\": [{\"vni\": 200, "
                    + "\"name\": \"vni-200\", \"cloud\": [\"c1\", \"c2\", \"c3\"], \"mtu\": 1400}]}"));
            assertEquals(400, refused.status(), refused::toString);
            assertTrue(refused.body().contains("mtu 1400 is larger than tunnel")
                && refused.body().contains("(1350: path MTU 1400 measured"), refused::body);
            final var outOfRange = restconf.put("/rests/data/cloudroam:cloudroam/virtual-network=200",
                com.google.gson.JsonParser.parseString("{\"cloudroam:virtual-network\": [{\"vni\": 200, "
                    + "\"cloud\": [\"c1\"], \"mtu\": 9001}]}"));
            assertEquals(400, outOfRange.status(), outOfRange::toString);
            assertTrue(outOfRange.body().contains("9001"), outOfRange::body);
            final var kept = restconf.get("/rests/data/cloudroam:cloudroam/virtual-network=200");
            assertTrue(kept.body().contains("\"mtu\":1450"), "nothing of a refused commit is stored: " + kept.body());
            // the hop widens again: found by the probe one byte up, and the problem clears
            lab.run("wan", "set", "c2-c3", "mtu=1500");
            final var resolved = events.next("\"resolved\":true", Duration.ofSeconds(60));
            assertTrue(resolved.contains("\"cloud\":\"c2\"") || resolved.contains("\"cloud\":\"c3\""), resolved);
        }
        poll("vni 100 fits again", () -> networkMtu(100, "configured", 1450, true));
    }

    /** Whether /virtual-network-mtus shows a network with this MTU, source and fit. */
    private boolean networkMtu(final int vni, final String source, final int mtu, final boolean fits)
            throws Exception {
        final var response = restconf.get("/rests/data/cloudroam:virtual-network-mtus/virtual-network=" + vni);
        if (response.status() != 200) {
            return false;
        }
        final var network = response.json().getAsJsonArray("cloudroam:virtual-network").get(0).getAsJsonObject();
        return source.equals(network.get("source").getAsString()) && mtu == network.get("mtu").getAsInt()
            && fits == network.get("fits").getAsBoolean();
    }

    private JsonObject tcp(final String from, final String to, final String... options) throws Exception {
        final var args = new ArrayList<>(List.of("tcp", from, to, "--bytes", "50000000"));
        args.addAll(List.of(options));
        return lab.run(args.toArray(String[]::new));
    }

    /** "from->to" -> the measured path MTU of every tunnel direction that has one. */
    private java.util.Map<String, Integer> tunnelMtus() throws Exception {
        final var result = new java.util.TreeMap<String, Integer>();
        final var response = restconf.get("/rests/data/cloudroam:tunnels");
        if (response.status() == 200) {
            for (var entry : response.json().getAsJsonObject("cloudroam:tunnels").getAsJsonArray("tunnel")) {
                final var tunnel = entry.getAsJsonObject();
                if (tunnel.has("path-mtu") && "measured".equals(tunnel.get("path-mtu-state").getAsString())) {
                    result.put(tunnel.get("cloud").getAsString() + "->" + tunnel.get("remote-cloud").getAsString(),
                        tunnel.get("path-mtu").getAsInt());
                }
            }
        }
        return result;
    }

    private List<Long> migrationIdsOf(final String mac) throws Exception {
        final var response = restconf.get("/rests/data/cloudroam:migrations");
        if (response.status() == 409) {
            return List.of(); // no migration yet: the list does not exist
        }
        assertEquals(200, response.status(), response::toString);
        return response.json().getAsJsonObject("cloudroam:migrations").getAsJsonArray("migration").asList().stream()
            .map(JsonElement::getAsJsonObject).filter(entry -> mac.equals(entry.get("mac").getAsString()))
            .map(entry -> entry.get("id").getAsLong()).sorted().toList();
    }

    private JsonObject lastMigration() throws Exception {
        final var response = restconf.get("/rests/data/cloudroam:migrations");
        if (response.status() != 200) {
            return null;
        }
        JsonObject last = null;
        for (JsonElement entry : response.json().getAsJsonObject("cloudroam:migrations").getAsJsonArray("migration")) {
            if (last == null || entry.getAsJsonObject().get("id").getAsLong() > last.get("id").getAsLong()) {
                last = entry.getAsJsonObject();
            }
        }
        return last;
    }

    private static Instant instant(final JsonObject entry, final String leaf) {
        return Instant.parse(entry.get(leaf).getAsString());
    }

    private static <T> T poll(final String what, final Callable<T> probe) throws Exception {
        return ControllerAndLab.poll(what, CONVERGE, probe);
    }
}
