/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.flow.FlowEngine;
import io.cloudroam.impl.flow.FlowInputs;
import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.migration.AddressClaims;
import io.cloudroam.impl.migration.MigrationHistory;
import io.cloudroam.impl.migration.Timers;
import io.cloudroam.impl.topology.LatencyProbes;
import io.cloudroam.impl.topology.NetworkMtus;
import io.cloudroam.impl.topology.NextHops;
import io.cloudroam.impl.topology.PathMtu;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric's state and what each input does to it: the parts (overlay, routing, mobility, flow
 * synchronisation) and the few lines that tie them together per input. Everything here runs on
 * the fabric's thread ({@link FabricLoop}).
 */
final class FabricCore implements Timers {
    private static final Logger LOG = LoggerFactory.getLogger(FabricCore.class);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final FabricLoop loop;
    private final LocationTable table;
    private final Overlay overlay;
    private final Routing routing;
    private final FlowSync flows;
    private final Mobility mobility;
    private final MigrationHistory history;
    private final StatePublisher publisher;
    private Deadline probing;
    private Duration probeInterval = Duration.ZERO;
    private List<NetworkMtus.Network> networkMtus = List.of();
    /** What the commit check of a virtual network's MTU reads, from any thread. */
    private volatile MtuView mtuView = new MtuView(Map.of(), NextHops.DIRECT);

    /**
     * The measured paths and the routes over them, as of the last change.
     *
     * @param estimates path MTU estimates by direction
     * @param routes the routes in force
     */
    record MtuView(Map<LatencyProbes.Link, PathMtu.Estimate> estimates, NextHops routes) {
    }

    /**
     * The parts, wired.
     *
     * @param loop the fabric's thread
     * @param parts what comes from outside
     */
    FabricCore(final FabricLoop loop, final Parts parts) {
        this.loop = loop;
        this.table = parts.table();
        routing = new Routing(parts.sender(), parts.publisher(), parts.token(), parts.nanos());
        overlay = new Overlay(parts.sessions(), parts.publisher(), loop::post, parts.clock(), routing::pathMtu);
        publisher = parts.publisher();
        history = new MigrationHistory(parts.publisher());
        final var holder = new Mobility[1];
        flows = new FlowSync(parts.programmers(), parts.engine(), () -> inputs(holder[0]), loop::post, history,
            parts.counters(), parts.clock());
        mobility = new Mobility(table, parts.clock(), parts.sender(), parts.publisher(), parts.counters(), overlay,
            flows, history, this, loop::post);
        holder[0] = mobility;
        loop.every(TICK, TICK, FabricEvent.Tick::new);
    }

    private FlowInputs inputs(final Mobility from) {
        return new FlowInputs(overlay.config(), overlay.bindings(), overlay.ports(), table, from.homes(),
            routing.nextHops(), from.preparedClouds());
    }

    Overlay overlay() {
        return overlay;
    }

    Routing routing() {
        return routing;
    }

    Mobility mobility() {
        return mobility;
    }

    MigrationHistory history() {
        return history;
    }

    /**
     * Takes one input in.
     *
     * @param event the input
     */
    void handle(final FabricEvent event) {
        switch (event) {
            case FabricEvent.ConfigApplied applied -> configure(applied.config());
            case FabricEvent.ViewArrived arrived -> view(arrived);
            case FabricEvent.TunnelTransactionDone done -> overlay.tunnelTransactionDone(done.cloud(), done.failure());
            case FabricEvent.Sighted sighted -> mobility.sighted(sighted);
            case FabricEvent.AddressClaimed claimed -> mobility.claimed(claimed.claim());
            case FabricEvent.ProbeAnswered answered -> {
                if (routing.probeAnswered(answered.probe(), answered.cloud(), answered.arrivalNanos())) {
                    reroute();
                }
                pathMtusChanged();
            }
            case FabricEvent.MoveDeadline deadline -> mobility.moveDeadline(deadline.vm());
            case FabricEvent.ClaimDeadline deadline -> mobility.claimDeadline(deadline.claimed());
            case FabricEvent.Tick tick -> mobility.tick();
            case FabricEvent.ProbeRound round -> probeRound();
            case FabricEvent.SyncPending pending -> {
                // nothing to do here: batchDone() synchronises what is still dirty
            }
            case FabricEvent.FlowsDone done -> flows.flowsDone(done.delta(), done.failure());
            case FabricEvent.PhaseDone done -> flows.phaseDone(done.migration(), done.phase(), done.failure());
            case FabricEvent.SwitchReconnected reconnected -> flows.forget(reconnected.datapathId());
            case FabricEvent.Request<?> request -> throw new IllegalStateException("requests are the loop's");
            case FabricEvent.Due due -> throw new IllegalStateException("delayed inputs are the loop's");
        }
    }

    /** After each batch of inputs: one flow synchronisation of what they touched. */
    void batchDone() {
        flows.synchronise();
    }

    private void configure(final CloudroamConfig applied) {
        flows.method(applied.flowProgramming());
        for (var retired : overlay.configure(applied)) {
            routing.forget(retired);
        }
        scheduleProbes(applied.routing().probeInterval());
        flows.retain(overlay.configuredSwitches());
        routing.refresh(overlay.config(), overlay.ports());
        flows.dirty().all();
        overlay.publishTunnels(); // the encapsulation, and so each tunnel's overlay MTU, follows the endpoints
        refreshMtus();
    }

    private void view(final FabricEvent.ViewArrived arrived) {
        overlay.view(arrived.cloud(), arrived.view()).ifPresent(change -> {
            routing.viewArrived(arrived.cloud(), change.before(), arrived.view(), !probeInterval.isZero());
            mobility.applyAnnouncedMoves();
            reroute();
            if (change.vmPorts() == null) {
                flows.dirty().all();
            } else {
                change.vmPorts().forEach((dpid, ports) -> {
                    flows.dirty().sharedOf(dpid);
                    mobility.portsChanged(dpid, ports);
                });
            }
        });
    }

    /** The next hops again: when they change, every VM's flows may, and the tunnels each network crosses. */
    private void reroute() {
        if (routing.refresh(overlay.config(), overlay.ports())) {
            flows.dirty().all();
            refreshMtus();
        }
    }

    /** When path MTU discovery learned something: the tunnels and the networks' MTUs again. */
    private void pathMtusChanged() {
        if (routing.pathMtuChanged()) {
            overlay.publishTunnels();
            refreshMtus();
        }
    }

    /** Each network's MTU and the tunnels too narrow for it; publishes what changed. */
    private void refreshMtus() {
        final var estimates = routing.pathMtus();
        final var routes = routing.nextHops();
        mtuView = new MtuView(Map.copyOf(estimates), routes);
        final var now = NetworkMtus.compute(overlay.config(), estimates, routes);
        if (now.equals(networkMtus)) {
            return;
        }
        final var problems = NetworkMtus.problems(networkMtus, now);
        for (var before : networkMtus) {
            now.stream().filter(after -> after.vni() == before.vni() && after.mtu() != before.mtu()).findFirst()
                .ifPresent(after -> LOG.warn("Virtual network {}: MTU {} ({}), was {}: its VMs need the new MTU",
                    after.vni(), after.mtu(), after.source(), before.mtu()));
        }
        for (var problem : problems) {
            if (problem.resolved()) {
                LOG.info("Virtual network {}: tunnel {} -> {} carries its MTU {} again", problem.vni(),
                    problem.narrow().from(), problem.narrow().to(), problem.mtu());
            } else {
                LOG.warn("Virtual network {}: tunnel {} -> {} carries {} bytes, less than its MTU {}: full-size "
                    + "packets on it are lost", problem.vni(), problem.narrow().from(), problem.narrow().to(),
                    problem.narrow().overlayMtu(), problem.mtu());
            }
        }
        networkMtus = now;
        publisher.networkMtus(now, problems);
    }

    /** Each network's MTU state, as last published. */
    List<NetworkMtus.Network> networkMtus() {
        return networkMtus;
    }

    /** The measured paths and routes the commit check of an MTU reads; from any thread. */
    MtuView mtuView() {
        return mtuView;
    }

    private void scheduleProbes(final Duration interval) {
        if (interval.equals(probeInterval)) {
            return;
        }
        probeInterval = interval;
        if (probing != null) {
            probing.cancel();
            probing = null;
        }
        if (!interval.isZero()) {
            probing = loop.every(Duration.ZERO, interval, FabricEvent.ProbeRound::new);
        } else if (routing.stopped()) {
            reroute(); // back to direct tunnels everywhere
        }
    }

    /** Publishes what the last round measured, sends the next one. */
    void probeRound() {
        routing.probeRound(overlay.config(), overlay.views(), overlay.ports());
        reroute();
        pathMtusChanged();
    }

    /**
     * What an earlier run left: locations, measured WAN, the numbering of the history.
     *
     * @param restored the state
     */
    void restore(final Restored restored) {
        mobility.restore(restored.locations());
        routing.restore(restored.links(), overlay.views()::containsKey);
        history.continueAfter(restored.lastMigration(), restored.lastConflict());
        LOG.info("Restored {} VM locations and {} measured tunnel directions; migrations continue after {}",
            restored.locations().size(), restored.links().size(), history.lastMigrationId());
        reroute();
        flows.dirty().all();
    }

    /** The desired flows of every switch, compiled whole. */
    SortedMap<Long, Map<FlowKey, FlowSpec>> desired() {
        return io.cloudroam.impl.flow.FlowCompiler.compile(inputs(mobility), new io.cloudroam.impl.flow.Scope().all());
    }

    /** What each switch confirmed. */
    SortedMap<Long, Map<FlowKey, FlowSpec>> installed() {
        return flows.installed();
    }

    /** Whether nothing waits on the fabric's thread or a switch. */
    boolean idle() {
        return flows.idle();
    }

    /** Closes the OVSDB sessions. */
    void close() {
        overlay.close();
    }

    @Override
    public Deadline moveDeadline(final VmKey vm, final Duration after) {
        return loop.after(after, new FabricEvent.MoveDeadline(vm));
    }

    @Override
    public Deadline claimDeadline(final AddressClaims.Claimed claim, final Duration after) {
        return loop.after(after, new FabricEvent.ClaimDeadline(claim));
    }

    /**
     * What the parts are made from.
     *
     * @param programmers send flow changes, one per method
     * @param engine the flow engine
     * @param sender sends packet-outs
     * @param publisher reports locations, tunnels, migrations
     * @param sessions opens OVSDB sessions
     * @param table the location table
     * @param counters what the fabric counts
     * @param clock time source for sightings and records
     * @param nanos times latency probes and packet-in budgets
     * @param token the latency probes' secret
     */
    record Parts(Function<CloudroamConfig.FlowProgramming, FlowProgrammer> programmers, FlowEngine engine,
            PacketSender sender, StatePublisher publisher, Fabric.SessionFactory sessions, LocationTable table,
            Counters counters, Clock clock, LongSupplier nanos, long token) {
    }
}
