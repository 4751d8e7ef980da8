/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.location.MobilityGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of cloudroam's configuration, checked as a whole.
 *
 * @param clouds clouds by id
 * @param networks virtual networks by VNI
 */
public record CloudroamConfig(SortedMap<String, CloudSpec> clouds, SortedMap<Integer, VirtualNetworkSpec> networks,
        List<PortBindingSpec> bindings, FlowProgramming flowProgramming, Duration locationIdleTimeout,
        Mobility mobility, Routing routing) {
    /** The smallest MTU a virtual network may have (the IPv4 minimum datagram every host accepts). */
    public static final int MTU_MIN = 576;
    /** The largest MTU a virtual network may have (jumbo frames). */
    public static final int MTU_MAX = 9000;
    /** The configuration before anything is configured. */
    public static final CloudroamConfig EMPTY = new CloudroamConfig(new TreeMap<>(), new TreeMap<>(), List.of(),
        FlowProgramming.DATASTORE, Duration.ZERO, Mobility.DEFAULT, Routing.DEFAULT);

    /**
     * How the WAN between clouds is measured.
     *
     * @param probeInterval time between probe rounds; zero stops probing
     * @param probeLoss unanswered rounds in a row after which a link is unusable
     */
    public record Routing(Duration probeInterval, int probeLoss) {
        /** The defaults of the YANG model. */
        public static final Routing DEFAULT = new Routing(Duration.ofSeconds(1), 3);

        /**
         * Checks the parts.
         */
        public Routing {
            if (probeInterval.isNegative() || probeLoss < 1) {
                throw new IllegalArgumentException("probe interval " + probeInterval + ", loss " + probeLoss);
            }
        }
    }

    /**
     * What comes first for a move without evidence whose old port is still there.
     */
    public enum VerifyStrategy {
        /** Ask the old port; apply the move when it stays silent (a forged move is never applied). */
        PROBE_THEN_APPLY,
        /** Apply the move and ask the old port at once; its answer puts the VM back. */
        APPLY_THEN_PROBE
    }

    /**
     * How moves are verified and when a moving MAC is distrusted.
     *
     * @param verifyTimeout how long a VM is probed at its old port before a move is believed
     * @param guard flap detection thresholds
     * @param prepareMigrations whether a destination port plugged for a VM prepares its move
     * @param verifyStrategy what comes first for a move without evidence
     */
    public record Mobility(Duration verifyTimeout, MobilityGuard.Policy guard, boolean prepareMigrations,
            VerifyStrategy verifyStrategy) {
        /** The defaults of the YANG model. */
        public static final Mobility DEFAULT = new Mobility(Duration.ofMillis(200), MobilityGuard.Policy.DEFAULT);

        /**
         * With migrations prepared and moves without evidence probed first, the defaults.
         *
         * @param verifyTimeout see above
         * @param guard see above
         */
        public Mobility(final Duration verifyTimeout, final MobilityGuard.Policy guard) {
            this(verifyTimeout, guard, true, VerifyStrategy.PROBE_THEN_APPLY);
        }

        /**
         * Checks the parts.
         */
        public Mobility {
            requireNonNull(guard, "guard");
            requireNonNull(verifyStrategy, "verifyStrategy");
            if (verifyTimeout.isNegative()) {
                throw new IllegalArgumentException("negative verify timeout");
            }
        }
    }

    /**
     * How flows reach the switches.
     */
    public enum FlowProgramming {
        /** Through the configuration datastore and the forwarding rules manager. */
        DATASTORE,
        /** Through flow RPCs, each batch closed by a barrier. */
        RPC,
        /** Through flow RPCs and a barrier, and recorded in the configuration datastore as well. */
        DIRECT;

        /**
         * Whether the configuration datastore holds the flows.
         *
         * @return true for {@link #DATASTORE} and {@link #DIRECT}
         */
        public boolean recorded() {
            return this != RPC;
        }
    }

    /**
     * Freezes the components.
     */
    public CloudroamConfig {
        clouds = Collections.unmodifiableSortedMap(new TreeMap<>(clouds));
        networks = Collections.unmodifiableSortedMap(new TreeMap<>(networks));
        bindings = List.copyOf(bindings);
        requireNonNull(flowProgramming, "flowProgramming");
        requireNonNull(mobility, "mobility");
        requireNonNull(routing, "routing");
        if (locationIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("negative idle timeout " + locationIdleTimeout);
        }
    }

    /**
     * The same configuration with another flow programming method.
     *
     * @param method the method
     * @return a copy
     */
    public CloudroamConfig withFlowProgramming(final FlowProgramming method) {
        return new CloudroamConfig(clouds, networks, bindings, method, locationIdleTimeout, mobility, routing);
    }

    /**
     * The same configuration with another location idle timeout.
     *
     * @param timeout how long an unseen VM is kept; zero for ever
     * @return a copy
     */
    public CloudroamConfig withLocationIdleTimeout(final Duration timeout) {
        return new CloudroamConfig(clouds, networks, bindings, flowProgramming, timeout, mobility, routing);
    }

    /**
     * The same configuration with other mobility settings.
     *
     * @param settings the settings
     * @return a copy
     */
    public CloudroamConfig withMobility(final Mobility settings) {
        return new CloudroamConfig(clouds, networks, bindings, flowProgramming, locationIdleTimeout, settings,
            routing);
    }

    /**
     * The same configuration with other routing settings.
     *
     * @param settings the settings
     * @return a copy
     */
    public CloudroamConfig withRouting(final Routing settings) {
        return new CloudroamConfig(clouds, networks, bindings, flowProgramming, locationIdleTimeout, mobility,
            settings);
    }

    /**
     * Builds a snapshot from lists, as they come from the datastore.
     *
     * @param clouds configured clouds
     * @param networks configured virtual networks
     * @return the snapshot
     */
    public static CloudroamConfig of(final List<CloudSpec> clouds, final List<VirtualNetworkSpec> networks) {
        return of(clouds, networks, List.of());
    }

    /**
     * Builds a snapshot with port bindings.
     *
     * @param clouds the clouds, any order
     * @param networks the virtual networks, any order
     * @param bindings the port bindings, any order
     * @return the snapshot
     */
    public static CloudroamConfig of(final List<CloudSpec> clouds, final List<VirtualNetworkSpec> networks,
            final List<PortBindingSpec> bindings) {
        final var cloudMap = new TreeMap<String, CloudSpec>();
        clouds.forEach(cloud -> cloudMap.put(cloud.id(), cloud));
        final var networkMap = new TreeMap<Integer, VirtualNetworkSpec>();
        networks.forEach(network -> networkMap.put(network.vni(), network));
        return new CloudroamConfig(cloudMap, networkMap, bindings, FlowProgramming.DATASTORE, Duration.ZERO,
            Mobility.DEFAULT, Routing.DEFAULT);
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
            if (network.mtu() != 0 && (network.mtu() < MTU_MIN || network.mtu() > MTU_MAX)) {
                problems.add("virtual-network " + network.vni() + ": mtu " + network.mtu() + " is outside "
                    + MTU_MIN + ".." + MTU_MAX);
            }
        }
        for (var binding : bindings) {
            if (!clouds.containsKey(binding.cloud())) {
                problems.add("port-binding " + binding.cloud() + "/" + binding.port() + ": unknown cloud '"
                    + binding.cloud() + "'");
            }
            if (!networks.containsKey(binding.vni())) {
                problems.add("port-binding " + binding.cloud() + "/" + binding.port() + ": unknown virtual-network "
                    + binding.vni());
            }
        }
        return List.copyOf(problems);
    }

    /**
     * The port bindings indexed for lookups: build once, ask for every port.
     *
     * @return an index answering as {@link #vniOfPort}
     */
    public PortBindingIndex portBindingIndex() {
        return new PortBindingIndex(bindings);
    }

    /**
     * The virtual network of a VM-facing port, by its binding.
     *
     * @param cloud the cloud holding the port
     * @param interfaceName the OVS interface name
     * @param ifaceId its {@code external_ids:iface-id}, or {@code null}
     * @return the VNI, empty for a port without a binding
     */
    public Optional<Integer> vniOfPort(final String cloud, final String interfaceName, final String ifaceId) {
        return bindings.stream().filter(binding -> binding.cloud().equals(cloud)
            && binding.matches(interfaceName, ifaceId)).map(PortBindingSpec::vni).findFirst();
    }

    /**
     * The clouds a virtual network spans: those it lists and those holding a port bound to it.
     *
     * @param vni the virtual network
     * @return cloud ids, sorted
     */
    public SortedSet<String> cloudsOf(final int vni) {
        final var result = new TreeSet<String>();
        final var network = networks.get(vni);
        if (network != null) {
            result.addAll(network.clouds());
        }
        bindings.stream().filter(binding -> binding.vni() == vni).forEach(binding -> result.add(binding.cloud()));
        result.retainAll(clouds.keySet());
        return result;
    }

    /**
     * The remote clouds a cloud needs a tunnel to: every cloud that shares a virtual network with it.
     *
     * @param cloud the cloud
     * @return remote cloud ids, sorted
     */
    public SortedSet<String> tunnelPeersOf(final String cloud) {
        final var result = new TreeSet<String>();
        for (var vni : networks.keySet()) {
            final var spanned = cloudsOf(vni);
            if (spanned.contains(cloud)) {
                result.addAll(spanned);
            }
        }
        result.remove(cloud);
        return result;
    }
}
