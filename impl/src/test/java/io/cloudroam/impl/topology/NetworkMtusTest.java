/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.config.CloudSpec;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.VirtualNetworkSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetworkMtusTest {
    private static final List<CloudSpec> CLOUDS = List.of(cloud("c1", "192.0.2.1"), cloud("c2", "192.0.2.2"),
        cloud("c3", "2001:db8::3"));

    private static CloudSpec cloud(final String id, final String endpoint) {
        return new CloudSpec(id, endpoint, Optional.empty(), CloudSpec.DEFAULT_OVSDB_PORT, List.of());
    }

    private static CloudroamConfig config(final int mtu) {
        return CloudroamConfig.of(CLOUDS, List.of(new VirtualNetworkSpec(100, "", List.of("c1", "c2"),
            VirtualNetworkSpec.Mode.OPTIMAL, mtu), new VirtualNetworkSpec(200, "", List.of("c1", "c3"))));
    }

    private static Map<LatencyProbes.Link, PathMtu.Estimate> measured(final int c1c2, final int c2c1) {
        return Map.of(new LatencyProbes.Link("c1", "c2"), new PathMtu.Estimate(PathMtu.State.MEASURED, c1c2),
            new LatencyProbes.Link("c2", "c1"), new PathMtu.Estimate(PathMtu.State.MEASURED, c2c1),
            new LatencyProbes.Link("c1", "c3"), new PathMtu.Estimate(PathMtu.State.SEARCHING, 1300));
    }

    @Test
    void anUnsetMtuIsTheDefaultUntilMeasuredThenTheNarrowestTunnelLessVxlan() {
        assertEquals(List.of(new NetworkMtus.Network(100, 1450, NetworkMtus.Source.DEFAULT, List.of()),
            new NetworkMtus.Network(200, 1450, NetworkMtus.Source.DEFAULT, List.of())),
            NetworkMtus.compute(config(0), Map.of(), NextHops.DIRECT));
        final var networks = NetworkMtus.compute(config(0), measured(1500, 9000), NextHops.DIRECT);
        assertEquals(new NetworkMtus.Network(100, 1450, NetworkMtus.Source.DERIVED, List.of()), networks.get(0));
        // a search in progress knows only a lower bound: it neither derives nor narrows
        assertEquals(NetworkMtus.Source.DEFAULT, networks.get(1).source());
    }

    @Test
    void aConfiguredMtuAboveATunnelIsNarrowAndSaysWhichTunnel() {
        final var network = NetworkMtus.compute(config(1450), measured(1400, 1500), NextHops.DIRECT).get(0);
        assertEquals(new NetworkMtus.Network(100, 1450, NetworkMtus.Source.CONFIGURED,
            List.of(new NetworkMtus.Narrow("c1", "c2", 1350))), network);
        assertTrue(!network.fits());
    }

    @Test
    void aNetworkCrossesTheTunnelsOfItsRoutesThroughATransitCloud() {
        final var viaC3 = NextHops.of(Map.of("c2", Map.of("c1", "c3")));
        assertEquals(List.of(new LatencyProbes.Link("c1", "c3"), new LatencyProbes.Link("c3", "c2"),
            new LatencyProbes.Link("c2", "c1")), List.copyOf(NetworkMtus.crossed(config(0), 100, viaC3)));
        final var estimates = Map.of(new LatencyProbes.Link("c3", "c2"),
            new PathMtu.Estimate(PathMtu.State.MEASURED, 1400));
        // c3's tunnel endpoint is IPv6: 70 bytes of encapsulation
        assertEquals(List.of(new NetworkMtus.Narrow("c3", "c2", 1330)),
            NetworkMtus.compute(config(1450), estimates, viaC3).get(0).narrow());
    }

    @Test
    void problemsAreTheTunnelsThatBecameNarrowAndThoseThatNoLongerAre() {
        final var fine = NetworkMtus.compute(config(1450), measured(1500, 1500), NextHops.DIRECT);
        final var narrow = NetworkMtus.compute(config(1450), measured(1400, 1500), NextHops.DIRECT);
        final var problem = new NetworkMtus.Problem(100, 1450, new NetworkMtus.Narrow("c1", "c2", 1350), false);
        assertEquals(List.of(problem), NetworkMtus.problems(fine, narrow));
        assertEquals(List.of(), NetworkMtus.problems(narrow, narrow), "said once");
        assertEquals(List.of(new NetworkMtus.Problem(100, 1450, problem.narrow(), true)),
            NetworkMtus.problems(narrow, fine));
    }

    @Test
    void aCommitThatSetsAnMtuLargerThanAMeasuredTunnelIsRefusedNamingTheLimit() {
        final var estimates = measured(1400, 1500);
        assertEquals(List.of("virtual-network 100: mtu 1400 is larger than tunnel c1 -> c2 carries (1350: path MTU "
            + "1400 measured, minus 50 of VXLAN)"), NetworkMtus.refusals(config(0), config(1400), estimates,
            NextHops.DIRECT));
        assertEquals(List.of(), NetworkMtus.refusals(config(0), config(1350), estimates, NextHops.DIRECT));
        // an MTU accepted before the path narrowed does not block other changes
        assertEquals(List.of(), NetworkMtus.refusals(config(1400), config(1400), estimates, NextHops.DIRECT));
        // nothing measured, nothing to refuse
        assertEquals(List.of(), NetworkMtus.refusals(config(0), config(9000), Map.of(), NextHops.DIRECT));
    }
}
