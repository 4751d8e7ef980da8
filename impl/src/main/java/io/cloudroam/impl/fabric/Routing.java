/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.flow.BridgePorts;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.topology.LatencyProbes;
import io.cloudroam.impl.topology.NextHops;
import io.cloudroam.impl.topology.PathMtu;
import io.cloudroam.impl.topology.Routes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overlay routes: one-way latencies measured by probes over every tunnel, BFD's verdicts on
 * them, and the shortest paths over the cloud graph they give. Keeps the next hops in force and
 * says when they change (only then do VM flows need compiling again). Confined to the fabric's
 * thread, but for {@link #parse}.
 */
final class Routing {
    private static final Logger LOG = LoggerFactory.getLogger(Routing.class);

    private final Routes routes = new Routes();
    private final LatencyMonitor latency;
    private final StatePublisher publisher;
    /**
     * The tunnels an earlier run measured, by sending cloud, for the clouds whose OVSDB view has not
     * arrived since the restore: their routes stand on these until it does.
     */
    private final Map<String, Set<String>> restoredTunnels = new HashMap<>();
    private NextHops nextHops = NextHops.DIRECT;

    Routing(final PacketSender sender, final StatePublisher publisher, final long token, final LongSupplier nanos) {
        this.publisher = requireNonNull(publisher);
        this.latency = new LatencyMonitor(sender, routes, token, nanos);
    }

    /** The next hops in force. */
    NextHops nextHops() {
        return nextHops;
    }

    /**
     * Takes back what an earlier run measured.
     *
     * @param links measured directions
     * @param seen whether a cloud's OVSDB view has arrived already
     */
    void restore(final List<RestoredLink> links, final java.util.function.Predicate<String> seen) {
        for (var link : links) {
            routes.restore(link.from(), link.to(), link.latencyMicros(), link.metricMicros());
            if (!seen.test(link.from())) {
                restoredTunnels.computeIfAbsent(link.from(), c -> new HashSet<>()).add(link.to());
            }
        }
    }

    /** A cloud left the configuration. */
    void forget(final String cloud) {
        latency.forget(cloud);
        restoredTunnels.remove(cloud);
    }

    /**
     * Probing was switched off: routes go back to the direct tunnels.
     *
     * @return whether there were routes to drop
     */
    boolean stopped() {
        if (routes.clear()) {
            publisher.routing(List.of(), Map.of());
            return true;
        }
        return false;
    }

    /**
     * A cloud's view arrived: from now on it decides its tunnels. A tunnel whose BFD session went
     * from up to down (Open vSwitch saw three intervals without a packet from the other end) is
     * unusable both ways at once: routes avoid it without waiting for probe-loss rounds of silent
     * probes. When BFD comes back up (a restarted switch, a short outage) the link gets its last
     * latency back at once; otherwise its next probe sample makes it usable again. A tunnel that was
     * never up (BFD starts down) is left to the probes.
     *
     * @param cloud the cloud
     * @param before its previous view
     * @param after its new view
     * @param probing whether probes run (without them every cloud uses its direct tunnels)
     */
    void viewArrived(final String cloud, final SwitchView before, final SwitchView after, final boolean probing) {
        restoredTunnels.remove(cloud);
        if (!probing) {
            return;
        }
        final var was = new HashMap<String, String>();
        Overlay.tunnelStates(cloud, before).forEach(tunnel -> was.put(tunnel.remoteCloud(), tunnel.state()));
        Overlay.tunnelStates(cloud, after).forEach(tunnel -> {
            final var remote = tunnel.remoteCloud();
            final var previous = was.get(remote);
            if ("up".equals(previous) && "down".equals(tunnel.state())) {
                final boolean there = routes.lost(cloud, remote);
                final boolean back = routes.lost(remote, cloud);
                LOG.warn("Tunnel {} <-> {}: BFD down; routes avoid it{}", cloud, remote,
                    there || back ? "" : " (already avoided)");
            } else if ("down".equals(previous) && "up".equals(tunnel.state())) {
                // a switch restart takes a few seconds: the link comes back as it was, no route churn
                latency.regained(cloud, remote);
                latency.regained(remote, cloud);
                final boolean there = routes.regained(cloud, remote);
                final boolean back = routes.regained(remote, cloud);
                if (there || back) {
                    LOG.info("Tunnel {} <-> {}: BFD up again; routes use it with its last latency", cloud, remote);
                }
            }
        });
    }

    /**
     * Parses a latency probe that came back; from any thread.
     *
     * @param frame the frame
     * @return the probe, when it is one of this fabric's
     */
    Optional<LatencyProbes.Probe> parse(final byte[] frame) {
        return latency.parse(frame);
    }

    /**
     * A probe came back.
     *
     * @param probe the probe
     * @param cloud where
     * @param arrivalNanos when
     * @return whether a latency changed
     */
    boolean probeAnswered(final LatencyProbes.Probe probe, final String cloud, final long arrivalNanos) {
        return latency.received(probe, cloud, arrivalNanos);
    }

    /**
     * Publishes what the last round measured, then sends the next one.
     *
     * @param config the configuration in force
     * @param views the clouds' views
     * @param ports each switch's ports
     */
    void probeRound(final CloudroamConfig config, final Map<String, SwitchView> views,
            final Map<Long, BridgePorts> ports) {
        final var links = links(config, ports);
        publisher.routing(routes.links(links), routes.paths(links));
        latency.round(config, views); // a link silent for probe-loss rounds is avoided: refresh() follows
    }

    /**
     * What path MTU discovery knows of a direction.
     *
     * @param link the direction
     * @return the estimate
     */
    PathMtu.Estimate pathMtu(final LatencyProbes.Link link) {
        return latency.pathMtu(link);
    }

    /**
     * Every direction's path MTU estimate.
     *
     * @return by direction
     */
    Map<LatencyProbes.Link, PathMtu.Estimate> pathMtus() {
        return latency.pathMtus();
    }

    /**
     * Whether a path MTU estimate changed since the last call.
     *
     * @return true once per change
     */
    boolean pathMtuChanged() {
        return latency.pathMtuChanged();
    }

    /**
     * Computes the next hops again.
     *
     * @param config the configuration in force
     * @param ports each switch's ports (their tunnels are the graph's edges)
     * @return whether they changed
     */
    boolean refresh(final CloudroamConfig config, final Map<Long, BridgePorts> ports) {
        final var now = routes.nextHops(links(config, ports));
        if (now.equals(nextHops)) {
            return false;
        }
        if (!nextHops.destinations().isEmpty()) {
            LOG.info("Routes changed: {}", now.changesSince(nextHops));
        }
        nextHops = now;
        return true;
    }

    /**
     * The tunnels routes can use, by sending cloud. A cloud whose OVSDB view has not arrived since
     * the state was restored (after a restart or a take-over the sessions connect one by one) keeps
     * the tunnels the earlier run measured: without them, a switch seen first would be routed around
     * the clouds not seen yet, its flows rewritten and rewritten back a moment later.
     */
    private Map<String, Set<String>> links(final CloudroamConfig config, final Map<Long, BridgePorts> ports) {
        final var result = new HashMap<String, Set<String>>();
        for (var cloud : config.clouds().values()) {
            final var stillRestored = restoredTunnels.get(cloud.id());
            if (stillRestored != null && cloud.ovsdbAddress().isPresent()) {
                result.put(cloud.id(), stillRestored.stream().filter(config.clouds()::containsKey)
                    .collect(Collectors.toUnmodifiableSet()));
                continue;
            }
            final var remotes = new HashSet<String>();
            cloud.switches().forEach(dpid -> Optional.ofNullable(ports.get(dpid))
                .ifPresent(bridge -> remotes.addAll(bridge.tunnels().keySet())));
            result.put(cloud.id(), remotes);
        }
        return result;
    }
}
