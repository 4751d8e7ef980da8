/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.MigrationEvents;
import io.cloudroam.impl.topology.NetworkMtus;
import io.cloudroam.impl.topology.Routes;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where the fabric reports what it learned (the operational datastore, in production); migrations
 * and refused sightings as {@link MigrationEvents}.
 */
public interface StatePublisher extends MigrationEvents {
    /**
     * VM locations that are new or changed.
     *
     * @param changed the locations
     */
    void locations(Collection<VmLocation> changed);

    /**
     * The names of a cloud's VM ports, as its switches report them now; VM locations published from
     * then on carry the name of their port. From the fabric's thread.
     *
     * @param cloud the cloud
     * @param names by datapath id, each port's {@link io.cloudroam.impl.ovsdb.SwitchView.Interface#vmName()} by
     *        OpenFlow port number
     */
    default void portNames(final String cloud, final Map<Long, Map<Long, String>> names) {
    }

    /**
     * VM locations that were forgotten.
     *
     * @param removed the locations
     */
    void locationsRemoved(Collection<VmLocation> removed);

    /**
     * The complete tunnel state of one cloud, replacing what was reported before for it.
     *
     * @param cloud the cloud
     * @param tunnels its tunnel ports
     */
    void tunnels(String cloud, Collection<TunnelState> tunnels);

    /**
     * What the latency probes measured and the routes computed from it.
     *
     * @param links every direction of every tunnel
     * @param paths for each destination cloud, how each other cloud reaches it
     */
    void routing(List<Routes.LinkState> links, Map<String, Map<String, Routes.Hop>> paths);

    /**
     * Each virtual network's MTU and the tunnels too narrow for it, whenever that changes.
     *
     * @param networks every configured network
     * @param problems tunnels that became too narrow for a network, or no longer are
     */
    default void networkMtus(final List<NetworkMtus.Network> networks, final List<NetworkMtus.Problem> problems) {
        // a publisher without a place for them (a test's) ignores them
    }
}
