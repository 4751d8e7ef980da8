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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {
    @Test
    void parsesEitherCaseAndPrintsLowerCase() {
        final var mac = MacAddress.parse("02:00:0A:Ff:00:01");
        assertEquals(0x02000aff0001L, mac.bits());
        assertEquals("02:00:0a:ff:00:01", mac.toString());
        assertEquals(mac, MacAddress.parse("02:00:0a:ff:00:01"));
    }

    @Test
    void roundTripsRandomAddresses() {
        final var random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            final var bits = random.nextLong() & 0xFFFF_FFFF_FFFFL;
            assertEquals(bits, MacAddress.parse(MacAddress.of(bits).toString()).bits());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:00:0a:ff:00", "02:00:0a:ff:00:0g", "02-00-0a-ff-00-01", "02:00:0a:ff:00:011",
        "0200.0aff.0001", "02:00:0a:ff:00:0 "})
    void rejectsMalformedTextNamingIt(final String text) {
        final var ex = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
        assertTrue(ex.getMessage().contains("'" + text + "'"), ex.getMessage());
    }

    @Test
    void rejectsNullAndWideValues() {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(null));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(1L << 48));
    }

    @Test
    void knowsGroupAddresses() {
        assertTrue(MacAddress.parse("ff:ff:ff:ff:ff:ff").isMulticast());
        assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
        assertFalse(MacAddress.parse("02:00:00:00:00:01").isMulticast());
    }
}
