/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudroam.impl.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PortBindingIndexTest {
    @Test
    void answersAsTheScanOfTheBindingsDoes() {
        final var random = new Random(7);
        final var bindings = new ArrayList<PortBindingSpec>();
        for (int i = 0; i < 300; i++) {
            // few names, so that names and iface-ids collide and the first binding must win
            bindings.add(new PortBindingSpec("c" + (1 + random.nextInt(3)), "p" + random.nextInt(40),
                List.of(100, 300).get(random.nextInt(2))));
        }
        final var config = CloudroamConfig.of(List.of(Fixtures.cloud(1), Fixtures.cloud(2), Fixtures.cloud(3)),
            List.of(new VirtualNetworkSpec(100, "blue", List.of("c1", "c2", "c3")),
                new VirtualNetworkSpec(300, "red", List.of("c1", "c2", "c3"))), bindings);
        final var index = config.portBindingIndex();
        for (int i = 0; i < 5_000; i++) {
            final var cloud = "c" + (1 + random.nextInt(4));
            final var name = random.nextInt(5) == 0 ? null : "p" + random.nextInt(50);
            final var ifaceId = random.nextInt(3) == 0 ? null : "p" + random.nextInt(50);
            assertEquals(config.vniOfPort(cloud, name, ifaceId), index.vniOfPort(cloud, name, ifaceId),
                cloud + " " + name + " " + ifaceId);
        }
        for (int vni : List.of(100, 300, 500)) {
            assertEquals(config.cloudsOf(vni), index.cloudsOf(config, vni), "clouds of " + vni);
        }
    }
}
