/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.PortBindingIndex;
import io.cloudroam.impl.location.Locations;
import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.topology.NextHops;
import java.util.Map;

/**
 * Everything the flows are computed from.
 *
 * @param config the configuration in force
 * @param bound its port bindings, indexed ({@link CloudroamConfig#portBindingIndex})
 * @param ports each switch's ports as its cloud's OVSDB reports them ({@link BridgePorts#of}); a switch
 *        missing there gets no flows (its ports are unknown, so nothing can be said)
 * @param locations where the VMs are
 * @param homes the cloud each VM was first seen in (for virtual networks in triangle mode)
 * @param nextHops the overlay routes
 * @param prepared the destination cloud of each VM whose migration is prepared (its cloud copies the
 *        frames for it there, where they are held back until the move)
 */
public record FlowInputs(CloudroamConfig config, PortBindingIndex bound, Map<Long, BridgePorts> ports,
        Locations locations, Map<VmKey, String> homes, NextHops nextHops, Map<VmKey, String> prepared) {
    /**
     * Checks the parts.
     */
    public FlowInputs {
        requireNonNull(config, "config");
        requireNonNull(bound, "bound");
        requireNonNull(ports, "ports");
        requireNonNull(locations, "locations");
        requireNonNull(homes, "homes");
        requireNonNull(nextHops, "nextHops");
        requireNonNull(prepared, "prepared");
    }

    /**
     * The inputs of a configuration, the clouds' OVSDB views and VM locations, direct tunnels only.
     *
     * @param config the configuration
     * @param views each cloud's view, by cloud id (absent while not connected)
     * @param locations where the VMs are
     * @return the inputs
     */
    public static FlowInputs of(final CloudroamConfig config, final Map<String, SwitchView> views,
            final Locations locations) {
        return of(config, views, locations, Map.of(), NextHops.DIRECT);
    }

    /**
     * The same with homes and routes.
     *
     * @param config the configuration
     * @param views each cloud's view, by cloud id
     * @param locations where the VMs are
     * @param homes the cloud each VM was first seen in
     * @param nextHops the overlay routes
     * @return the inputs
     */
    public static FlowInputs of(final CloudroamConfig config, final Map<String, SwitchView> views,
            final Locations locations, final Map<VmKey, String> homes, final NextHops nextHops) {
        final var bound = config.portBindingIndex();
        return new FlowInputs(config, bound, BridgePorts.of(config, views, bound), locations, homes, nextHops,
            Map.of());
    }
}
