/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudroam.impl.location.MacAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PortEvidenceTest {
    private static final MacAddress VM = MacAddress.parse("02:c0:0e:00:00:01");
    private static final Instant BEFORE = Instant.parse("2026-12-02T10:00:00Z");
    private static final Instant LATER = BEFORE.plusSeconds(30);
    /** Where the VM runs: plugged by libvirt with its identity, when it was started there. */
    private static final PortEvidence.Plugged SOURCE = new PortEvidence.Plugged("tap-qvm1",
        Map.of("iface-id", "qvm1", "attached-mac", VM.toString(), "vm-uuid", "c0ffee"), BEFORE);

    private static PortEvidence.Plugged destination(final Map<String, String> ids, final Instant since) {
        return new PortEvidence.Plugged("tap-qvm1", ids, since);
    }

    @Test
    void aPortPluggedLaterWithTheVmsIdentityIsItsMigrationsDestination() {
        assertEquals(Optional.of(PortEvidence.ATTACHED_MAC), PortEvidence.of(VM, SOURCE,
            destination(Map.of("iface-id", "qvm1", "attached-mac", "02:C0:0E:00:00:01"), LATER)));
        assertEquals(Optional.of(PortEvidence.ATTACHED_MAC), PortEvidence.of(VM, SOURCE,
            destination(Map.of("attached_mac", VM.toString()), LATER)), "ovn-kubernetes' spelling");
        assertEquals(Optional.of(PortEvidence.IFACE_ID), PortEvidence.of(VM, SOURCE,
            destination(Map.of("iface-id", "qvm1"), LATER)), "the same interface, as OVN binds it");
    }

    @Test
    void aPortPluggedBeforeTheVmsOwnIsNoEvidence() {
        final var marked = Map.of("iface-id", "qvm1", "attached-mac", VM.toString());
        assertEquals(Optional.empty(), PortEvidence.of(VM, SOURCE, destination(marked, BEFORE)), "same time");
        assertEquals(Optional.empty(), PortEvidence.of(VM, SOURCE, destination(marked, BEFORE.minusMillis(1))),
            "a source port still there after the move, for a frame that comes late from it");
        assertEquals(Optional.empty(), PortEvidence.of(VM, destination(marked, Instant.EPOCH),
            destination(marked, Instant.EPOCH)), "both there before cloudroam looked");
    }

    @Test
    void aPortWithoutTheVmsIdentityOrWithAnotherInterfacesIsNoEvidence() {
        assertEquals(Optional.empty(), PortEvidence.of(VM, SOURCE, destination(Map.of(), LATER)), "bound by name");
        assertEquals(Optional.empty(), PortEvidence.of(VM, SOURCE,
            destination(Map.of("attached-mac", "02:c0:0e:00:00:02"), LATER)), "another VM's port");
        assertEquals(Optional.empty(), PortEvidence.of(VM, SOURCE,
            destination(Map.of("iface-id", "qvm9", "attached-mac", VM.toString()), LATER)),
            "a clone with the same MAC: another interface");
        assertEquals(Optional.empty(), PortEvidence.of(VM, SOURCE,
            destination(Map.of("attached-mac", "not a mac"), LATER)));
        final var unmarkedSource = new PortEvidence.Plugged("tap-qvm1", Map.of(), BEFORE);
        assertEquals(Optional.empty(), PortEvidence.of(VM, unmarkedSource, destination(Map.of("iface-id", "qvm1"),
            LATER)), "an iface-id matches nothing when the VM's port has none");
        assertEquals(Optional.of(PortEvidence.ATTACHED_MAC), PortEvidence.of(VM, unmarkedSource,
            destination(Map.of("iface-id", "qvm1", "attached-mac", VM.toString()), LATER)));
    }
}
