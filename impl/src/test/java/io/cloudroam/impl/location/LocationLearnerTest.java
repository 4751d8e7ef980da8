/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.location.LocationLearner.Outcome;
import io.cloudroam.impl.location.LocationLearner.Sighting;
import io.cloudroam.impl.packet.DecodedFrame;
import io.cloudroam.impl.packet.DecodedFrame.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocationLearnerTest {
    private static final long VM = 0x02c0_0000_0001L;
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final LocationTable table = new LocationTable();
    private final LocationLearner learner = new LocationLearner(table);

    private static Sighting at(final String cloud, final long dpid, final long port, final long millis) {
        return new Sighting(100, cloud, dpid, port, T0.plusMillis(millis));
    }

    private static DecodedFrame rarp(final long mac) {
        return new DecodedFrame(Kind.RARP, 0xFFFF_FFFF_FFFFL, mac, -1, 0x8035, 3, mac, 0, 0, -1, -1, 0, -1, 0);
    }

    private static DecodedFrame garp(final long mac, final int ip) {
        return new DecodedFrame(Kind.ARP, 0xFFFF_FFFF_FFFFL, mac, -1, 0x0806, 1, mac, ip, ip, -1, -1, 0, -1, 0);
    }

    @Test
    void anAddressStaysWithItsHolderAndAClaimIsReportedOncePerInterval() {
        final var claims = new ArrayList<LocationLearner.AddressClaim>();
        final var guarded = new LocationLearner(table, claims::add);
        final long other = 0x02c0_0000_0002L;
        guarded.learn(at("c1", 1, 3, 0), garp(VM, 0x0A00_0001), new byte[0]);
        final var claimer = assertInstanceOf(Outcome.Learned.class,
            guarded.learn(at("c2", 2, 4, 100), garp(other, 0x0A00_0001), new byte[0])).location();
        assertEquals(Set.of(), claimer.ipAddresses(), "the claimer is learned without the address");
        assertEquals(1, claims.size());
        final var claim = claims.get(0);
        assertEquals("10.0.0.1", claim.address());
        assertEquals(MacAddress.of(VM), claim.holder().mac());
        assertEquals(MacAddress.of(other), claim.claimer());
        assertEquals(MacAddress.of(VM), table.holderOf(100, "10.0.0.1").orElseThrow());
        guarded.learn(at("c2", 2, 4, 200), garp(other, 0x0A00_0001), new byte[0]);
        assertEquals(1, claims.size(), "not once per frame");
        guarded.learn(at("c2", 2, 4, 100 + LocationLearner.CLAIM_REPORT_INTERVAL.toMillis()),
            garp(other, 0x0A00_0001), new byte[0]);
        assertEquals(2, claims.size(), "again after the interval");
        // the holder's own use is no claim; another network is another address space
        guarded.learn(at("c1", 1, 3, 300), garp(VM, 0x0A00_0001), new byte[0]);
        guarded.learn(new Sighting(200, "c2", 2, 5, T0), garp(other, 0x0A00_0001), new byte[0]);
        assertEquals(2, claims.size());
        // the holder stayed silent: the address goes to the claimer
        final var changed = guarded.transfer(claim);
        assertEquals(2, changed.size());
        assertEquals(Set.of(), table.find(100, MacAddress.of(VM)).orElseThrow().ipAddresses());
        assertEquals(Set.of("10.0.0.1"), table.find(100, MacAddress.of(other)).orElseThrow().ipAddresses());
        assertEquals(MacAddress.of(other), table.holderOf(100, "10.0.0.1").orElseThrow());
        assertEquals(List.of(), guarded.transfer(claim), "a transfer applies once");
    }

    @Test
    void aPortWithTooManyMacsLearnsNoMoreButKeepsItsOwn() {
        for (int i = 0; i < LocationLearner.MAX_MACS_PER_PORT; i++) {
            assertInstanceOf(Outcome.Learned.class, learner.learn(at("c1", 1, 3, i), rarp(0x02aa_0000_0000L + i),
                new byte[0]));
        }
        assertInstanceOf(Outcome.OverLimit.class, learner.learn(at("c1", 1, 3, 999), rarp(VM), new byte[0]),
            "one MAC too many on the port");
        assertTrue(table.find(100, MacAddress.of(VM)).isEmpty());
        assertInstanceOf(Outcome.Refreshed.class, learner.learn(at("c1", 1, 3, 1_000), rarp(0x02aa_0000_0000L),
            new byte[0]), "the port's known MACs are still refreshed");
        assertInstanceOf(Outcome.Learned.class, learner.learn(at("c1", 1, 4, 1_001), rarp(VM), new byte[0]),
            "another port learns as before");
    }

    @Test
    void firstSightingIsLearnedWithSequenceZero() {
        final var outcome = learner.learn(at("c1", 1, 3, 0), garp(VM, 0x0A00_0001), new byte[0]);
        final var learned = assertInstanceOf(Outcome.Learned.class, outcome).location();
        assertEquals(0, learned.sequence());
        assertEquals(Set.of("10.0.0.1"), learned.ipAddresses());
        assertEquals(learned, table.find(100, MacAddress.of(VM)).orElseThrow());
    }

    @Test
    void samePortRefreshesAndAddsAddresses() {
        learner.learn(at("c1", 1, 3, 0), rarp(VM), new byte[0]);
        final var outcome = learner.learn(at("c1", 1, 3, 500), garp(VM, 0x0A00_0001), new byte[0]);
        final var refreshed = assertInstanceOf(Outcome.Refreshed.class, outcome).location();
        assertEquals(T0, refreshed.firstSeen());
        assertEquals(T0.plusMillis(500), refreshed.lastSeen());
        assertEquals(Set.of("10.0.0.1"), refreshed.ipAddresses());
        assertEquals(0, refreshed.sequence());
    }

    @Test
    void otherPortProposesAMoveThatOnlyCommitApplies() {
        learner.learn(at("c1", 1, 3, 0), garp(VM, 0x0A00_0001), new byte[0]);
        final var outcome = learner.learn(at("c2", 2, 7, 1000), rarp(VM), new byte[0]);
        final var move = assertInstanceOf(Outcome.MoveCandidate.class, outcome);
        assertEquals("c1", table.find(100, MacAddress.of(VM)).orElseThrow().cloud(), "proposal changed the table");
        assertEquals(1, move.proposed().sequence());
        assertEquals(Set.of("10.0.0.1"), move.proposed().ipAddresses(), "identity travels with the VM");

        assertTrue(learner.commit(move).isPresent());
        assertEquals("c2", table.find(100, MacAddress.of(VM)).orElseThrow().cloud());
        assertFalse(learner.commit(move).isPresent(), "a proposal based on an old sequence must not apply twice");
    }

    @Test
    void staleProposalLosesToANewerMove() {
        learner.learn(at("c1", 1, 3, 0), rarp(VM), new byte[0]);
        final var toC2 = assertInstanceOf(Outcome.MoveCandidate.class, learner.learn(at("c2", 2, 7, 10), rarp(VM),
            new byte[0]));
        final var toC3 = assertInstanceOf(Outcome.MoveCandidate.class, learner.learn(at("c3", 3, 9, 20), rarp(VM),
            new byte[0]));
        assertTrue(learner.commit(toC3).isPresent());
        assertFalse(learner.commit(toC2).isPresent());
        assertEquals("c3", table.find(100, MacAddress.of(VM)).orElseThrow().cloud());
    }

    @Test
    void groupAndZeroSourcesAreIgnored() {
        assertInstanceOf(Outcome.Ignored.class, learner.learn(at("c1", 1, 3, 0), rarp(0x0100_5e00_0001L),
            new byte[0]));
        assertInstanceOf(Outcome.Ignored.class, learner.learn(at("c1", 1, 3, 0), rarp(0), new byte[0]));
        assertEquals(0, table.size());
    }

    @Test
    void addressesAreCapped() {
        for (int i = 1; i <= LocationLearner.MAX_ADDRESSES + 3; i++) {
            learner.learn(at("c1", 1, 3, i), garp(VM, 0x0A00_0000 + i), new byte[0]);
        }
        assertEquals(LocationLearner.MAX_ADDRESSES, table.find(100, MacAddress.of(VM)).orElseThrow().ipAddresses()
            .size());
    }

    @Test
    void ipv6TextIsRfc5952() {
        assertEquals("fd00::1", LocationLearner.rfc5952(new int[] {0xfd00, 0, 0, 0, 0, 0, 0, 1}));
        assertEquals("2001:db8::1:0:0:1", LocationLearner.rfc5952(new int[] {0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}));
        assertEquals("2001:db8:0:1:1:1:1:1", LocationLearner.rfc5952(new int[] {0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}));
        assertEquals("::1", LocationLearner.rfc5952(new int[] {0, 0, 0, 0, 0, 0, 0, 1}));
        assertEquals("fe80::", LocationLearner.rfc5952(new int[] {0xfe80, 0, 0, 0, 0, 0, 0, 0}));
    }
}
