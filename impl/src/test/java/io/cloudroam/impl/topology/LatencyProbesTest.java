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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.packet.FrameDecoder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyProbesTest {
    private static final long MS = 1_000_000;

    @Test
    void aProbeFrameCarriesItsRoundTimeAndClouds() {
        final var probes = new LatencyProbes(42);
        assertEquals(1, probes.nextRound());
        final var frame = probes.frame(LatencyProbes.Kind.CROSS, "c1", "cloud-two", 123_456_789L);
        assertTrue(LatencyProbes.isProbe(frame));
        assertTrue(frame.length >= 60, "a full Ethernet frame");
        final var probe = probes.parse(frame).orElseThrow();
        assertEquals(new LatencyProbes.Probe(LatencyProbes.Kind.CROSS, 1, 123_456_789L, "c1", "cloud-two"), probe);
        // a VM never sees it: the frame decoder does not take it for anything it learns from
        final var decoded = new FrameDecoder().decode(frame).orElseThrow();
        assertEquals(LatencyProbes.DESTINATION, decoded.dstMac());
    }

    @Test
    void aPathMtuProbeIsPaddedToItsSizeLessTheEncapsulationAndCarriesTheSize() {
        final var probes = new LatencyProbes(42);
        probes.nextRound();
        final var frame = probes.mtuFrame("c1", "c2", 1500, Encapsulation.VXLAN_IPV4.outer(), 7);
        assertEquals(1464, frame.length, "1500 bytes once VXLAN over IPv4 wraps it");
        assertEquals(new LatencyProbes.Probe(LatencyProbes.Kind.MTU, 1, 7, "c1", "c2", 1500),
            probes.parse(frame).orElseThrow());
        assertTrue(probes.parse(Arrays.copyOf(frame, 14 + 4 + 1 + 8 + 8 + 8 + 2 + 2 + 2)).isEmpty(),
            "a truncated size is no probe");
    }

    @Test
    void framesOfAnotherControllerOrTruncatedOnesAreNotProbes() {
        final var frame = new LatencyProbes(42).frame(LatencyProbes.Kind.LOOP, "c1", "c1", 5);
        assertTrue(new LatencyProbes(43).parse(frame).isEmpty(), "another token");
        final var probes = new LatencyProbes(42);
        for (int length = 0; length < 14 + 4 + 1 + 8 + 8 + 8 + 2 + 4; length++) {
            assertTrue(probes.parse(Arrays.copyOf(frame, length)).isEmpty(), "truncated to " + length);
        }
        final var otherType = frame.clone();
        otherType[13] = 0x00;
        assertFalse(LatencyProbes.isProbe(otherType));
        assertTrue(probes.parse(otherType).isEmpty());
    }

    /** Sends and receives one cross probe c1 -> c2 that took {@code millis}; the sample, if any. */
    private static java.util.Optional<Long> cross(final LatencyProbes probes, final String to, final long millis) {
        probes.nextRound();
        final var probe = probes.parse(probes.frame(LatencyProbes.Kind.CROSS, "c1", to, 0)).orElseThrow();
        return probes.received(probe, millis * MS);
    }

    /** The warm-up of c1 -> {@code to}: answers that are no samples, however far off. */
    private static void warmUp(final LatencyProbes probes, final String to) {
        for (int round = 0; round < LatencyProbes.WARM_UP; round++) {
            assertTrue(cross(probes, to, round % 2 == 0 ? 0 : 300).isEmpty(), "no sample in the warm-up");
        }
    }

    private static void loop(final LatencyProbes probes, final long round, final String to, final long millis) {
        probes.received(new LatencyProbes.Probe(LatencyProbes.Kind.LOOP, round, 0, "c1", to), millis * MS);
    }

    @Test
    void theControllersOwnShareMeasuredByThePairedLoopProbeIsTakenOff() {
        final var probes = new LatencyProbes(1);
        warmUp(probes, "c2");
        for (int round = 1; round < LatencyProbes.WINDOW; round++) {
            assertTrue(cross(probes, "c2", 12).isEmpty(), "no sample before a full window");
        }
        assertEquals(12_000L, cross(probes, "c2", 12).orElseThrow(), "no loop measured yet: raw");
        // loop probes of a starting controller: slower than the cross probes they pair with, no share
        final long first = 100;
        for (long round = first; round < first + LatencyProbes.WARM_UP; round++) {
            loop(probes, round, "c2", 45);
        }
        assertTrue(probes.overheadMicros(new LatencyProbes.Link("c1", "c2")).isEmpty(), "the loops' warm-up");
        assertEquals(12_000L, cross(probes, "c2", 12).orElseThrow());
        // then the loop probe sent at c1 just before the c1 -> c2 probe took 2 ms; the one before c1 -> c3, 5 ms
        final long warm = first + LatencyProbes.WARM_UP;
        loop(probes, warm, "c2", 2);
        for (long round = warm - LatencyProbes.WARM_UP; round <= warm; round++) {
            loop(probes, round, "c3", 5);
        }
        loop(probes, warm + 1, "c2", 20);
        assertEquals(2_000L, probes.overheadMicros(new LatencyProbes.Link("c1", "c2")).orElseThrow(),
            "a late loop probe does not count: the share is the minimum of the recent ones");
        assertEquals(10_000L, cross(probes, "c2", 12).orElseThrow());
        assertEquals(0L, cross(probes, "c2", 1).orElseThrow(), "never negative");
    }

    @Test
    void aLinkIsSilentAfterTheGivenRoundsWithoutAnswer() {
        final var probes = new LatencyProbes(1);
        final var link = new LatencyProbes.Link("c1", "c2");
        final var links = List.of(link);
        for (int round = 1; round <= 3; round++) {
            probes.nextRound();
            final var probe = probes.parse(probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0)).orElseThrow();
            probes.received(probe, MS);
            assertTrue(probes.silent(links, 3).isEmpty());
        }
        for (int round = 4; round <= 5; round++) {
            probes.nextRound();
            probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0);
            assertTrue(probes.silent(links, 3).isEmpty(), "round " + round + ": not yet");
        }
        probes.nextRound();
        final var late = probes.parse(probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0)).orElseThrow();
        assertEquals(links, probes.silent(links, 3), "rounds 4, 5 and 6 unanswered");
        probes.received(late, MS);
        assertTrue(probes.silent(links, 3).isEmpty(), "an answer ends it");
        probes.forget("c2");
        assertTrue(probes.silent(links, 1).isEmpty(), "forgotten links were never probed");
    }

    @Test
    void noLinkIsSilentBeforeAnyProbeCameBackAndSilenceCountsFromThen() {
        final var probes = new LatencyProbes(1);
        final var quiet = new LatencyProbes.Link("c1", "c2");
        final var talking = new LatencyProbes.Link("c1", "c3");
        final var links = List.of(quiet, talking);
        for (int round = 1; round <= 5; round++) {
            probes.nextRound();
            probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0);
            probes.frame(LatencyProbes.Kind.CROSS, "c1", "c3", 0);
            assertTrue(probes.silent(links, 3).isEmpty(), "round " + round + ": the switches may not be connected yet");
        }
        for (int round = 6; round <= 9; round++) {
            probes.nextRound();
            probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0);
            probes.received(probes.parse(probes.frame(LatencyProbes.Kind.CROSS, "c1", "c3", 0)).orElseThrow(), MS);
            // c2's switch is connected (its loop probe comes back): the tunnel is what is silent
            probes.received(probes.parse(probes.frame(LatencyProbes.Kind.LOOP, "c2", "c1", 0)).orElseThrow(), MS);
            if (round < 9) {
                assertTrue(probes.silent(links, 3).isEmpty(), "round " + round + ": counted from round 6");
            }
        }
        assertEquals(List.of(quiet), probes.silent(links, 3), "rounds 6 to 9 unanswered over c1-c2");
    }

    @Test
    void aCloudWhoseSwitchConnectsLateIsNotRoutedAroundUntilItsGraceEnds() {
        final var probes = new LatencyProbes(1);
        final var toLate = new LatencyProbes.Link("c1", "c3");
        final var fromLate = new LatencyProbes.Link("c3", "c2");
        final var links = List.of(toLate, fromLate);
        // c1 and c2 answer from round 1; c3's switch is still connecting: nothing of it comes back
        int round = 0;
        while (round < 1 + LatencyProbes.UNPROVEN_ROUNDS + 2) {
            round++;
            probes.nextRound();
            probes.received(probes.parse(probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0)).orElseThrow(), MS);
            probes.frame(LatencyProbes.Kind.CROSS, "c1", "c3", 0);
            probes.frame(LatencyProbes.Kind.CROSS, "c3", "c2", 0);
            assertTrue(probes.silent(links, 3).isEmpty(), "round " + round + ": c3 may still be connecting");
        }
        round++;
        probes.nextRound();
        probes.frame(LatencyProbes.Kind.CROSS, "c1", "c3", 0);
        probes.frame(LatencyProbes.Kind.CROSS, "c3", "c2", 0);
        assertEquals(links, probes.silent(links, 3), "round " + round + ": c3 never answered in its grace");

        // the same, but c3 connects in round 8: its links count from then, and they work
        final var again = new LatencyProbes(1);
        for (round = 1; round <= 12; round++) {
            again.nextRound();
            again.received(again.parse(again.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0)).orElseThrow(), MS);
            final var in = again.parse(again.frame(LatencyProbes.Kind.CROSS, "c1", "c3", 0)).orElseThrow();
            final var out = again.parse(again.frame(LatencyProbes.Kind.CROSS, "c3", "c2", 0)).orElseThrow();
            if (round >= 8) {
                again.received(in, MS);
                again.received(out, MS);
            }
            assertTrue(again.silent(links, 3).isEmpty(), "round " + round + ": c3 late, not lost");
        }
    }

    @Test
    void aRegainedLinkCountsItsSilenceAfresh() {
        final var probes = new LatencyProbes(1);
        final var link = new LatencyProbes.Link("c1", "c2");
        final var links = List.of(link);
        probes.nextRound();
        probes.received(probes.parse(probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0)).orElseThrow(), MS);
        for (int round = 2; round <= 5; round++) {
            probes.nextRound();
            probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0);
        }
        assertEquals(links, probes.silent(links, 3), "an outage: four rounds unanswered");
        probes.regained(link);
        assertTrue(probes.silent(links, 3).isEmpty(), "BFD says it is back: the outage's rounds no longer count");
        for (int round = 6; round <= 7; round++) {
            probes.nextRound();
            probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0);
            assertTrue(probes.silent(links, 3).isEmpty(), "round " + round + ": not yet");
        }
        probes.nextRound();
        probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0);
        assertEquals(links, probes.silent(links, 3), "three new rounds unanswered: silent again");
    }

    @Test
    void aSampleIsTheMinimumOfTheLastRoundsSoLateDeliveriesDoNotCount() {
        final var probes = new LatencyProbes(1);
        warmUp(probes, "c3");
        final var got = new java.util.ArrayList<Long>();
        for (long millis : new long[] {10, 42, 11, 43, 12, 200, 200, 200, 200, 200, 12}) {
            cross(probes, "c3", millis).ifPresent(sample -> got.add(sample / 1000));
        }
        assertEquals(List.of(10L, 11L, 11L, 12L, 12L, 200L, 12L), got,
            "late deliveries (42, 43) are ignored; a real increase shows after five rounds, a decrease at once");
        probes.restart(new LatencyProbes.Link("c1", "c3"));
        for (int round = 1; round < LatencyProbes.WINDOW; round++) {
            assertTrue(cross(probes, "c3", 300).isEmpty(), "after a restart, a full window again");
        }
        assertEquals(300L, cross(probes, "c3", 300).orElseThrow() / 1000);
    }

    @Test
    void whileAControllerStartsItsProbesAreNoSamplesSoARouteIsNotMovedByItsDelays() {
        // seen after restarts: loop probes slower than the cross probes paired with them made a
        // 40 ms link measure 0 ms (and routes moved onto it for a few seconds)
        final var probes = new LatencyProbes(1);
        final var link = new LatencyProbes.Link("c1", "c2");
        final var got = new java.util.ArrayList<Long>();
        for (int round = 1; round <= LatencyProbes.WARM_UP + LatencyProbes.WINDOW; round++) {
            final boolean starting = round <= LatencyProbes.WARM_UP;
            probes.nextRound();
            loop(probes, round, "c2", starting ? 45 : 2);
            final var cross = probes.parse(probes.frame(LatencyProbes.Kind.CROSS, "c1", "c2", 0)).orElseThrow();
            probes.received(cross, 42 * MS).ifPresent(sample -> got.add(sample / 1000));
        }
        assertEquals(List.of(40L), got, "one sample, once the warm-up and a full window are behind");
        assertEquals(2_000L, probes.overheadMicros(link).orElseThrow());
        assertFalse(probes.silent(List.of(link), 3).contains(link), "the warm-up's answers show the link works");
    }
}
