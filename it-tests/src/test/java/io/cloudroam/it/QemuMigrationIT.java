/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import static io.cloudroam.it.ControllerAndLab.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real QEMU live migration through cloudroam: a QEMU guest (Debian kernel, busybox) in c1 migrates
 * to c3 by QEMU's own migration over a Unix socket, the destination plugged first with libvirt's
 * external_ids and the source removed after, while a VM in c2 streams to it. The move must be
 * recorded, and the stream must go on at the new location on the shortest path (c2-c3 directly; after
 * a guest crash, the other way, c2 through c3 to c1).
 * The outage and QEMU's own downtime are logged, not asserted (issue 26 is about them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuMigrationIT {
    private static final Logger LOG = LoggerFactory.getLogger(QemuMigrationIT.class);
    private static final String QVM1 = "02:c0:0e:00:00:01";
    /** Guest crashes (QEMU's side shows them) after which the test gives up. */
    private static final int MAX_CRASHES = 3;

    private final Restconf restconf = new Restconf(KarafDistribution.RESTCONF_PORT, "admin", "admin");
    private ControllerAndLab session;
    private Lab lab;

    @BeforeAll
    void start() throws Exception {
        session = ControllerAndLab.start("qemu-migration-it", restconf, "--clouds", "3", "--vms", "6",
            "--qemu-vms", "1", "--wan", "c1-c2 40ms, c1-c3 10ms, c2-c3 10ms");
        lab = session.lab();
        final var put = restconf.put("/rests/data/cloudroam:cloudroam", lab.run("config"));
        assertTrue(put.status() == 201 || put.status() == 204, put::toString);
        poll("qvm1 located with its address", Duration.ofSeconds(60), () -> {
            lab.ping("vm5", "qvm1", 1);
            final var locations = restconf.get("/rests/data/cloudroam:vm-locations");
            return locations.status() == 200 && locations.body().contains("10.0.100.1");
        });
        poll("c2 routes to c1 through c3", Duration.ofSeconds(60), () -> "c3".equals(restconf.nextHop("c2", "c1")));
        // the route is in the operational datastore before every switch has its flows, and the first
        // probe rounds move routes back and forth (a run of 2026-12-07 measured right then and got no
        // answer in half a second): until vm5 reaches the guest on that route
        awaitReached("c1", "vm5 reaches qvm1 in c1 through c3");
    }

    @AfterAll
    void stop() throws Exception {
        if (session != null) {
            session.close();
        }
    }

    /**
     * c1 to c3. The guest itself can crash in a migration under TCG (docs/lab.md: its QEMU gone after a
     * completed migration, a kernel panic on a corrupted stack, "BUG: Bad page state", a soft lockup in
     * virtio-net; seen in OVN's lab as well, so not the overlay's doing), most often in the first
     * migration after its boot (2 of 6 runs of this test on 2026-12-07). A crash that QEMU's side shows
     * (never a guest that is merely unreachable: that is what this test is about) is logged, the guest
     * restarted where it is and moved on the other way; after MAX_CRASHES crashes the test fails.
     */
    @Test
    void aRealQemuMigrationIsFollowedOnTheShortestPath() throws Exception {
        final var crashes = new ArrayList<JsonObject>();
        var from = "c1";
        var to = "c3";
        for (var crash = migrateAndCheck(from, to); crash != null; crash = migrateAndCheck(from, to)) {
            crashes.add(crash);
            assertTrue(crashes.size() < MAX_CRASHES, () -> "qvm1 crashed in " + MAX_CRASHES
                + " migrations in a row: " + crashes);
            LOG.warn("qvm1 crashed in its migration {} -> {} (QEMU's side says so: {}); restarted there, moving it "
                + "back", from, to, crash);
            LOG.info("rebooted: {}", lab.run("reboot", "qvm1"));
            final var at = to;
            awaitReached(at, "the restarted qvm1 reached from vm5 in " + at);
            to = from;
            from = at;
        }
    }

    /** Waits until vm5 reaches qvm1 in a cloud at the RTT of the shortest path to it. */
    private void awaitReached(final String cloud, final String what) throws Exception {
        poll(what, Duration.ofSeconds(60), () -> Math.abs(rttP50() - expectedRtt(cloud)) <= 4);
    }

    /** The RTT from vm5 (c2) to the guest in a cloud: through c3 (4 x 10 ms) to c1, direct (2 x 10) to c3. */
    private static double expectedRtt(final String cloud) {
        return "c1".equals(cloud) ? 40 : 20;
    }

    /**
     * Migrates qvm1 and checks what follows; returns QEMU's account of a guest that crashed in it (then
     * nothing after the migration was checked), or null when every check passed.
     */
    private JsonObject migrateAndCheck(final String from, final String to) throws Exception {
        final double before = rttP50();
        assertEquals(expectedRtt(from), before, 4, "vm5 (c2) -> qvm1 (" + from + ") on the shortest path");
        final var stream = CompletableFuture.supplyAsync(() -> {
            try {
                return lab.run("stream", "vm5", "qvm1", "--pps", "1000", "--seconds", "8");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        final var moved = lab.migrate("qvm1", to);
        final var streamed = stream.join();
        assertEquals("running", moved.get("destination_status").getAsString(), moved::toString);
        assertTrue(moved.get("first_announcement").isJsonPrimitive(), () -> "QEMU announced nothing: " + moved);
        final var migration = poll("qvm1's move recorded and confirmed", Duration.ofSeconds(30), () -> {
            final var response = restconf.get("/rests/data/cloudroam:migrations");
            if (response.status() != 200) {
                return null;
            }
            for (var entry : response.json().getAsJsonObject("cloudroam:migrations").getAsJsonArray("migration")) {
                final var object = entry.getAsJsonObject();
                if (QVM1.equals(object.get("mac").getAsString()) && to.equals(object.get("to-cloud").getAsString())
                        && object.has("flows-confirmed") && from.equals(object.get("from-cloud").getAsString())) {
                    return object;
                }
            }
            return null;
        });
        // each reading is logged: one CI run (2026-12-07) never got an answer in 30 s with the routes
        // unchanged; whether the guest had crashed is asked of QEMU then
        try {
            poll("vm5 reaches qvm1 in " + to + " on the shortest path", Duration.ofSeconds(30), () -> {
                final double p50 = rttP50();
                LOG.info("vm5 -> qvm1 RTT p50 {} ms (no answer: {})", p50, Double.MAX_VALUE);
                return Math.abs(p50 - expectedRtt(to)) <= 3;
            });
        } catch (AssertionError e) {
            final var health = lab.run("guest-health", "qvm1");
            if (health.get("crashed").getAsBoolean()) {
                return health;
            }
            throw new AssertionError(e.getMessage() + "; the guest did not crash, QEMU's side says: " + health, e);
        }
        final double after = rttP50();
        LOG.info("QEMU migration qvm1 {} -> {} ({}): QEMU downtime {} ms, total {} ms; plugged {} ms before the "
            + "migration started, source removed {} ms after it completed; stream vm5 -> qvm1: {} sent, {} lost, "
            + "longest gap {} ms; cloudroam: trigger {}, verification {}; RTT p50 {} -> {} ms", from, to,
            moved.get("accel").getAsString(), moved.get("downtime_ms"), moved.get("total_time_ms"),
            Math.round((moved.get("migration_started").getAsDouble() - moved.get("plugged_at").getAsDouble()) * 1000),
            Math.round((moved.get("unplugged_at").getAsDouble() - moved.get("completed_at").getAsDouble()) * 1000),
            streamed.get("sent"), streamed.get("lost"), streamed.get("longest_gap_ms"),
            migration.get("trigger").getAsString(), migration.get("verification").getAsString(), before, after);
        assertEquals(expectedRtt(to), after, 3, "vm5 (c2) -> qvm1 (" + to + ") on the shortest path");
        assertTrue(List.of("rarp", "packet").contains(migration.get("trigger").getAsString()), migration::toString);
        // the guest went on where it resumed: replies came back in the stream's last second, seconds after
        // the migration completed (the whole stream's count would hold with replies from before it)
        final var perSecond = streamed.getAsJsonArray("rtt_ms_per_second").asList();
        final var last = perSecond.get(perSecond.size() - 1).getAsJsonObject();
        assertTrue(last.get("second").getAsInt() >= 6 && last.get("samples").getAsInt() > 0, streamed::toString);
        // not a figure (the benchmark has those): a guard against an outage of seconds, as when a move waits
        // for something that never comes
        assertTrue(streamed.get("longest_gap_ms").getAsDouble() < 2000, streamed::toString);
        assertEquals(List.of(to), qemuInstances(), "the source QEMU is gone, the destination runs");
        return null;
    }

    private List<String> qemuInstances() throws Exception {
        for (var entry : lab.status().getAsJsonArray("vms")) {
            final var object = entry.getAsJsonObject();
            if ("qvm1".equals(object.get("name").getAsString())) {
                return object.getAsJsonArray("qemu_running_in").asList().stream()
                    .map(com.google.gson.JsonElement::getAsString).toList();
            }
        }
        throw new AssertionError("no qvm1 in the lab's status");
    }

    private double rttP50() throws Exception {
        final JsonObject rtt = lab.run("rtt", "vm5", "qvm1", "--count", "10", "--interval", "0.05");
        return rtt.has("rtt_ms") ? rtt.getAsJsonObject("rtt_ms").get("p50").getAsDouble() : Double.MAX_VALUE;
    }
}
