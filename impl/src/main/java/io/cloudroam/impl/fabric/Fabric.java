/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.config.CloudSpec;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.flow.FlowEngine;
import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.Announcement;
import io.cloudroam.impl.migration.ConflictRecord;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.ovsdb.OvsdbLink;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.topology.NetworkMtus;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The overlay fabric: keeps one OVSDB session per cloud, creates and removes tunnel ports,
 * learns VM locations from packet-ins, answers ARP for known addresses, follows migrations, and
 * keeps every switch's flows equal to the desired state, sending only the difference. The state
 * has one thread ({@link FabricLoop}); packet-ins are decoded on the caller's thread
 * ({@link PacketInPath}). This class is the way in: every method hands over to those.
 */
public final class Fabric implements AutoCloseable {
    /**
     * Opens an OVSDB session to a cloud; the session reports every new view to the consumer.
     */
    @FunctionalInterface
    public interface SessionFactory extends BiFunction<CloudSpec, Consumer<SwitchView>, OvsdbLink> {
    }

    /** How long a question to the fabric's thread waits for its answer. */
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /** Source of the secret each fabric puts in its latency probes. */
    private static final SecureRandom TOKENS = new SecureRandom();

    private final LocationTable table;
    private final Counters counters = new Counters();
    // package-private: the tests' hooks (FabricHooks) reach the thread and the state through them
    final FabricLoop loop;
    final FabricCore core;
    private final PacketInPath packetIns;

    /**
     * Creates a fabric with a thread of its own; nothing happens until the first configuration arrives.
     *
     * @param programmers send flow changes, one per method
     * @param sender sends packet-outs
     * @param publisher reports locations and tunnels
     * @param sessions opens OVSDB sessions
     * @param table the location table (shared with the northbound, which only reads it)
     * @param clock time source for sightings
     */
    public Fabric(final Function<CloudroamConfig.FlowProgramming, FlowProgrammer> programmers,
            final PacketSender sender, final StatePublisher publisher, final SessionFactory sessions,
            final LocationTable table, final Clock clock) {
        this(programmers, sender, publisher, sessions, table, clock, System::nanoTime, new FabricExecutor(), true,
            new FlowEngine());
    }

    /**
     * Creates a fabric whose thread and time come from outside (a test controls both); the other
     * parameters as for {@link #Fabric(Function, PacketSender, StatePublisher, SessionFactory,
     * LocationTable, Clock)}.
     *
     * @param nanos times latency probes and packet-in budgets
     * @param executor runs the fabric's thread: one task at a time; shut down by its owner
     * @param engine the flow engine
     */
    public Fabric(final Function<CloudroamConfig.FlowProgramming, FlowProgrammer> programmers,
            final PacketSender sender, final StatePublisher publisher, final SessionFactory sessions,
            final LocationTable table, final Clock clock, final LongSupplier nanos,
            final ScheduledExecutorService executor, final FlowEngine engine) {
        this(programmers, sender, publisher, sessions, table, clock, nanos, executor, false, engine);
    }

    private Fabric(final Function<CloudroamConfig.FlowProgramming, FlowProgrammer> programmers,
            final PacketSender sender, final StatePublisher publisher, final SessionFactory sessions,
            final LocationTable table, final Clock clock, final LongSupplier nanos,
            final ScheduledExecutorService executor, final boolean ownExecutor, final FlowEngine engine) {
        this.table = requireNonNull(table);
        loop = new FabricLoop(executor, ownExecutor);
        final var parts = new FabricCore.Parts(requireNonNull(programmers), requireNonNull(engine),
            requireNonNull(sender), requireNonNull(publisher), requireNonNull(sessions), table, counters,
            requireNonNull(clock), requireNonNull(nanos), TOKENS.nextLong());
        core = new FabricCore(loop, parts);
        loop.handleWith(core::handle, core::batchDone);
        packetIns = new PacketInPath(core.overlay()::lookup, core.routing(), table, sender, counters, clock, nanos,
            loop::post);
    }

    /**
     * Takes back what an earlier run left (see {@link Restored}), before the first configuration.
     *
     * @param restored the state
     */
    public void restore(final Restored restored) {
        loop.ask("restore", () -> {
            core.restore(restored);
            return Boolean.TRUE;
        }, PATIENCE);
    }

    /**
     * A new configuration is in force.
     *
     * @param applied the configuration
     */
    public void configure(final CloudroamConfig applied) {
        loop.post(new FabricEvent.ConfigApplied(applied));
    }

    /**
     * A packet-in from a switch; handled on the caller's thread as far as it can be.
     *
     * @param datapathId the switch
     * @param port the ingress port
     * @param tableId the table that sent it
     * @param payload the frame (not changed afterwards)
     */
    public void packetIn(final long datapathId, final long port, final short tableId, final byte[] payload) {
        packetIns.packetIn(datapathId, port, tableId, payload);
    }

    /**
     * A switch reconnected: what it holds is no longer known, so its flows are compared anew.
     *
     * @param datapathId the switch
     */
    public void switchReconnected(final long datapathId) {
        loop.post(new FabricEvent.SwitchReconnected(datapathId));
    }

    /**
     * The configuration in force.
     *
     * @return the configuration
     * @throws FabricUnavailableException when the fabric does not answer
     */
    public CloudroamConfig config() {
        return loop.ask("the configuration in force", () -> core.overlay().config(), PATIENCE);
    }

    /**
     * Every tunnel port cloudroam created, as each cloud's OVSDB reports it.
     *
     * @return the tunnels, by cloud then remote cloud
     * @throws FabricUnavailableException when the fabric does not answer
     */
    public List<TunnelState> tunnels() {
        return loop.ask("the tunnels", () -> core.overlay().tunnels(), PATIENCE);
    }

    /**
     * Each virtual network's MTU and the tunnels too narrow for it.
     *
     * @return by VNI
     * @throws FabricUnavailableException when the fabric does not answer
     */
    public List<NetworkMtus.Network> networkMtus() {
        return loop.ask("the networks' MTUs", core::networkMtus, PATIENCE);
    }

    /**
     * A network whose MTU a change sets larger than a measured tunnel of it carries (read without
     * waiting for the fabric's thread: a commit check must not block).
     *
     * @param before the configuration in force
     * @param after the one being committed
     * @return the problems, one sentence each
     */
    public List<String> mtuRefusals(final CloudroamConfig before, final CloudroamConfig after) {
        final var view = core.mtuView();
        return NetworkMtus.refusals(before, after, view.estimates(), view.routes());
    }

    /**
     * Whether cloudroam has a live OVSDB session to a cloud.
     *
     * @param cloud the cloud
     * @return true when its OVSDB view is current
     * @throws FabricUnavailableException when the fabric does not answer
     */
    public boolean ovsdbConnected(final String cloud) {
        return loop.ask("the OVSDB session of " + cloud, () -> core.overlay().ovsdbConnected(cloud), PATIENCE);
    }

    /**
     * Every known VM location.
     *
     * @return a snapshot
     */
    public List<VmLocation> locations() {
        return table.all();
    }

    /**
     * The flows each switch confirmed.
     *
     * @return a copy, per datapath id
     * @throws FabricUnavailableException when the fabric does not answer
     */
    public Map<Long, Map<FlowKey, FlowSpec>> installedFlows() {
        return loop.ask("the installed flows", core::installed, PATIENCE);
    }

    /**
     * Records that a VM is about to move; see the {@code announce-migration} RPC.
     *
     * @param mac the VM's MAC
     * @param vni its virtual network, or {@code null} when the MAC is on one only
     * @param targetCloud where it goes
     * @param targetPort its interface there, or {@code null}
     * @return the outcome; nothing changes unless accepted
     * @throws FabricUnavailableException when the fabric does not answer
     */
    public Announcement.Outcome announce(final MacAddress mac, final Integer vni, final String targetCloud,
            final String targetPort) {
        return loop.ask("the announcement", () -> core.mobility().announce(mac, vni, targetCloud, targetPort),
            PATIENCE);
    }

    /**
     * Ends the quarantine of a MAC.
     *
     * @param mac the MAC
     * @param vni its virtual network, or {@code null} for every one it is known on
     * @return on how many virtual networks it was quarantined; empty when the MAC is unknown there
     * @throws FabricUnavailableException when the fabric does not answer
     */
    public Optional<Integer> releaseQuarantine(final MacAddress mac, final Integer vni) {
        return loop.ask("the quarantine release", () -> core.mobility().releaseQuarantine(mac, vni), PATIENCE);
    }

    /**
     * What the fabric handled since it started.
     *
     * @return every count
     */
    public Map<Counters.Kind, Long> counters() {
        return counters.snapshot();
    }

    /**
     * The latest applied moves, oldest first.
     *
     * @return at most the last 1000
     * @throws FabricUnavailableException when the fabric does not answer
     */
    public List<MigrationRecord> migrations() {
        return loop.ask("the migrations", () -> core.history().migrations(), PATIENCE);
    }

    /**
     * The latest refused sightings, oldest first.
     *
     * @return at most the last 1000
     * @throws FabricUnavailableException when the fabric does not answer
     */
    public List<ConflictRecord> conflicts() {
        return loop.ask("the conflicts", () -> core.history().conflicts(), PATIENCE);
    }

    @Override
    public void close() {
        try {
            loop.ask("closing", () -> {
                core.close();
                return Boolean.TRUE;
            }, PATIENCE);
        } finally {
            loop.close();
        }
    }
}
