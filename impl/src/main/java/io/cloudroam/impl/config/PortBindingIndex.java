/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Port bindings indexed by cloud and port name: the answer of
 * {@link CloudroamConfig#vniOfPort} in constant time. Compiling flows asks for every interface of
 * every switch, so a scan of the bindings each time made a compilation grow with the square of the
 * number of VMs (100,000 bound ports: 10^10 comparisons). Built once per configuration.
 */
public final class PortBindingIndex {
    /** A binding's position in the configuration's list (the first match wins) and its VNI. */
    private record Entry(int position, int vni) {
    }

    private final Map<String, Map<String, Entry>> byCloud = new HashMap<>();
    private final Map<Integer, Set<String>> boundClouds = new HashMap<>();

    PortBindingIndex(final List<PortBindingSpec> bindings) {
        for (int i = 0; i < bindings.size(); i++) {
            final var binding = bindings.get(i);
            byCloud.computeIfAbsent(binding.cloud(), cloud -> new HashMap<>())
                .putIfAbsent(binding.port(), new Entry(i, binding.vni()));
            boundClouds.computeIfAbsent(binding.vni(), vni -> new HashSet<>()).add(binding.cloud());
        }
    }

    /**
     * The clouds a virtual network spans, as {@link CloudroamConfig#cloudsOf}.
     *
     * @param config the configuration this index was built from
     * @param vni the virtual network
     * @return cloud ids, sorted
     */
    public SortedSet<String> cloudsOf(final CloudroamConfig config, final int vni) {
        final var result = new TreeSet<String>();
        final var network = config.networks().get(vni);
        if (network != null) {
            result.addAll(network.clouds());
        }
        result.addAll(boundClouds.getOrDefault(vni, Set.of()));
        result.retainAll(config.clouds().keySet());
        return result;
    }

    /**
     * The virtual network of a VM-facing port, as {@link CloudroamConfig#vniOfPort}.
     *
     * @param cloud the cloud holding the port
     * @param interfaceName the OVS interface name
     * @param ifaceId its {@code external_ids:iface-id}, or {@code null}
     * @return the VNI, empty for a port without a binding
     */
    public Optional<Integer> vniOfPort(final String cloud, final String interfaceName, final String ifaceId) {
        final var ports = byCloud.get(cloud);
        if (ports == null) {
            return Optional.empty();
        }
        final var byName = interfaceName == null ? null : ports.get(interfaceName);
        final var byId = ifaceId == null ? null : ports.get(ifaceId);
        if (byName == null && byId == null) {
            return Optional.empty();
        }
        if (byName == null || byId != null && byId.position() < byName.position()) {
            return Optional.of(byId.vni());
        }
        return Optional.of(byName.vni());
    }
}
