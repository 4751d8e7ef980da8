/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocationTableTest {
    private static final MacAddress VM1 = MacAddress.parse("02:00:00:00:00:01");
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static VmLocation at(final int vni, final MacAddress mac, final String cloud, final Instant seen) {
        return new VmLocation(vni, mac, cloud, 1, 3, Set.of("10.0.0.1"), 0, T0, seen);
    }

    @Test
    void findsByVniAndMac() {
        final var table = new LocationTable();
        table.put(at(100, VM1, "c1", T0));
        assertEquals("c1", table.find(100, VM1).orElseThrow().cloud());
        assertTrue(table.find(200, VM1).isEmpty());
        assertTrue(table.find(100, MacAddress.parse("02:00:00:00:00:02")).isEmpty());
    }

    @Test
    void lookupWithoutVniReturnsMostRecentlySeen() {
        final var table = new LocationTable();
        table.put(at(100, VM1, "c1", T0.plusSeconds(5)));
        table.put(at(200, VM1, "c2", T0.plusSeconds(9)));
        table.put(at(300, VM1, "c3", T0.plusSeconds(1)));
        assertEquals("c2", table.find(VM1).orElseThrow().cloud());
        assertEquals(3, table.size());
    }

    @Test
    void putReplacesAndReturnsPrevious() {
        final var table = new LocationTable();
        assertTrue(table.put(at(100, VM1, "c1", T0)).isEmpty());
        assertEquals("c1", table.put(at(100, VM1, "c2", T0.plusSeconds(1))).orElseThrow().cloud());
        assertEquals("c2", table.find(100, VM1).orElseThrow().cloud());
        assertEquals(1, table.size());
    }

    @Test
    void locationRejectsOutOfRangeFields() {
        assertThrows(IllegalArgumentException.class, () -> at(0, VM1, "c1", T0));
        assertThrows(IllegalArgumentException.class, () -> at(VirtualNetworkId.MAX + 1, VM1, "c1", T0));
        assertThrows(IllegalArgumentException.class,
            () -> new VmLocation(1, VM1, "c1", 1, -1, Set.of(), 0, T0, T0));
    }

    @Test
    void anAddressIsHeldByItsFirstUserUntilItDropsItOrGoes() {
        final var table = new LocationTable();
        final var vm2 = MacAddress.parse("02:00:00:00:00:02");
        final var first = at(100, VM1, "c1", T0);
        table.put(first);
        table.put(at(100, vm2, "c2", T0));
        assertEquals(VM1, table.holderOf(100, "10.0.0.1").orElseThrow(), "the first user holds it");
        assertTrue(table.holderOf(200, "10.0.0.1").isEmpty(), "per virtual network");
        final var without = new VmLocation(100, VM1, "c1", 1, 3, Set.of("10.0.0.9"), 0, T0, T0);
        table.put(without);
        assertTrue(table.holderOf(100, "10.0.0.1").isEmpty(), "dropped: free again (vm2 gets it when next seen)");
        assertEquals(VM1, table.holderOf(100, "10.0.0.9").orElseThrow());
        assertTrue(table.remove(without));
        assertTrue(table.holderOf(100, "10.0.0.9").isEmpty(), "gone with its entry");
    }

    @Test
    void entriesAreCountedInAllAndPerPort() {
        final var table = new LocationTable();
        final var vm2 = MacAddress.parse("02:00:00:00:00:02");
        table.put(at(100, VM1, "c1", T0));
        table.put(at(200, VM1, "c1", T0));
        table.put(new VmLocation(100, vm2, "c1", 1, 4, Set.of(), 0, T0, T0));
        assertEquals(3, table.size());
        assertEquals(2, table.macsAt(1, 3));
        final var moved = new VmLocation(100, VM1, "c1", 1, 4, Set.of("10.0.0.1"), 1, T0, T0);
        table.put(moved);
        assertEquals(3, table.size(), "a move is no new entry");
        assertEquals(1, table.macsAt(1, 3));
        assertEquals(2, table.macsAt(1, 4));
        assertTrue(table.remove(moved));
        assertEquals(2, table.size());
        assertEquals(1, table.macsAt(1, 4));
        assertEquals(0, table.macsAt(9, 9));
    }
}
