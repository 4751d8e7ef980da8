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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MobilityGuardTest {
    private static final MacAddress MAC = MacAddress.parse("02:c0:00:00:00:01");
    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final MobilityGuard.Policy POLICY = new MobilityGuard.Policy(3, Duration.ofSeconds(10),
        Duration.ofSeconds(60));

    private final MobilityGuard guard = new MobilityGuard();

    @Test
    void oneMoveTooManyWithinTheWindowQuarantines() {
        for (int i = 0; i < 3; i++) {
            assertEquals(MobilityGuard.Verdict.ALLOW, guard.judge(100, MAC, T0.plusSeconds(i), POLICY));
        }
        assertEquals(MobilityGuard.Verdict.FLAPPING, guard.judge(100, MAC, T0.plusSeconds(3), POLICY));
        assertEquals(MobilityGuard.Verdict.QUARANTINED, guard.judge(100, MAC, T0.plusSeconds(4), POLICY));
        assertTrue(guard.isQuarantined(100, MAC, T0.plusSeconds(62)));
        assertEquals(MobilityGuard.Verdict.ALLOW, guard.judge(100, MAC, T0.plusSeconds(64), POLICY),
            "the quarantine ends");
    }

    @Test
    void movesSpreadBeyondTheWindowAreFine() {
        for (int i = 0; i < 20; i++) {
            assertEquals(MobilityGuard.Verdict.ALLOW, guard.judge(100, MAC, T0.plusSeconds(4L * i), POLICY),
                "move " + i);
        }
    }

    @Test
    void macsAreCountedPerVirtualNetworkAndReleasable() {
        for (int i = 0; i < 4; i++) {
            guard.judge(100, MAC, T0.plusSeconds(i), POLICY);
        }
        assertEquals(MobilityGuard.Verdict.ALLOW, guard.judge(200, MAC, T0.plusSeconds(4), POLICY));
        assertTrue(guard.release(100, MAC));
        assertFalse(guard.isQuarantined(100, MAC, T0.plusSeconds(5)));
        assertEquals(MobilityGuard.Verdict.ALLOW, guard.judge(100, MAC, T0.plusSeconds(5), POLICY));
    }
}
