/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.topology;

import io.cloudroam.impl.config.CloudroamConfig;

/**
 * What a VXLAN tunnel adds to a VM's frame, by the family of the sending cloud's tunnel endpoint.
 */
public enum Encapsulation {
    /** Outer IPv4 (20), UDP (8) and VXLAN (8) headers. */
    VXLAN_IPV4(36),
    /** Outer IPv6 (40), UDP (8) and VXLAN (8) headers. */
    VXLAN_IPV6(56);

    /** The VM's own Ethernet header, which travels inside the tunnel. */
    private static final int INNER_ETHERNET = 14;

    private final int outer;

    Encapsulation(final int outer) {
        this.outer = outer;
    }

    /**
     * Bytes added to a VM's Ethernet frame: an inner frame of n bytes is an underlay IP packet of
     * n + outer().
     *
     * @return the outer headers' length
     */
    public int outer() {
        return outer;
    }

    /**
     * What a VM's MTU loses to the tunnel: path MTU minus this is the largest VM IP packet
     * (50 over IPv4, 70 over IPv6).
     *
     * @return the overhead in bytes
     */
    public int overhead() {
        return outer + INNER_ETHERNET;
    }

    /**
     * The encapsulation of a cloud's tunnels.
     *
     * @param config the configuration
     * @param cloud the sending cloud
     * @return by its tunnel endpoint's address family (IPv4 when the cloud is unknown)
     */
    public static Encapsulation of(final CloudroamConfig config, final String cloud) {
        final var spec = config.clouds().get(cloud);
        return spec != null && spec.tunnelEndpoint().indexOf(':') >= 0 ? VXLAN_IPV6 : VXLAN_IPV4;
    }
}
