/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class Ipv4Test {
    @Test
    void roundTrips() {
        for (var text : new String[] {"0.0.0.0", "10.0.0.1", "192.0.2.255", "255.255.255.255"}) {
            assertEquals(text, Ipv4.format(Ipv4.parse(text)));
        }
    }

    @Test
    void rejectsWhatIsNotADottedQuad() {
        for (var text : new String[] {"", "10.0.0", "10.0.0.256", "10.0.0.-1", "10..0.1", "fe80::1", "1.2.3.4.5",
            "a.b.c.d", "1000.0.0.1"}) {
            assertNull(Ipv4.parse(text), text);
        }
    }
}
