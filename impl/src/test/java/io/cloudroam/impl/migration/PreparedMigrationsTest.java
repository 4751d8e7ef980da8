/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.Fixtures;
import io.cloudroam.impl.location.VmKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreparedMigrationsTest {
    private static final String MAC = "02:c0:0e:00:00:01";
    private static final Instant BEFORE = Instant.parse("2026-12-07T06:00:00Z");
    private static final Instant LATER = BEFORE.plusSeconds(5);
    private static final PortEvidence.Plugged SOURCE = new PortEvidence.Plugged("tap-qvm1",
        Map.of("iface-id", "qvm1", "attached-mac", MAC), BEFORE);
    private static final PortEvidence.Plugged DESTINATION = new PortEvidence.Plugged("tap-qvm1",
        Map.of("iface-id", "qvm1", "attached-mac", MAC), LATER);

    @Test
    void aPortPluggedLaterInAnotherCloudWithTheVmsIdentityIsItsDestination() {
        final var vm = Fixtures.vm(100, MAC, 1, 4, "10.0.0.1");
        assertEquals(Optional.of(new PreparedMigrations.Destination("c3", 3, 9, PortEvidence.ATTACHED_MAC, LATER)),
            PreparedMigrations.destination(vm, SOURCE, "c3", 3, 9, DESTINATION));
    }

    @Test
    void aPortInTheVmsOwnCloudTheVmsOwnPortOrWithoutEvidencePreparesNothing() {
        final var vm = Fixtures.vm(100, MAC, 1, 4, "10.0.0.1");
        assertEquals(Optional.empty(), PreparedMigrations.destination(vm, SOURCE, "c1", 1, 9, DESTINATION),
            "within its cloud");
        assertEquals(Optional.empty(), PreparedMigrations.destination(vm, SOURCE, "c3", 1, 4, DESTINATION),
            "its own port");
        assertEquals(Optional.empty(), PreparedMigrations.destination(vm, SOURCE, "c3", 3, 9,
            new PortEvidence.Plugged("tap-x", Map.of(), LATER)), "bound by name only");
        assertEquals(Optional.empty(), PreparedMigrations.destination(vm, DESTINATION, "c3", 3, 9, SOURCE),
            "plugged before the VM's own: the source port after a move, not a destination");
    }

    @Test
    void aPreparedMigrationEndsWithItsVmOrItsPortAndIsCountedOnce() {
        final var prepared = new PreparedMigrations();
        final var vm = VmKey.of(Fixtures.vm(100, MAC, 1, 4, "10.0.0.1"));
        final var there = new PreparedMigrations.Destination("c3", 3, 9, PortEvidence.ATTACHED_MAC, LATER);
        assertTrue(prepared.prepare(vm, there));
        assertFalse(prepared.prepare(vm, there), "the same again changes nothing");
        assertEquals(List.of(vm), prepared.toward(3, 9));
        assertEquals(List.of(), prepared.toward(3, 8));
        assertEquals(Map.of(vm, "c3"), prepared.clouds());
        assertEquals(Optional.of(there), prepared.end(vm));
        assertEquals(Optional.empty(), prepared.end(vm));
        assertEquals(Map.of(), prepared.clouds());
    }
}
