/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.northbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudroam.impl.fabric.RestoredLink;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.topology.Routes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.CloudId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmLocationsBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.overlay.routing.LinkBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.vm.locations.VmLocationBuilder;
import org.opendaylight.yangtools.binding.util.BindingMap;
import org.opendaylight.yangtools.yang.common.Uint32;

class StateRestoreTest {
    private static final Instant T0 = Instant.parse("2026-11-28T09:00:00.123Z");

    @Test
    void aPublishedLocationReadsBackAsItWas() {
        final var location = new VmLocation(100, MacAddress.parse("02:c0:00:00:00:01"), "c1", 1, 3,
            Set.of("10.0.0.1", "fe80::1"), 4, T0, T0.plusSeconds(5));
        final var entry = OperationalPublisher.locationEntry(location, Optional.of("vm1"));
        assertEquals("vm1", entry.getName());
        final var fields = LocateVmRpc.toOutput(location);
        // an entry missing its cloud cannot be restored: skipped, the rest goes on
        final var broken = new VmLocationBuilder().setVni(fields.getVni())
            .setMac(new org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.yang.types.rev130715.MacAddress(
                "02:c0:00:00:00:02")).build();
        final var restored = StateRestore.locations(new VmLocationsBuilder()
            .setVmLocation(BindingMap.of(entry, broken)).build());
        assertEquals(List.of(location), restored);
    }

    @Test
    void onlyMeasuredReachableLinksAreRestored() {
        final var measured = new LinkBuilder().setCloud(new CloudId("c1")).setRemoteCloud(new CloudId("c2"))
            .setOneWayLatency(Uint32.valueOf(40_500)).setRoutingLatency(Uint32.valueOf(40_000)).setReachable(true)
            .build();
        final var lost = new LinkBuilder().setCloud(new CloudId("c2")).setRemoteCloud(new CloudId("c3"))
            .setOneWayLatency(Uint32.valueOf(10_000)).setRoutingLatency(Uint32.valueOf(10_000)).setReachable(false)
            .build();
        final var unmeasured = new LinkBuilder().setCloud(new CloudId("c3")).setRemoteCloud(new CloudId("c1"))
            .setReachable(true).build();
        assertEquals(List.of(new RestoredLink("c1", "c2", 40_500, 40_000)),
            StateRestore.links(List.of(measured, lost, unmeasured)));
    }

    @Test
    void whatARestartRestoredIsPublishedSoThatTheNextRestartRestoresItBeforeAnySample() {
        // a start that restored the WAN and was stopped again before its first probe samples (a
        // start hung in AAA and restarted by the supervisor) must hand the same WAN to the next start
        final var routes = new Routes();
        routes.restore("c1", "c2", 40_500, 40_000);
        routes.restore("c2", "c1", 40_400, 40_000);
        routes.restore("c2", "c3", 10_200, 10_000);
        routes.restore("c3", "c2", 10_100, 10_000);
        routes.lost("c3", "c2");
        final var published = routes.links(Map.of("c1", Set.of("c2", "c3"), "c2", Set.of("c1", "c3"),
            "c3", Set.of("c2"))).stream().map(OperationalPublisher::link).toList();
        assertEquals(List.of(new RestoredLink("c1", "c2", 40_500, 40_000), new RestoredLink("c2", "c1", 40_400, 40_000),
            new RestoredLink("c2", "c3", 10_200, 10_000)), StateRestore.links(published),
            "c1 -> c3 was never measured, c3 -> c2 was lost: neither comes back");
    }
}
