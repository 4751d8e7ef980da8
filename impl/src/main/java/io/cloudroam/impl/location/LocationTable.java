/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who is where: the current location of every known VM interface, keyed by (VNI, MAC).
 *
 * <p>Indexed by MAC first, so that a lookup without a VNI (the operator knows the MAC, not the
 * network) costs the number of virtual networks that MAC is on, not the size of the table. Safe
 * for concurrent readers; cloudroam changes it from one thread only (the fabric's), so a decision
 * read from it holds until that thread changes it.
 */
public final class LocationTable implements Locations {
    /** An IP address on one virtual network. */
    private record Address(int vni, String address) {
    }

    /** A switch port. */
    private record Port(long datapathId, long port) {
    }

    private final Map<MacAddress, Map<Integer, VmLocation>> byMac = new ConcurrentHashMap<>();
    /** The entries at each switch port (a short list each, replaced whole: most ports have one). */
    private final Map<Port, List<VmKey>> perPort = new ConcurrentHashMap<>();
    private final AtomicInteger entries = new AtomicInteger();
    /** Which VM holds each address: the first entry that had it, until that entry drops it or goes. */
    private final Map<Address, MacAddress> holders = new ConcurrentHashMap<>();

    /**
     * Records {@code location} as the current location of its (VNI, MAC), replacing any previous one.
     * Its addresses that no other VM of the network holds become its own.
     *
     * @param location the new location
     * @return the location it replaced, if any
     */
    // synchronized with remove: the address index follows the entries (readers need no lock)
    public synchronized Optional<VmLocation> put(final VmLocation location) {
        final var replaced = Optional.ofNullable(byMac.computeIfAbsent(location.mac(),
            mac -> new ConcurrentHashMap<>()).put(location.vni(), location));
        final boolean samePort = replaced.filter(old -> old.datapathId() == location.datapathId()
            && old.port() == location.port()).isPresent();
        replaced.ifPresentOrElse(old -> {
            release(old, location.ipAddresses());
            if (!samePort) {
                leave(old);
            }
        }, entries::incrementAndGet);
        if (!samePort) {
            perPort.merge(new Port(location.datapathId(), location.port()), List.of(VmKey.of(location)),
                (had, added) -> {
                    final var keys = new ArrayList<>(had);
                    keys.addAll(added);
                    return List.copyOf(keys);
                });
        }
        for (var address : location.ipAddresses()) {
            holders.putIfAbsent(new Address(location.vni(), address), location.mac());
        }
        return replaced;
    }

    /**
     * The VM that holds an address on a virtual network.
     *
     * @param vni virtual network
     * @param address IPv4 or IPv6 address, textual form as in {@link VmLocation#ipAddresses}
     * @return its MAC, if a VM in the table holds it
     */
    @Override
    public Optional<MacAddress> holderOf(final int vni, final String address) {
        return Optional.ofNullable(holders.get(new Address(vni, address)));
    }

    private void release(final VmLocation location, final Set<String> kept) {
        for (var address : location.ipAddresses()) {
            if (!kept.contains(address)) {
                holders.remove(new Address(location.vni(), address), location.mac());
            }
        }
    }

    /**
     * Returns the location of {@code mac} on virtual network {@code vni}.
     *
     * @param vni virtual network
     * @param mac MAC address
     * @return the location, or empty when that VM is unknown on that network
     */
    public Optional<VmLocation> find(final int vni, final MacAddress mac) {
        final var perVni = byMac.get(mac);
        return perVni == null ? Optional.empty() : Optional.ofNullable(perVni.get(vni));
    }

    @Override
    public Optional<VmLocation> find(final VmKey vm) {
        return find(vm.vni(), vm.mac());
    }

    /**
     * Returns the most recently seen location of {@code mac} on any virtual network.
     *
     * @param mac MAC address
     * @return the location, or empty when no VM with that MAC is known
     */
    public Optional<VmLocation> find(final MacAddress mac) {
        final var perVni = byMac.get(mac);
        return perVni == null ? Optional.empty()
            : perVni.values().stream().max(Comparator.comparing(VmLocation::lastSeen));
    }

    /**
     * Removes {@code location} if the table still holds exactly it.
     *
     * @param location the entry to remove
     * @return whether it was removed
     */
    public synchronized boolean remove(final VmLocation location) {
        final var perVni = byMac.get(location.mac());
        if (perVni == null || !perVni.remove(location.vni(), location)) {
            return false;
        }
        release(location, Set.of());
        leave(location);
        entries.decrementAndGet();
        return true;
    }

    private void leave(final VmLocation location) {
        final var key = VmKey.of(location);
        perPort.computeIfPresent(new Port(location.datapathId(), location.port()), (port, keys) -> {
            final var left = keys.stream().filter(other -> !other.equals(key)).toList();
            return left.isEmpty() ? null : left;
        });
    }

    /**
     * How many entries a switch port has.
     *
     * @param datapathId the switch
     * @param port its port
     * @return the count
     */
    public int macsAt(final long datapathId, final long port) {
        return perPort.getOrDefault(new Port(datapathId, port), List.of()).size();
    }

    /**
     * The VMs the table has at a switch port.
     *
     * @param datapathId the switch
     * @param port its port
     * @return their keys
     */
    public List<VmKey> at(final long datapathId, final long port) {
        return perPort.getOrDefault(new Port(datapathId, port), List.of());
    }

    /**
     * Every location of a MAC, on whatever virtual network.
     *
     * @param mac the MAC
     * @return them, in no particular order
     */
    public List<VmLocation> withMac(final MacAddress mac) {
        final var perVni = byMac.get(mac);
        return perVni == null ? List.of() : List.copyOf(perVni.values());
    }

    /**
     * Returns every entry, in no particular order.
     *
     * @return a snapshot of the table
     */
    @Override
    public List<VmLocation> all() {
        return byMac.values().stream().flatMap(perVni -> perVni.values().stream()).toList();
    }

    /**
     * Returns the number of (VNI, MAC) entries.
     *
     * @return the entry count
     */
    public int size() {
        return entries.get();
    }
}
