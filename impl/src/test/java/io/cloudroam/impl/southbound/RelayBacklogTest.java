/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayBacklogTest {
    private static final long SECOND = 1_000_000_000L;

    private static List<String> items(final List<RelayBacklog.Pending<String>> entries) {
        return entries.stream().map(RelayBacklog.Pending::item).toList();
    }

    @Test
    void handsOverWhatWasNotTakenOldestFirst() {
        final var backlog = new RelayBacklog<String>(10, 10 * SECOND);
        final var a = backlog.sent("a", 0);
        backlog.sent("b", SECOND);
        backlog.sent("c", 2 * SECOND);
        backlog.taken(a);
        assertEquals(List.of("b", "c"), items(backlog.handOver(3 * SECOND)));
        // handed over means gone until sent again
        assertEquals(0, backlog.size());
        assertEquals(List.of(), items(backlog.handOver(4 * SECOND)));
    }

    @Test
    void aRelaySentAgainKeepsItsFirstArrivalAndExpires() {
        final var backlog = new RelayBacklog<String>(10, 10 * SECOND);
        backlog.sent("announcement", 0);
        final var again = backlog.handOver(3 * SECOND).get(0);
        backlog.sent(again.item(), again.since());
        // a second take-over 11 s after the frame arrived: too old to mean anything now
        assertEquals(List.of(), items(backlog.handOver(11 * SECOND)));
        assertEquals(1, backlog.dropped());
    }

    @Test
    void boundedDropsTheOldest() {
        final var backlog = new RelayBacklog<String>(2, 10 * SECOND);
        backlog.sent("a", 0);
        backlog.sent("b", 0);
        backlog.sent("c", 0);
        assertEquals(2, backlog.size());
        assertEquals(1, backlog.dropped());
        assertEquals(List.of("b", "c"), items(backlog.handOver(SECOND)));
    }

    @Test
    void takingWhatIsGoneChangesNothing() {
        final var backlog = new RelayBacklog<String>(4, 10 * SECOND);
        final var a = backlog.sent("a", 0);
        backlog.handOver(SECOND);
        // the dead member's call fails (or even succeeds) late: no effect on what is waiting now
        backlog.sent("b", SECOND);
        backlog.taken(a);
        assertEquals(List.of("b"), items(backlog.handOver(2 * SECOND)));
    }

    @Test
    void refusesANonsenseSize() {
        assertThrows(IllegalArgumentException.class, () -> new RelayBacklog<String>(0, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new RelayBacklog<String>(1, 0));
    }
}
