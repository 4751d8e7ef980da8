/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.topology;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.config.CloudroamConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MTU each virtual network's VMs should use and whether the tunnels its traffic crosses carry
 * it. A network's traffic crosses, for every ordered pair of its clouds, the tunnels of the route
 * between them (the direct tunnel, or the tunnels through a transit cloud the routes chose). Only
 * measured tunnels count ({@link PathMtu.State#MEASURED}): a search in progress only knows a lower
 * bound.
 */
public final class NetworkMtus {
    /** A 1500-byte underlay minus VXLAN over IPv4: the MTU before anything is measured. */
    public static final int DEFAULT = 1500 - Encapsulation.VXLAN_IPV4.overhead();
    /** The configurable range (and the range a derived MTU is kept in). */
    public static final int MIN = CloudroamConfig.MTU_MIN;
    /** The configurable range's top. */
    public static final int MAX = CloudroamConfig.MTU_MAX;

    /** Where a network's MTU comes from. */
    public enum Source {
        /** virtual-network/mtu. */
        CONFIGURED,
        /** The smallest measured overlay MTU of its tunnels. */
        DERIVED,
        /** {@link #DEFAULT}: none of its tunnels is measured. */
        DEFAULT
    }

    /**
     * A tunnel direction narrower than a network's MTU.
     *
     * @param from sending cloud
     * @param to receiving cloud
     * @param overlayMtu what it carries
     */
    public record Narrow(String from, String to, int overlayMtu) {
    }

    /**
     * One network's MTU state.
     *
     * @param vni the network
     * @param mtu the MTU its VMs should use
     * @param source where it comes from
     * @param narrow the tunnels it crosses that carry less, sorted
     */
    public record Network(int vni, int mtu, Source source, List<Narrow> narrow) {
        /**
         * Freezes the list.
         */
        public Network {
            requireNonNull(source);
            narrow = List.copyOf(narrow);
        }

        /**
         * Whether every measured tunnel it crosses carries its MTU.
         *
         * @return true when none is narrower
         */
        public boolean fits() {
            return narrow.isEmpty();
        }
    }

    /**
     * A tunnel became narrower than a network's MTU, or no longer is.
     *
     * @param vni the network
     * @param mtu its MTU
     * @param narrow the tunnel, with what it carries now (0 when no longer measured)
     * @param resolved true when it carries the MTU again
     */
    public record Problem(int vni, int mtu, Narrow narrow, boolean resolved) {
    }

    private NetworkMtus() {
    }

    /**
     * The largest VM IP packet a direction carries.
     *
     * @param config the configuration (for the encapsulation)
     * @param link the direction
     * @param estimate what discovery knows
     * @return the overlay MTU, 0 unless measured
     */
    public static int overlayMtu(final CloudroamConfig config, final LatencyProbes.Link link,
            final PathMtu.Estimate estimate) {
        return estimate.state() == PathMtu.State.MEASURED
            ? Math.max(0, estimate.pathMtu() - Encapsulation.of(config, link.from()).overhead()) : 0;
    }

    /**
     * Every configured network's MTU state.
     *
     * @param config the configuration
     * @param estimates path MTU estimates by direction
     * @param routes the routes in force
     * @return by VNI
     */
    public static List<Network> compute(final CloudroamConfig config,
            final Map<LatencyProbes.Link, PathMtu.Estimate> estimates, final NextHops routes) {
        final var result = new ArrayList<Network>();
        for (var network : config.networks().values()) {
            final var carried = new HashMap<LatencyProbes.Link, Integer>();
            for (var link : crossed(config, network.vni(), routes)) {
                final int mtu = overlayMtu(config, link, estimates.getOrDefault(link, PathMtu.Estimate.UNKNOWN));
                if (mtu > 0) {
                    carried.put(link, mtu);
                }
            }
            final int mtu;
            final Source source;
            if (network.mtu() > 0) {
                mtu = network.mtu();
                source = Source.CONFIGURED;
            } else if (!carried.isEmpty()) {
                mtu = Math.min(MAX, Math.max(MIN, carried.values().stream().min(Integer::compare).orElseThrow()));
                source = Source.DERIVED;
            } else {
                mtu = DEFAULT;
                source = Source.DEFAULT;
            }
            final var narrow = carried.entrySet().stream().filter(entry -> entry.getValue() < mtu)
                .map(entry -> new Narrow(entry.getKey().from(), entry.getKey().to(), entry.getValue()))
                .sorted(Comparator.comparing(Narrow::from).thenComparing(Narrow::to)).toList();
            result.add(new Network(network.vni(), mtu, source, narrow));
        }
        return result;
    }

    /**
     * The tunnel directions a network's traffic crosses: for each ordered pair of its clouds, the
     * route's tunnels (a route that loops or runs past every cloud counts its direct tunnel).
     *
     * @param config the configuration
     * @param vni the network
     * @param routes the routes in force
     * @return the directions
     */
    static Set<LatencyProbes.Link> crossed(final CloudroamConfig config, final int vni, final NextHops routes) {
        final var clouds = config.cloudsOf(vni);
        final var result = new LinkedHashSet<LatencyProbes.Link>();
        for (var from : clouds) {
            for (var to : clouds) {
                if (from.equals(to)) {
                    continue;
                }
                final var path = new ArrayList<LatencyProbes.Link>();
                var at = from;
                while (!at.equals(to) && path.size() <= config.clouds().size()) {
                    final var next = routes.via(to, at).orElse(to);
                    path.add(new LatencyProbes.Link(at, next));
                    at = next;
                }
                if (at.equals(to)) {
                    result.addAll(path);
                } else {
                    result.add(new LatencyProbes.Link(from, to));
                }
            }
        }
        return result;
    }

    /**
     * What changed between two states: tunnels that became narrower than their network's MTU, and
     * those that no longer are (the network's MTU changed, the path widened, the route left it).
     *
     * @param before the earlier state
     * @param after the new state
     * @return the problems, new ones and resolved ones
     */
    public static List<Problem> problems(final List<Network> before, final List<Network> after) {
        final var was = new HashMap<Integer, Network>();
        before.forEach(network -> was.put(network.vni(), network));
        final var result = new ArrayList<Problem>();
        final var seen = new LinkedHashSet<Integer>();
        for (var network : after) {
            seen.add(network.vni());
            final var previous = was.get(network.vni());
            final var old = previous == null ? List.<Narrow>of() : previous.narrow();
            for (var narrow : network.narrow()) {
                if (previous == null || previous.mtu() != network.mtu() || !sameTunnelIn(narrow, old)) {
                    result.add(new Problem(network.vni(), network.mtu(), narrow, false));
                }
            }
            for (var narrow : old) {
                if (!sameTunnelIn(narrow, network.narrow())) {
                    result.add(new Problem(network.vni(), network.mtu(), narrow, true));
                }
            }
        }
        for (var previous : before) {
            if (!seen.contains(previous.vni())) {
                previous.narrow().forEach(narrow -> result.add(new Problem(previous.vni(), previous.mtu(), narrow,
                    true)));
            }
        }
        return result;
    }

    /** Whether a list has the same tunnel direction, whatever it carries now. */
    private static boolean sameTunnelIn(final Narrow narrow, final List<Narrow> list) {
        return list.stream().anyMatch(other -> other.from().equals(narrow.from()) && other.to().equals(narrow.to()));
    }

    /**
     * The MTUs a configuration sets that a measured tunnel between the network's clouds does not
     * carry: refused at commit, but only for a network whose MTU the commit sets or changes (a path
     * that narrowed after an MTU was accepted does not block unrelated changes).
     *
     * @param before the configuration in force
     * @param after the one being committed
     * @param estimates path MTU estimates by direction
     * @param routes the routes in force
     * @return the problems, one sentence each
     */
    public static List<String> refusals(final CloudroamConfig before, final CloudroamConfig after,
            final Map<LatencyProbes.Link, PathMtu.Estimate> estimates, final NextHops routes) {
        final var result = new ArrayList<String>();
        for (var network : after.networks().values()) {
            final var old = before.networks().get(network.vni());
            if (network.mtu() == 0 || old != null && old.mtu() == network.mtu()) {
                continue;
            }
            for (var link : crossed(after, network.vni(), routes)) {
                final var estimate = estimates.getOrDefault(link, PathMtu.Estimate.UNKNOWN);
                final int carried = overlayMtu(after, link, estimate);
                if (carried > 0 && carried < network.mtu()) {
                    result.add("virtual-network " + network.vni() + ": mtu " + network.mtu()
                        + " is larger than tunnel " + link.from() + " -> " + link.to() + " carries (" + carried
                        + ": path MTU " + estimate.pathMtu() + " measured, minus "
                        + Encapsulation.of(after, link.from()).overhead() + " of VXLAN)");
                    break;
                }
            }
        }
        return result;
    }
}
