/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import static io.cloudroam.impl.Fixtures.tunnel;
import static io.cloudroam.impl.Fixtures.view;
import static io.cloudroam.impl.Fixtures.vmPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.Fixtures;
import io.cloudroam.impl.config.PortBindingSpec;
import io.cloudroam.impl.ovsdb.SwitchView;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BridgePortsTest {
    private final io.cloudroam.impl.config.CloudroamConfig config = Fixtures.config(
        new PortBindingSpec("c1", "vm1", 100), new PortBindingSpec("c1", "vm7", 300));

    private BridgePorts read(final SwitchView view) {
        return BridgePorts.of(config, Map.of("c1", view), config.portBindingIndex()).get(1L);
    }

    @Test
    void sortsPortsIntoBoundTunnelsAndLoop() {
        final var loop = Fixtures.probeLoop(1, 20, 21);
        final var ports = read(view(1, vmPort("tap-vm1", 1, "vm1"), vmPort("tap-x", 2, "nobody"),
            vmPort("tap-vm7", -1, "vm7"), tunnel(1, 2, 10), loop[0], loop[1]));
        assertEquals(Map.of(1L, 100), ports.portVni());
        assertEquals(Map.of("c2", 10L), ports.tunnels());
        assertEquals(Optional.of(20L), ports.loopOut());
        assertEquals(Optional.of(21L), ports.loopIn());
        assertEquals(Set.of(1L, 2L, 10L, 20L, 21L), ports.usable(), "a failed port (-1) is not usable");
    }

    @Test
    void tellsVmPortChangesFromLinkChanges() {
        final var before = read(view(1, vmPort("tap-vm1", 1, "vm1"), vmPort("tap-x", 2, "nobody"), tunnel(1, 2, 10)));
        final var after = read(view(1, vmPort("tap-x", 2, "nobody"), vmPort("tap-vm7", 3, "vm7"),
            vmPort("tap-y", 4, null), tunnel(1, 2, 10)));
        assertTrue(before.sameLinks(after));
        assertEquals(Set.of(1L, 3L, 4L), before.changedPorts(after), "gone, bound and unbound new ports");
        assertEquals(Set.of(), after.changedPorts(after));
        // the same port number bound elsewhere is a change too
        final var rebound = read(view(1, vmPort("tap-vm7", 1, "vm7"), vmPort("tap-x", 2, "nobody"), tunnel(1, 2, 10)));
        assertEquals(Set.of(1L), before.changedPorts(rebound));
        assertFalse(before.sameLinks(read(view(1, vmPort("tap-vm1", 1, "vm1"), tunnel(1, 2, 11)))),
            "a tunnel renumbered");
        assertFalse(before.sameLinks(read(view(1, vmPort("tap-vm1", 1, "vm1"), tunnel(1, 2, 10), tunnel(1, 3, 11)))),
            "a tunnel added");
    }
}
