/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of cloudroam's configuration, checked as a whole.
 *
 * @param clouds clouds by id
 * @param networks virtual networks by VNI
 */
public record CloudroamConfig(SortedMap<String, CloudSpec> clouds, SortedMap<Integer, VirtualNetworkSpec> networks) {
    /** The configuration before anything is configured. */
    public static final CloudroamConfig EMPTY = new CloudroamConfig(new TreeMap<>(), new TreeMap<>());

    /**
     * Freezes the components.
     */
    public CloudroamConfig {
        clouds = Collections.unmodifiableSortedMap(new TreeMap<>(clouds));
        networks = Collections.unmodifiableSortedMap(new TreeMap<>(networks));
    }

    /**
     * Builds a snapshot from lists, as they come from the datastore.
     *
     * @param clouds configured clouds
     * @param networks configured virtual networks
     * @return the snapshot
     */
    public static CloudroamConfig of(final List<CloudSpec> clouds, final List<VirtualNetworkSpec> networks) {
        final var cloudMap = new TreeMap<String, CloudSpec>();
        clouds.forEach(cloud -> cloudMap.put(cloud.id(), cloud));
        final var networkMap = new TreeMap<Integer, VirtualNetworkSpec>();
        networks.forEach(network -> networkMap.put(network.vni(), network));
        return new CloudroamConfig(cloudMap, networkMap);
    }

    /**
     * Lists what makes this configuration unusable; empty when it is consistent. Each entry names
     * the offending node so an operator can fix it.
     *
     * @return the problems, in a stable order
     */
    public List<String> problems() {
        final var problems = new ArrayList<String>();
        final Map<String, String> endpointOwner = new HashMap<>();
        final Map<Long, String> switchOwner = new HashMap<>();
        for (var cloud : clouds.values()) {
            final var previous = endpointOwner.putIfAbsent(cloud.tunnelEndpoint(), cloud.id());
            if (previous != null) {
                problems.add("cloud '" + cloud.id() + "': tunnel-endpoint " + cloud.tunnelEndpoint()
                    + " is already used by cloud '" + previous + "'");
            }
            for (var dpid : cloud.switches()) {
                final var owner = switchOwner.putIfAbsent(dpid, cloud.id());
                if (owner != null && !owner.equals(cloud.id())) {
                    problems.add("cloud '" + cloud.id() + "': switch " + Long.toUnsignedString(dpid)
                        + " is already in cloud '" + owner + "'");
                }
            }
        }
        for (var network : networks.values()) {
            for (var cloud : network.clouds()) {
                if (!clouds.containsKey(cloud)) {
                    problems.add("virtual-network " + network.vni() + ": unknown cloud '" + cloud + "'");
                }
            }
        }
        return List.copyOf(problems);
    }
}
