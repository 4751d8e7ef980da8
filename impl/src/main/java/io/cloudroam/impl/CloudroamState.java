/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.fabric.Counters;
import io.cloudroam.impl.fabric.TunnelState;
import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.ConflictRecord;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.topology.NetworkMtus;
import java.util.List;
import java.util.Map;

/**
 * What cloudroam knows, for the Karaf shell commands (an OSGi service).
 */
public interface CloudroamState {
    /**
     * Whether cloudroam is active on this member (always, on a single controller). A member where
     * it stands by answers every other method with nothing: the active member has the state, and
     * the replicated operational datastore shows it on every member.
     *
     * @return true when active here
     */
    boolean isActive();

    /**
     * This member's name (its Karaf instance name).
     *
     * @return the name
     */
    String member();

    /**
     * The configuration in force.
     *
     * @return the configuration
     */
    CloudroamConfig config();

    /**
     * Whether the OVSDB session to a cloud is up.
     *
     * @param cloud the cloud id
     * @return true when connected and monitoring
     */
    boolean ovsdbConnected(String cloud);

    /**
     * Every known VM location.
     *
     * @return the locations
     */
    List<VmLocation> locations();

    /**
     * Every tunnel port cloudroam created, as the switches report them.
     *
     * @return the tunnels
     */
    List<TunnelState> tunnels();

    /**
     * Each virtual network's MTU and the tunnels too narrow for it.
     *
     * @return by VNI
     */
    List<NetworkMtus.Network> networkMtus();

    /**
     * The flows cloudroam has sent to a switch (its desired state there).
     *
     * @param datapathId the switch
     * @return flows by key; empty for a switch cloudroam does not program
     */
    Map<FlowKey, FlowSpec> flows(long datapathId);

    /**
     * The latest applied moves.
     *
     * @return oldest first
     */
    List<MigrationRecord> migrations();

    /**
     * The latest refused sightings.
     *
     * @return oldest first
     */
    List<ConflictRecord> conflicts();

    /**
     * What the fabric handled since it started.
     *
     * @return every count
     */
    Map<Counters.Kind, Long> counters();
}
