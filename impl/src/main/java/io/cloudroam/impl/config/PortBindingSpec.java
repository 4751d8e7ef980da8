/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static java.util.Objects.requireNonNull;

/**
 * A VM-facing switch port put on a virtual network.
 *
 * @param cloud the cloud whose integration bridge holds the port
 * @param port the Open vSwitch interface name or its {@code external_ids:iface-id}
 * @param vni the virtual network
 */
public record PortBindingSpec(String cloud, String port, int vni) {
    /**
     * Checks the parts.
     */
    public PortBindingSpec {
        requireNonNull(cloud, "cloud");
        requireNonNull(port, "port");
    }

    /**
     * Whether an OVS interface is the one this binding names.
     *
     * @param interfaceName the interface's name
     * @param ifaceId its {@code external_ids:iface-id}, or {@code null}
     * @return true when either matches
     */
    public boolean matches(final String interfaceName, final String ifaceId) {
        return port.equals(interfaceName) || port.equals(ifaceId);
    }
}
