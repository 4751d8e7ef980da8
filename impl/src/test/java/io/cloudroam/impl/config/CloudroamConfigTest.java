/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CloudroamConfigTest {
    private static CloudSpec cloud(final String id, final String endpoint, final Long... switches) {
        return new CloudSpec(id, endpoint, Optional.empty(), CloudSpec.DEFAULT_OVSDB_PORT, List.of(switches));
    }

    @Test
    void consistentConfigHasNoProblems() {
        final var config = CloudroamConfig.of(List.of(cloud("c1", "192.0.2.1", 1L), cloud("c2", "192.0.2.2", 2L)),
            List.of(new VirtualNetworkSpec(100, "blue", List.of("c1", "c2"))));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void namesEveryProblem() {
        final var config = CloudroamConfig.of(
            List.of(cloud("c1", "192.0.2.1", 1L), cloud("c2", "192.0.2.1", 1L)),
            List.of(new VirtualNetworkSpec(100, "blue", List.of("c1", "c9"))));
        assertEquals(List.of(
            "cloud 'c2': tunnel-endpoint 192.0.2.1 is already used by cloud 'c1'",
            "cloud 'c2': switch 1 is already in cloud 'c1'",
            "virtual-network 100: unknown cloud 'c9'"), config.problems());
    }

    @Test
    void anMtuOutsideItsRangeIsAProblem() {
        for (int mtu : List.of(575, 9001)) {
            final var config = CloudroamConfig.of(List.of(cloud("c1", "192.0.2.1", 1L)),
                List.of(new VirtualNetworkSpec(100, "blue", List.of("c1"), VirtualNetworkSpec.Mode.OPTIMAL, mtu)));
            assertEquals(List.of("virtual-network 100: mtu " + mtu + " is outside 576..9000"), config.problems());
        }
    }

    @Test
    void printsDatapathIdsUnsigned() {
        final var config = CloudroamConfig.of(List.of(cloud("a", "192.0.2.1", -1L), cloud("b", "192.0.2.2", -1L)),
            List.of());
        assertEquals(List.of("cloud 'b': switch 18446744073709551615 is already in cloud 'a'"), config.problems());
    }

    @Test
    void trackerAppliesWholeOrKeepsPrevious() {
        final var applied = new ArrayList<CloudroamConfig>();
        final var tracker = new ConfigTracker(applied::add);
        assertSame(CloudroamConfig.EMPTY, tracker.current());

        final var good = CloudroamConfig.of(List.of(cloud("c1", "192.0.2.1")), List.of());
        assertTrue(tracker.offer(good).applied());
        assertEquals(good, tracker.current());

        final var bad = CloudroamConfig.of(List.of(cloud("c1", "192.0.2.1")),
            List.of(new VirtualNetworkSpec(7, "", List.of("nowhere"))));
        final var outcome = tracker.offer(bad);
        assertFalse(outcome.applied());
        assertEquals(List.of("virtual-network 7: unknown cloud 'nowhere'"), outcome.problems());
        assertEquals(good, tracker.current());
        assertEquals(List.of(good), applied);
    }

    @Test
    void portBindingsNeedAKnownCloudAndVirtualNetwork() {
        final var config = CloudroamConfig.of(List.of(cloud("c1", "192.0.2.1", 1L)),
            List.of(new VirtualNetworkSpec(100, "blue", List.of("c1"))),
            List.of(new PortBindingSpec("c1", "vm1", 100), new PortBindingSpec("c9", "vm2", 100),
                new PortBindingSpec("c1", "vm3", 555)));
        assertEquals(List.of("port-binding c9/vm2: unknown cloud 'c9'",
            "port-binding c1/vm3: unknown virtual-network 555"), config.problems());
    }

    @Test
    void aVirtualNetworkSpansItsListedCloudsAndThoseWithBoundPorts() {
        final var config = CloudroamConfig.of(
            List.of(cloud("c1", "192.0.2.1", 1L), cloud("c2", "192.0.2.2", 2L), cloud("c3", "192.0.2.3", 3L)),
            List.of(new VirtualNetworkSpec(100, "blue", List.of("c1")), new VirtualNetworkSpec(200, "red", List.of())),
            List.of(new PortBindingSpec("c2", "vm2", 100), new PortBindingSpec("c3", "vm3", 200)));
        assertEquals(List.of("c1", "c2"), List.copyOf(config.cloudsOf(100)));
        assertEquals(List.of("c3"), List.copyOf(config.cloudsOf(200)));
        assertEquals(List.of("c2"), List.copyOf(config.tunnelPeersOf("c1")));
        assertEquals(List.of(), List.copyOf(config.tunnelPeersOf("c3")), "alone in its VNI: no tunnel");
    }

    @Test
    void aBindingMatchesByInterfaceNameOrIfaceId() {
        final var binding = new PortBindingSpec("c1", "vm1", 100);
        assertTrue(binding.matches("vm1", null));
        assertTrue(binding.matches("tap0", "vm1"));
        assertFalse(binding.matches("tap0", "vm2"));
    }
}
