/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutesTest {
    private static final Map<String, Set<String>> MESH = Map.of("c1", Set.of("c2", "c3"), "c2", Set.of("c1", "c3"),
        "c3", Set.of("c1", "c2"));

    private static void both(final Routes routes, final String one, final String other, final long micros) {
        routes.sample(one, other, micros);
        routes.sample(other, one, micros);
    }

    @Test
    void unmeasuredTunnelsAreUsedDirectly() {
        final var hops = new Routes().nextHops(MESH);
        assertEquals("c3", hops.get("c3").get("c2"));
        assertEquals("c3", hops.get("c3").get("c1"));
    }

    @Test
    void restoredMeasurementsGiveTheSameRoutesAndSamplesContinueFromThem() {
        final var restored = new Routes();
        for (var edge : List.of(List.of("c1", "c2"), List.of("c2", "c1"))) {
            restored.restore(edge.get(0), edge.get(1), 40_500, 40_000);
        }
        for (var edge : List.of(List.of("c1", "c3"), List.of("c3", "c1"), List.of("c2", "c3"), List.of("c3", "c2"))) {
            restored.restore(edge.get(0), edge.get(1), 10_200, 10_000);
        }
        assertEquals("c3", restored.nextHops(MESH).get("c1").get("c2"), "c2 reaches c1 through c3, as before");
        assertEquals(Optional.of(40_500L), restored.latency("c1", "c2"));
        assertFalse(restored.sample("c1", "c2", 41_000), "a sample close to the restored value changes no route");
        assertThrows(IllegalArgumentException.class, () -> restored.restore("c1", "c2", 1, Routes.UNREACHABLE_MICROS));
    }

    @Test
    void aFasterPathThroughAThirdCloudIsTaken() {
        final var routes = new Routes();
        both(routes, "c1", "c2", 40_000);
        both(routes, "c1", "c3", 10_000);
        both(routes, "c2", "c3", 200_000);
        final var hops = routes.nextHops(MESH);
        assertEquals("c1", hops.get("c3").get("c2"), "c2 reaches c3 through c1 (50 ms < 200 ms)");
        assertEquals("c3", hops.get("c3").get("c1"), "c1 relays straight on");
        assertEquals("c1", hops.get("c2").get("c3"), "and back the same way");
        // when the direct link is best again, it is used again
        for (int i = 0; i < 30; i++) {
            both(routes, "c2", "c3", 10_000);
        }
        assertEquals("c3", routes.nextHops(MESH).get("c3").get("c2"));
    }

    @Test
    void aPathInUseGivesWayOnlyToOneCheaperByMoreThanTheStickiness() {
        // an unshaped WAN: every link about 0.3 ms, so direct (1.3 ms) and a detour (2.6 ms) are close
        final var routes = new Routes();
        for (var edge : List.of(List.of("c1", "c2"), List.of("c2", "c1"), List.of("c1", "c3"), List.of("c3", "c1"),
                List.of("c2", "c3"), List.of("c3", "c2"))) {
            routes.restore(edge.get(0), edge.get(1), 300, 300);
        }
        assertEquals("c2", routes.nextHops(MESH).get("c2").get("c1"), "direct to begin with");
        // c1 -> c2 reads 2 ms: 3 ms direct, 2.6 ms through c3; less than the stickiness cheaper
        routes.restore("c1", "c2", 2_000, 2_000);
        final var kept = routes.paths(MESH).get("c2").get("c1");
        assertEquals(new Routes.Hop("c2", 3_000), kept, "the direct path stays, with its real cost");
        // 6 ms direct: the detour is cheaper by more than the stickiness
        routes.restore("c1", "c2", 5_000, 5_000);
        assertEquals(new Routes.Hop("c3", 2_600), routes.paths(MESH).get("c2").get("c1"));
        // 2.5 ms direct: cheaper than the detour, but not by the detour's stickiness (its first edge,
        // 0.3 ms, weighs 0.3 ms less: never below its hop penalty); without it, direct again
        routes.restore("c1", "c2", 1_500, 1_500);
        assertEquals("c3", routes.nextHops(MESH).get("c2").get("c1"), "the detour in use stays");
        // 1.3 ms direct again: cheaper by more than the detour's first edge's stickiness
        routes.restore("c1", "c2", 300, 300);
        assertEquals("c2", routes.nextHops(MESH).get("c2").get("c1"), "back to direct");
        // a lost direct link is left whatever the stickiness
        routes.lost("c1", "c2");
        assertEquals("c3", routes.nextHops(MESH).get("c2").get("c1"));
    }

    @Test
    void jitterDoesNotChangeTheMetric() {
        final var routes = new Routes();
        assertTrue(routes.sample("c1", "c2", 20_000), "the first sample sets the metric");
        assertFalse(routes.sample("c1", "c2", 20_500));
        assertFalse(routes.sample("c1", "c2", 19_600));
        assertTrue(routes.sample("c1", "c2", 80_000), "a real change does");
        assertEquals(37_912L, routes.latency("c1", "c2").orElseThrow(), 1000);
    }

    @Test
    void nextHopsTowardOneDestinationNeverLoop() {
        final var routes = new Routes();
        final var clouds = new String[] {"a", "b", "c", "d", "e"};
        final var links = new java.util.HashMap<String, Set<String>>();
        final var random = new java.util.Random(7);
        for (var from : clouds) {
            final var to = new java.util.HashSet<String>();
            for (var other : clouds) {
                if (!other.equals(from)) {
                    to.add(other);
                    routes.sample(from, other, 1_000 + random.nextInt(100_000));
                }
            }
            links.put(from, to);
        }
        final var hops = routes.nextHops(links);
        for (var destination : clouds) {
            for (var start : clouds) {
                var at = start;
                for (int steps = 0; !at.equals(destination); steps++) {
                    assertTrue(steps < clouds.length, "loop from " + start + " toward " + destination);
                    at = hops.get(destination).get(at);
                }
            }
        }
    }

    @Test
    void aForgottenCloudIsUnmeasuredAgain() {
        final var routes = new Routes();
        routes.sample("c1", "c2", 5_000);
        routes.forget("c2");
        assertTrue(routes.latency("c1", "c2").isEmpty());
    }

    @Test
    void aSilentLinkIsAvoidedWhileAnotherPathExistsAndComesBackWithItsNextSample() {
        final var routes = new Routes();
        both(routes, "c1", "c2", 40_000);
        both(routes, "c1", "c3", 10_000);
        both(routes, "c2", "c3", 10_000);
        assertEquals("c3", routes.nextHops(MESH).get("c3").get("c2"));
        assertTrue(routes.lost("c2", "c3"));
        assertFalse(routes.lost("c2", "c3"), "already lost: nothing changes");
        assertEquals("c1", routes.nextHops(MESH).get("c3").get("c2"), "c2 -> c3 goes through c1 (50 ms)");
        assertEquals(50_000 + 2 * Routes.HOP_PENALTY_MICROS, routes.paths(MESH).get("c3").get("c2").cost());
        final var state = routes.links(MESH).stream().filter(l -> l.from().equals("c2") && l.to().equals("c3"))
            .findFirst().orElseThrow();
        assertFalse(state.reachable());
        assertTrue(state.latency().isEmpty());
        assertEquals(1, state.samples());

        assertTrue(routes.sample("c2", "c3", 12_000), "a sample after a loss starts afresh");
        assertEquals(12_000L, routes.latency("c2", "c3").orElseThrow());
        assertEquals("c3", routes.nextHops(MESH).get("c3").get("c2"));
    }

    @Test
    void aLostLinkIsStillUsedWhenItIsTheOnlyOne() {
        final var routes = new Routes();
        final Map<String, Set<String>> pair = Map.of("c1", Set.of("c2"), "c2", Set.of("c1"));
        routes.lost("c1", "c2");
        assertEquals("c2", routes.nextHops(pair).get("c2").get("c1"));
    }

    @Test
    void aRegainedLinkGetsItsLastLatencyBackOnlyAfterALoss() {
        final var routes = new Routes();
        both(routes, "c1", "c2", 40_000);
        assertFalse(routes.regained("c1", "c2"), "not lost: nothing to regain");
        assertTrue(routes.lost("c1", "c2"));
        assertTrue(routes.latency("c1", "c2").isEmpty());
        assertTrue(routes.regained("c1", "c2"));
        assertEquals(40_000, routes.latency("c1", "c2").orElseThrow());
        assertFalse(routes.regained("c1", "c2"), "once");
    }

    @Test
    void clearForgetsEveryMeasurement() {
        final var routes = new Routes();
        assertFalse(routes.clear());
        both(routes, "c1", "c2", 40_000);
        assertTrue(routes.clear());
        assertTrue(routes.latency("c1", "c2").isEmpty());
        assertEquals(Routes.UNMEASURED_MICROS + Routes.HOP_PENALTY_MICROS,
            routes.paths(MESH).get("c2").get("c1").cost());
    }
}
