/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

import static java.util.Objects.requireNonNull;

/**
 * Which VM interface: a MAC on a virtual network, the key of the location table.
 *
 * @param vni the virtual network
 * @param mac the MAC
 */
public record VmKey(int vni, MacAddress mac) implements Comparable<VmKey> {
    /**
     * Checks the parts.
     */
    public VmKey {
        VirtualNetworkId.check(vni);
        requireNonNull(mac, "mac");
    }

    /**
     * The key of a location.
     *
     * @param location where a VM is
     * @return its key
     */
    public static VmKey of(final VmLocation location) {
        return new VmKey(location.vni(), location.mac());
    }

    @Override
    public int compareTo(final VmKey other) {
        final int byVni = Integer.compare(vni, other.vni);
        return byVni != 0 ? byVni : mac.compareTo(other.mac);
    }

    /** "vni/mac", as logs and the shell show it. */
    @Override
    public String toString() {
        return vni + "/" + mac;
    }
}
