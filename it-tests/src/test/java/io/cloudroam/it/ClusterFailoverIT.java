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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * cloudroam on a three-member cluster (./cloudroam cluster) with every lab switch connected to all
 * three: the member where cloudroam is active is SIGKILLed while traffic flows and VMs migrate
 * every two seconds; the migration history must match the lab's own list of moves (none lost,
 * none twice), forwarding must go on, every move must reconverge; the killed member then rejoins
 * and every member (RESTCONF and dashboard) shows the same state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFailoverIT.class);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    /**
     * Set-up only, nothing measured: a fresh cluster on a loaded host sometimes needs openflowplugin
     * to give up a switch's mastership and hand it to another member before flows reach it (once
     * 35 s after the configuration, "Not able to set MASTER role ... Initial gathering statistics
     * unsuccessful").
     */
    private static final Duration SETTLE = Duration.ofSeconds(120);
    /** A move not reconverged after this long counts as lost (the target is 2 s, reported). */
    private static final Duration MOVE_LIMIT = Duration.ofSeconds(30);
    private static final long MOVE_EVERY_MS = 2000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** The VMs that move (VNI 100 and 200), each streaming to a VM that stays, and their peers. */
    private static final List<String> MOVERS = List.of("vm5", "vm4");
    private static final Map<String, String> MAC = Map.of("vm4", "02:c0:00:00:00:04", "vm5", "02:c0:00:00:00:05");
    private static final Map<String, String> PEER = Map.of("vm4", "vm2", "vm5", "vm1");

    private final List<Restconf> members = Cluster.HOSTS.stream()
        .map(host -> new Restconf(host, KarafDistribution.RESTCONF_PORT, "admin", "admin")).toList();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Cluster cluster;
    private Lab lab;
    private int killed;

    /**
     * One move: which VM, where to, when it started (ms after the kill, negative before), how long
     * until the datastore showed it there.
     */
    private record Move(String vm, String to, long startMs, long millis) {
        String phase(final long takeoverMs) {
            return startMs < 0 ? "before" : startMs < takeoverMs ? "during" : "after";
        }
    }

    @BeforeAll
    void start() throws Exception {
        cluster = Cluster.up("cluster-it");
        boolean ready = false;
        try {
            lab = Lab.up("--clouds", "3", "--vms", "6", "--controllers",
                String.join(",", Cluster.HOSTS.stream().map(host -> host + ":6653").toList()));
            final var put = members.get(0).put("/rests/data/cloudroam:cloudroam", lab.run("config"));
            assertTrue(put.status() == 201 || put.status() == 204, put::toString);
            poll("every VM located", SETTLE, () -> {
                for (var pair : List.of(List.of("vm1", "vm3"), List.of("vm5", "vm1"), List.of("vm3", "vm5"),
                        List.of("vm2", "vm4"), List.of("vm6", "vm2"), List.of("vm4", "vm6"))) {
                    lab.ping(pair.get(0), pair.get(1), 1);
                }
                return locations(members.get(1)).size() == 6;
            });
            ready = true;
        } finally {
            if (!ready) {
                stop();
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        threads.shutdownNow();
        try {
            if (lab != null) {
                lab.close();
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void killingTheActiveMemberLosesNoMigrationAndAppliesNoneTwice() throws Exception {
        final var active = activeMember(members.get(0));
        killed = Integer.parseInt(active.substring(active.indexOf('-') + 1));
        final var survivor = members.get(killed % 3);
        final long lastId = migrationIds(survivor).stream().mapToLong(Long::longValue).max().orElse(0);
        final var status = cluster.status();
        LOG.info("cloudroam active on {}; shard leaders {}; failover profile {}", active,
            status.getAsJsonObject("shard-leaders"), status.get("failover").getAsString());

        final var steady = background(() -> lab.run("stream", "vm1", "vm3", "--pps", "100", "--seconds", "60"));
        final var from5 = background(() -> lab.run("stream", "vm5", "vm1", "--pps", "50", "--seconds", "60"));
        final var from4 = background(() -> lab.run("stream", "vm4", "vm2", "--pps", "50", "--seconds", "60"));
        final var where = new TreeMap<>(Map.of("vm5", lab.attachedIn("vm5"), "vm4", lab.attachedIn("vm4")));
        final var moves = new ArrayList<Move>();
        final long firstMove = System.nanoTime();
        for (int i = 0; i < 2; i++) {
            moves.add(move(survivor, MOVERS.get(i % 2), where, firstMove));
        }

        cluster.kill(killed);
        final long killedAt = System.nanoTime();
        // the moves before, timed from the kill
        moves.replaceAll(m -> new Move(m.vm(), m.to(), m.startMs() - (killedAt - firstMove) / 1_000_000, m.millis()));
        // the first move right at the kill, the next ones every two seconds, as before
        final var takeover = background(() -> poll("another member active", CONVERGE, () -> {
            final var now = activeMember(survivor);
            return now != null && !now.equals(active) ? (System.nanoTime() - killedAt) / 1_000_000 : null;
        }));
        for (int i = 0; i < 6; i++) {
            final long due = killedAt + i * MOVE_EVERY_MS * 1_000_000;
            final long wait = (due - System.nanoTime()) / 1_000_000;
            if (wait > 0) {
                Thread.sleep(wait); // pacing the lab's moves, not synchronisation
            }
            moves.add(move(survivor, MOVERS.get(i % 2), where, killedAt));
        }
        final long takeoverMs = takeover.join();
        final var steadyResult = steady.join();
        from5.join();
        from4.join();

        LOG.info("member-{} killed: {} active again after {} ms", killed, activeMember(survivor), takeoverMs);
        for (var m : moves) {
            LOG.info("move {} -> {} at {} ms after the kill ({}): {} ms from the move to the datastore", m.vm(),
                m.to(), m.startMs(), m.phase(takeoverMs), m.millis());
        }
        LOG.info("reconvergence p99 before {} ms, during failover {} ms, after {} ms (target 2000 ms)",
            p99(moves, "before", takeoverMs), p99(moves, "during", takeoverMs), p99(moves, "after", takeoverMs));
        LOG.info("stream vm1 -> vm3 across the kill: {} sent, {} lost, longest gap {} ms",
            steadyResult.get("sent"), steadyResult.get("lost"), steadyResult.get("longest_gap_ms"));

        // the history against the lab's list of moves: each move once, in order, nothing else
        for (var vm : MOVERS) {
            final var expected = moves.stream().filter(m -> m.vm().equals(vm)).map(Move::to).toList();
            assertEquals(expected, recordedMoves(survivor, MAC.get(vm), lastId),
                vm + "'s moves in /migrations against the lab's moves");
        }
        assertNotEquals(active, activeMember(survivor), "another member took over");
        // forwarding between VMs that stay never depends on the controller
        assertTrue(steadyResult.get("lost").getAsInt() <= steadyResult.get("sent").getAsInt() / 100,
            () -> "vm1 -> vm3 lost more than 1% across the kill: " + steadyResult);
        assertEquals(0.0, lab.ping("vm5", "vm1", 3).get("loss_percent").getAsDouble(), "vm5 -> vm1 after the moves");
        assertEquals(0.0, lab.ping("vm4", "vm2", 3).get("loss_percent").getAsDouble(), "vm4 -> vm2 after the moves");
    }

    @Test
    @Order(2)
    void theKilledMemberRejoinsAndEveryMemberShowsTheSameState() throws Exception {
        final long started = System.nanoTime();
        cluster.start(killed);
        final var rejoined = members.get(killed - 1);
        LOG.info("member-{} rejoined in {} ms", killed, (System.nanoTime() - started) / 1_000_000);
        final var survivor = members.get(killed % 3);
        // one more move, seen by every member
        final var where = new TreeMap<>(Map.of("vm5", lab.attachedIn("vm5")));
        move(survivor, "vm5", where, System.nanoTime());
        try {
            poll("the same locations, history and dashboard on every member", CONVERGE, () -> {
                final var reference = state(survivor);
                for (var member : members) {
                    if (!reference.equals(state(member))) {
                        return false;
                    }
                }
                return true;
            });
        } catch (AssertionError e) {
            final var shown = new StringBuilder(e.getMessage());
            for (int i = 0; i < members.size(); i++) {
                shown.append("\nmember-").append(i + 1).append(": ").append(state(members.get(i)));
            }
            throw new AssertionError(shown.toString(), e);
        }
        assertEquals(where.get("vm5"), locations(rejoined).get(MAC.get("vm5")), "vm5 seen from the rejoined member");
    }

    /**
     * A member whose shard journal cannot be recovered (the state OpenDaylight 11.0.2 leaves when a
     * follower installs a leader's snapshot over unapplied entries of its own, docs/cluster.md) is
     * started again with that journal set aside, resyncs from the leader and shows what the others
     * show, the configuration included.
     */
    @Test
    @Order(3)
    void aMemberWhoseJournalCannotBeRecoveredResyncsFromTheLeader() throws Exception {
        final var active = activeMember(members.get(0));
        final int member = active.equals("member-3") ? 2 : 3;
        final var config = members.get(0).get("/rests/data/cloudroam:cloudroam").json();
        cluster.kill(member);
        final var shard = "member-" + member + "-shard-default-config";
        final int entries = cluster.duplicateJournal(member, shard);
        LOG.info("member-{} killed, {} entries of {} written twice", member, entries, shard);
        final long started = System.nanoTime();
        final var answer = cluster.start(member);
        LOG.info("member-{} back in {} ms: {}", member, (System.nanoTime() - started) / 1_000_000,
            answer.get("restarts"));
        final var restarts = answer.getAsJsonObject("restarts").getAsJsonArray("member-" + member);
        assertEquals("journal", restarts.get(0).getAsJsonObject().get("reason").getAsString(), answer::toString);
        assertEquals(shard, restarts.get(0).getAsJsonObject().getAsJsonArray("shards").get(0).getAsString());
        final var where = new TreeMap<>(Map.of("vm4", lab.attachedIn("vm4")));
        move(members.get(member - 1), "vm4", where, System.nanoTime());
        poll("the same configuration, locations, history and dashboard on every member", CONVERGE, () -> {
            final var reference = state(members.get(0));
            for (var each : members) {
                if (!reference.equals(state(each))
                        || !config.equals(each.get("/rests/data/cloudroam:cloudroam").json())) {
                    return false;
                }
            }
            return true;
        });
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Moves a VM to the next cloud and waits until a member's datastore has it there.
     *
     * @param since the instant (nanoTime) the move's start is reported against
     */
    private Move move(final Restconf member, final String vm, final Map<String, String> where, final long since)
            throws Exception {
        final int from = Integer.parseInt(where.get(vm).substring(1));
        final var to = "c" + (from % 3 + 1);
        final long start = System.nanoTime();
        lab.migrate(vm, to);
        where.put(vm, to);
        try {
            poll(vm + " in " + to, MOVE_LIMIT, () -> {
                if (to.equals(locations(member).get(MAC.get(vm)))) {
                    return true;
                }
                // the guest talks (ARP, ICMP) as a running VM does, whatever its stream does
                lab.ping(vm, PEER.get(vm), 1);
                return false;
            });
        } catch (AssertionError e) {
            // what the switch and the members saw, for whoever reads the failure
            throw new AssertionError(e.getMessage() + "; " + vm + ": " + lab.run("exec", vm, "ip", "neigh") + " "
                + lab.run("exec", vm, "ps", "ax") + "; active: " + activeMember(member) + "; counters: "
                + member.get("/rests/data/cloudroam:counters").body() + "; " + to + " controllers: "
                + lab.switchTool("vsctl", to, "--columns=target,role,is_connected", "list", "controller")
                + "; " + to + " flows: " + lab.switchTool("ofctl", to, "dump-flows", "br-int"), e);
        }
        return new Move(vm, to, (start - since) / 1_000_000, (System.nanoTime() - start) / 1_000_000);
    }

    private static long p99(final List<Move> moves, final String phase, final long takeoverMs) {
        final var sorted = moves.stream().filter(m -> m.phase(takeoverMs).equals(phase)).mapToLong(Move::millis)
            .sorted().toArray();
        return sorted.length == 0 ? -1 : sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
    }

    private static String activeMember(final Restconf member) throws IOException, InterruptedException {
        final var response = member.get("/rests/data/cloudroam-cluster:active-instance");
        return response.status() != 200 ? null
            : response.json().getAsJsonObject("cloudroam-cluster:active-instance").get("member").getAsString();
    }

    /**
     * MAC -> cloud of every located VM; empty when the member did not answer within 10 s (a read
     * can wait on a shard leader that just died: a fresh request gets the next one, and the move's
     * own deadline still bounds the whole wait).
     */
    private static Map<String, String> locations(final Restconf member) throws IOException, InterruptedException {
        final var result = new TreeMap<String, String>();
        final Restconf.Response response;
        try {
            response = member.withRequestTimeout(READ_TIMEOUT).get("/rests/data/cloudroam:vm-locations");
        } catch (java.net.http.HttpTimeoutException e) {
            LOG.warn("{}: no answer to a read of vm-locations within {}", member, READ_TIMEOUT);
            return result;
        }
        if (response.status() == 200) {
            for (var entry : response.json().getAsJsonObject("cloudroam:vm-locations").getAsJsonArray("vm-location")) {
                final var object = entry.getAsJsonObject();
                result.put(object.get("mac").getAsString(), object.get("cloud").getAsString());
            }
        }
        return result;
    }

    private static JsonArray migrations(final Restconf member) throws IOException, InterruptedException {
        final var response = member.get("/rests/data/cloudroam:migrations");
        return response.status() != 200 ? new JsonArray()
            : response.json().getAsJsonObject("cloudroam:migrations").getAsJsonArray("migration");
    }

    private static List<Long> migrationIds(final Restconf member) throws IOException, InterruptedException {
        final var ids = new ArrayList<Long>();
        migrations(member).forEach(entry -> ids.add(entry.getAsJsonObject().get("id").getAsLong()));
        return ids;
    }

    /** The target clouds of a MAC's migrations after an id, in id order. */
    private static List<String> recordedMoves(final Restconf member, final String mac, final long after)
            throws IOException, InterruptedException {
        final var byId = new TreeMap<Long, String>();
        for (var entry : migrations(member)) {
            final var object = entry.getAsJsonObject();
            if (mac.equals(object.get("mac").getAsString()) && object.get("id").getAsLong() > after) {
                byId.put(object.get("id").getAsLong(), object.get("to-cloud").getAsString());
            }
        }
        return List.copyOf(byId.values());
    }

    /** What a member shows: locations, migration history, and its dashboard's VMs and migrations. */
    private static List<Object> state(final Restconf member) throws IOException, InterruptedException {
        final var dashboard = member.get("/cloudroam/api/state", "application/json");
        final JsonElement doc = dashboard.status() == 200 ? JsonParser.parseString(dashboard.body()) : null;
        final var shown = new ArrayList<String>();
        if (doc != null) {
            // in any order: each dashboard lists what its own datastore listener saw, as it came
            for (var part : List.of("vms", "migrations")) {
                doc.getAsJsonObject().getAsJsonArray(part).forEach(entry -> {
                    // a move's paths are drawn from the routes the dashboard knew when it saw the
                    // move: a member that joined later draws older moves on today's routes
                    entry.getAsJsonObject().remove("paths");
                    shown.add(part + " " + entry);
                });
            }
        }
        shown.sort(null);
        return List.of(locations(member), migrationIds(member), shown);
    }

    // whatever the task throws fails the future, and join() rethrows it in the test
    @SuppressWarnings("checkstyle:IllegalCatch")
    private <T> CompletableFuture<T> background(final java.util.concurrent.Callable<T> task) {
        // a thread each: the common pool has one thread on two cores, and the streams must overlap
        return CompletableFuture.supplyAsync(() -> {
            try {
                return task.call();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }
}
