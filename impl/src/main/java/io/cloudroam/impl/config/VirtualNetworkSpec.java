/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One configured virtual network.
 *
 * @param vni VXLAN network identifier
 * @param name human-readable name, may be empty
 * @param clouds clouds it spans
 * @param mode how traffic reaches VMs that migrated
 * @param mtu the configured MTU of its VMs, 0 when it is derived from the tunnels
 */
public record VirtualNetworkSpec(int vni, String name, List<String> clouds, Mode mode, int mtu) {
    /**
     * How traffic reaches VMs that migrated.
     */
    public enum Mode {
        /** Straight to the VM's current cloud. */
        OPTIMAL,
        /** Through the VM's home cloud (a baseline for comparison). */
        TRIANGLE,
        /** A moved VM is forgotten and relearned from its next packet (ONOS mobility-app style). */
        REACTIVE
    }

    /**
     * Freezes the components.
     */
    public VirtualNetworkSpec {
        requireNonNull(name, "name");
        clouds = List.copyOf(clouds);
        requireNonNull(mode, "mode");
    }

    /**
     * A virtual network whose MTU is derived from its tunnels.
     *
     * @param vni the VNI
     * @param name its name
     * @param clouds the clouds it lists
     * @param mode how traffic reaches VMs that migrated
     */
    public VirtualNetworkSpec(final int vni, final String name, final List<String> clouds, final Mode mode) {
        this(vni, name, clouds, mode, 0);
    }

    /**
     * A virtual network in the default mode.
     *
     * @param vni the VNI
     * @param name its name
     * @param clouds the clouds it lists
     */
    public VirtualNetworkSpec(final int vni, final String name, final List<String> clouds) {
        this(vni, name, clouds, Mode.OPTIMAL);
    }
}
