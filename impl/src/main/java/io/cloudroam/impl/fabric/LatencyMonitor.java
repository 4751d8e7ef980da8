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
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.topology.Encapsulation;
import io.cloudroam.impl.topology.LatencyProbes;
import io.cloudroam.impl.topology.PathMtu;
import io.cloudroam.impl.topology.Routes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the latency probe rounds over every tunnel and feeds what comes back into the routes; the
 * path MTU probes ride along with each round.
 * Confined to the fabric thread, except {@link #parse}.
 */
final class LatencyMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(LatencyMonitor.class);
    /**
     * A probe that comes back later than this was held on its way out, not slowed by the WAN: while
     * a switch connects (a controller start, a reconnect) openflowplugin delivers packet-outs only
     * once the connection is fully set up, seconds later. Such answers are no sample and no sign of
     * life; no WAN between clouds has a one-way latency near this.
     */
    static final long LATE_NANOS = 2_000_000_000L;

    /**
     * A tunnel port as a switch reports it.
     *
     * @param cloud the cloud of the switch
     * @param remote the cloud at the other end
     * @param datapathId the switch
     * @param port its OpenFlow port number
     */
    record TunnelPort(String cloud, String remote, long datapathId, long port) {
    }

    private final PacketSender sender;
    private final Routes routes;
    private final LatencyProbes probes;
    private final PathMtu pathMtu = new PathMtu();
    private final LongSupplier nanos;

    LatencyMonitor(final PacketSender sender, final Routes routes, final long token, final LongSupplier nanos) {
        this.sender = requireNonNull(sender);
        this.routes = requireNonNull(routes);
        this.probes = new LatencyProbes(token);
        this.nanos = requireNonNull(nanos);
    }

    /** Every usable tunnel port of the configured switches, one per (cloud, remote cloud). */
    static List<TunnelPort> tunnelPorts(final CloudroamConfig config, final Map<String, SwitchView> views) {
        final var result = new ArrayList<TunnelPort>();
        final var seen = new HashSet<LatencyProbes.Link>();
        for (var cloud : config.clouds().values()) {
            final var view = views.getOrDefault(cloud.id(), SwitchView.EMPTY);
            for (var dpid : cloud.switches()) {
                view.bridge(dpid).ifPresent(bridge -> bridge.interfaces().forEach(iface -> {
                    final var remote = iface.remoteCloud();
                    final var port = iface.usablePort();
                    if (remote.isPresent() && port.isPresent()
                            && seen.add(new LatencyProbes.Link(cloud.id(), remote.orElseThrow()))) {
                        result.add(new TunnelPort(cloud.id(), remote.orElseThrow(), dpid, port.orElseThrow()));
                    }
                }));
            }
        }
        return result;
    }

    /**
     * Marks the links whose probes stopped coming back, then sends one round: per tunnel, a loop
     * probe then a cross probe.
     *
     * @param config the configuration
     * @param views the switches as OVSDB reports them
     * @return whether routing metrics changed
     */
    boolean round(final CloudroamConfig config, final Map<String, SwitchView> views) {
        final var ports = tunnelPorts(config, views);
        boolean changed = false;
        for (var link : probes.silent(ports.stream().map(port -> new LatencyProbes.Link(port.cloud(), port.remote()))
                .toList(), config.routing().probeLoss())) {
            probes.restart(link);
            if (routes.lost(link.from(), link.to())) {
                LOG.warn("Tunnel {} -> {}: no probe came back for {} rounds; routes avoid it", link.from(), link.to(),
                    config.routing().probeLoss());
                changed = true;
            }
        }
        final long round = probes.nextRound();
        for (var port : ports) {
            sender.inject(port.datapathId(), port.port(),
                probes.frame(LatencyProbes.Kind.LOOP, port.cloud(), port.remote(), nanos.getAsLong()));
            sender.send(port.datapathId(), port.port(),
                probes.frame(LatencyProbes.Kind.CROSS, port.cloud(), port.remote(), nanos.getAsLong()));
            final int encapsulation = Encapsulation.of(config, port.cloud()).outer();
            for (var size : pathMtu.sizes(new LatencyProbes.Link(port.cloud(), port.remote()), round,
                    nanos.getAsLong())) {
                sender.send(port.datapathId(), port.port(),
                    probes.mtuFrame(port.cloud(), port.remote(), size, encapsulation, nanos.getAsLong()));
            }
        }
        return changed;
    }

    /**
     * Decodes a probe of this controller; safe on any thread.
     *
     * @param frame a packet-in's frame
     * @return the probe, empty for anything else
     */
    Optional<LatencyProbes.Probe> parse(final byte[] frame) {
        return probes.parse(frame);
    }

    /**
     * A probe came back.
     *
     * @param probe the probe
     * @param cloud the cloud of the switch it came back from
     * @param arrivalNanos when
     * @return whether routing metrics changed
     */
    boolean received(final LatencyProbes.Probe probe, final String cloud, final long arrivalNanos) {
        if (!(probe.kind() == LatencyProbes.Kind.LOOP ? probe.from() : probe.to()).equals(cloud)) {
            LOG.debug("probe {} came back at {}: ignored", probe, cloud);
            return false;
        }
        final var link = new LatencyProbes.Link(probe.from(), probe.to());
        if (probe.kind() == LatencyProbes.Kind.MTU) {
            pathMtu.arrived(link, probe.size());
            return false;
        }
        if (probe.kind() == LatencyProbes.Kind.CROSS) {
            pathMtu.alive(link, probe.round());
        }
        LOG.debug("probe {} {} -> {} round {}: {} us", probe.kind(), probe.from(), probe.to(), probe.round(),
            (arrivalNanos - probe.sentNanos()) / 1000);
        if (arrivalNanos - probe.sentNanos() > LATE_NANOS) {
            return false;
        }
        final var sample = probes.received(probe, arrivalNanos);
        if (sample.isEmpty()) {
            return false;
        }
        final boolean changed = routes.sample(probe.from(), probe.to(), sample.orElseThrow());
        if (changed) {
            LOG.info("Tunnel {} -> {}: one-way latency now {} us", probe.from(), probe.to(),
                routes.latency(probe.from(), probe.to()).orElse(-1L));
        }
        return changed;
    }

    /**
     * A link is known to work again (its BFD session came back up): its probes start counting afresh.
     *
     * @param from sending cloud
     * @param to receiving cloud
     */
    void regained(final String from, final String to) {
        // the probes lost during the outage must not count against the link once BFD says it is back
        probes.regained(new LatencyProbes.Link(from, to));
    }

    /**
     * What path MTU discovery knows of a direction.
     *
     * @param link the direction
     * @return the estimate
     */
    PathMtu.Estimate pathMtu(final LatencyProbes.Link link) {
        return pathMtu.estimate(link);
    }

    /**
     * Every direction's path MTU estimate.
     *
     * @return by direction
     */
    Map<LatencyProbes.Link, PathMtu.Estimate> pathMtus() {
        return pathMtu.estimates();
    }

    /**
     * Whether a path MTU estimate changed since the last call.
     *
     * @return true once per change
     */
    boolean pathMtuChanged() {
        return pathMtu.takeChanged();
    }

    /**
     * Forgets a cloud's probe state.
     *
     * @param cloud the cloud
     */
    void forget(final String cloud) {
        probes.forget(cloud);
        pathMtu.forget(cloud);
        routes.forget(cloud);
    }
}
