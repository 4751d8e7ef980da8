/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketInBudgetTest {
    private static final long MS = 1_000_000;

    @Test
    void aBurstThenTheRateAndEveryPortOnItsOwn() {
        final var budget = new PacketInBudget(100, 10);
        for (int i = 0; i < 10; i++) {
            assertTrue(budget.allow(1, 1, 0), "the burst, packet " + i);
        }
        assertFalse(budget.allow(1, 1, 0), "over the burst");
        assertTrue(budget.allow(1, 2, 0), "another port has its own budget");
        assertTrue(budget.allow(2, 1, 0), "so has the same port number on another switch");
        assertFalse(budget.allow(1, 1, 5 * MS), "half a token after 5 ms at 100 a second");
        assertTrue(budget.allow(1, 1, 10 * MS), "one token after 10 ms");
        assertFalse(budget.allow(1, 1, 10 * MS));
        for (int i = 0; i < 10; i++) {
            assertTrue(budget.allow(1, 1, 10_000 * MS), "refilled up to the burst, not beyond: " + i);
        }
        assertFalse(budget.allow(1, 1, 10_000 * MS));
    }

    @Test
    void aClockGoingBackwardsGivesNothing() {
        final var budget = new PacketInBudget(100, 1);
        assertTrue(budget.allow(1, 1, 1_000 * MS));
        assertFalse(budget.allow(1, 1, 0));
    }

    @Test
    void nonsenseLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PacketInBudget(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new PacketInBudget(10, 0.5));
    }
}
