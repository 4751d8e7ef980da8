/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathMtuTest {
    private static final long SECOND = 1_000_000_000L;
    private static final LatencyProbes.Link LINK = new LatencyProbes.Link("c1", "c2");

    /** A WAN that carries packets up to a size, driven one probe round a second. */
    private static final class Wan {
        final PathMtu discovery = new PathMtu();
        int carries;
        long round;
        int probes;

        Wan(final int carries) {
            this.carries = carries;
        }

        PathMtu.Estimate rounds(final int count) {
            for (int i = 0; i < count; i++) {
                round++;
                final var sizes = discovery.sizes(LINK, round, round * SECOND);
                probes += sizes.size();
                discovery.alive(LINK, round); // the round's latency probe came back
                sizes.stream().filter(size -> size <= carries).forEach(size -> discovery.arrived(LINK, size));
            }
            return discovery.estimate(LINK);
        }
    }

    @Test
    void aSearchFindsTheExactPathMtuInAFewRounds() {
        for (int carries : List.of(576, 1400, 1500, 1501, 4000, 9000, 9050)) {
            final var wan = new Wan(carries);
            final var estimate = wan.rounds(12);
            assertEquals(new PathMtu.Estimate(PathMtu.State.MEASURED, carries), estimate, "path of " + carries);
        }
    }

    @Test
    void aSearchTakesAtMostTenRoundsOfSevenProbes() {
        final var wan = new Wan(1500);
        int rounds = 0;
        while (wan.discovery.estimate(LINK).state() != PathMtu.State.MEASURED) {
            wan.rounds(1);
            rounds++;
        }
        assertTrue(rounds <= 10, rounds + " rounds");
        assertTrue(wan.probes <= 7 * rounds, wan.probes + " probes");
    }

    @Test
    void probesLostWhileTheLinkIsSilentSayNothingOfTheirSize() {
        final var wan = new Wan(1500);
        wan.rounds(12);
        // the link goes dark for 20 s: no latency probe comes back, nor any MTU probe
        for (int i = 0; i < 20; i++) {
            wan.round++;
            wan.discovery.sizes(LINK, wan.round, wan.round * SECOND);
        }
        assertEquals(new PathMtu.Estimate(PathMtu.State.MEASURED, 1500), wan.discovery.estimate(LINK));
    }

    @Test
    void aNarrowedPathIsFoundAgainAfterThreeLostRounds() {
        final var wan = new Wan(1500);
        wan.rounds(12);
        wan.discovery.takeChanged();
        wan.carries = 1400;
        wan.rounds(3);
        assertEquals(PathMtu.State.MEASURED, wan.discovery.estimate(LINK).state(), "two losses are not enough");
        final var after = wan.rounds(12);
        assertEquals(new PathMtu.Estimate(PathMtu.State.MEASURED, 1400), after);
        assertTrue(wan.discovery.takeChanged());
    }

    @Test
    void aWidenedPathIsFoundByTheOccasionalProbeOneByteUp() {
        final var wan = new Wan(1400);
        wan.rounds(12);
        wan.carries = 1500;
        final var after = wan.rounds(PathMtu.RAISE_EVERY + 12);
        assertEquals(new PathMtu.Estimate(PathMtu.State.MEASURED, 1500), after);
    }

    @Test
    void aProbeLostToTheWanIsCorrectedByTheProbeOneByteUp() {
        final var wan = new Wan(1500);
        final var first = wan.discovery.sizes(LINK, 1, SECOND);
        assertEquals(7, first.size());
        assertTrue(first.stream().allMatch(size -> size > 1500), first::toString);
        wan.discovery.alive(LINK, 1);
        wan.round = 1;
        // the second step spreads seven sizes below the smallest lost one; the sixth, which the path
        // carries, is lost on the way
        final var second = wan.discovery.sizes(LINK, 2, 2 * SECOND);
        final int unlucky = second.get(5);
        assertTrue(unlucky < 1500 && second.get(6) > 1500, second::toString);
        wan.discovery.alive(LINK, 2);
        second.stream().filter(size -> size <= 1500 && size != unlucky).forEach(size -> wan.discovery.arrived(LINK,
            size));
        wan.round = 2;
        boolean fooled = false;
        for (int i = 0; i < PathMtu.RAISE_EVERY + 20; i++) {
            fooled |= wan.rounds(1).equals(new PathMtu.Estimate(PathMtu.State.MEASURED, unlucky - 1));
        }
        assertTrue(fooled, "one loss, one wrong step");
        assertEquals(new PathMtu.Estimate(PathMtu.State.MEASURED, 1500), wan.discovery.estimate(LINK));
    }

    @Test
    void aPathThatCarriesNothingFromTheMinimumUpKeepsBeingProbedUntilItDoes() {
        final var wan = new Wan(500);
        assertEquals(new PathMtu.Estimate(PathMtu.State.SEARCHING, 0), wan.rounds(30));
        final int sent = wan.probes;
        wan.rounds(5);
        assertTrue(wan.probes > sent, "still probing");
        wan.carries = 1500;
        assertEquals(new PathMtu.Estimate(PathMtu.State.MEASURED, 1500), wan.rounds(12));
    }

    @Test
    void forgettingACloudForgetsItsDirections() {
        final var wan = new Wan(1500);
        wan.rounds(12);
        wan.discovery.forget("c2");
        assertEquals(PathMtu.Estimate.UNKNOWN, wan.discovery.estimate(LINK));
    }
}
