/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * Where VMs are, as the flow compiler reads it: every location, one by key, and who holds an
 * address.
 */
public interface Locations {
    /**
     * Every location.
     *
     * @return them, in no particular order
     */
    Collection<VmLocation> all();

    /**
     * One VM's location.
     *
     * @param vm the VM
     * @return where it is, if known
     */
    Optional<VmLocation> find(VmKey vm);

    /**
     * Who holds an address on a virtual network.
     *
     * @param vni the network
     * @param address the address, as in {@link VmLocation#ipAddresses()}
     * @return the holder's MAC, if any
     */
    Optional<MacAddress> holderOf(int vni, String address);

    /**
     * Locations from a list: an address is held by the first location that has it.
     *
     * @param locations the list
     * @return a view of it
     */
    static Locations of(final List<VmLocation> locations) {
        final var byKey = new HashMap<VmKey, VmLocation>();
        final var holders = new HashMap<String, MacAddress>();
        for (var location : locations) {
            byKey.put(VmKey.of(location), location);
            location.ipAddresses().forEach(address -> holders.putIfAbsent(location.vni() + "/" + address,
                location.mac()));
        }
        final var all = List.copyOf(locations);
        return new Locations() {
            @Override
            public Collection<VmLocation> all() {
                return all;
            }

            @Override
            public Optional<VmLocation> find(final VmKey vm) {
                return Optional.ofNullable(byKey.get(vm));
            }

            @Override
            public Optional<MacAddress> holderOf(final int vni, final String address) {
                return Optional.ofNullable(holders.get(vni + "/" + address));
            }
        };
    }

    /**
     * Nothing known.
     *
     * @return an empty view
     */
    static Locations none() {
        return of(List.of());
    }
}
