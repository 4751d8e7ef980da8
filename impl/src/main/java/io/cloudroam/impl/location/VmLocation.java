/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Set;

/**
 * Where one VM interface (a MAC on a virtual network) was seen.
 *
 * @param vni virtual network
 * @param mac MAC address of the interface
 * @param cloud cloud whose switch saw it
 * @param datapathId datapath id of that switch (unsigned 64 bits)
 * @param port OpenFlow port number on that switch
 * @param ipAddresses IPv4/IPv6 addresses seen in use, textual form
 * @param sequence mobility sequence number, incremented on every move (RFC 7432 section 15)
 * @param firstSeen first sighting on this virtual network
 * @param lastSeen last sighting at this location
 */
public record VmLocation(int vni, MacAddress mac, String cloud, long datapathId, long port,
        Set<String> ipAddresses, long sequence, Instant firstSeen, Instant lastSeen) {
    /**
     * Validates and freezes the components.
     */
    public VmLocation {
        VirtualNetworkId.check(vni);
        requireNonNull(mac, "mac");
        requireNonNull(cloud, "cloud");
        ipAddresses = Set.copyOf(ipAddresses);
        requireNonNull(firstSeen, "firstSeen");
        requireNonNull(lastSeen, "lastSeen");
        if (port < 0 || port > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("OpenFlow port out of range: " + port);
        }
        if (sequence < 0 || sequence > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("sequence out of range: " + sequence);
        }
    }
}
