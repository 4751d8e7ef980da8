/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PacketInListenerTest {
    @Test
    void readsSwitchAndPortFromTheConnectorId() {
        assertEquals(Optional.of(new PacketInListener.SwitchPort(1, 3)), PacketInListener.parse("openflow:1:3"));
        assertEquals(Optional.of(new PacketInListener.SwitchPort(-1L, 65279)),
            PacketInListener.parse("openflow:18446744073709551615:65279"));
    }

    @Test
    void ignoresWhatIsNotAnOpenflowPort() {
        for (var id : new String[] {"openflow:1", "openflow:1:LOCAL", "ovsdb:1:3", "openflow:x:3", "",
            "openflow:1:2:3"}) {
            assertEquals(Optional.empty(), PacketInListener.parse(id), id);
        }
    }
}
