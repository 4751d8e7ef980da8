/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static io.cloudroam.impl.Fixtures.arpRequest;
import static io.cloudroam.impl.Fixtures.rarp;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.cloudroam.impl.Fixtures;
import io.cloudroam.impl.config.CloudSpec;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.PortBindingSpec;
import io.cloudroam.impl.config.VirtualNetworkSpec;
import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.flow.Pipeline;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.ConflictRecord;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.ovsdb.OvsdbLink;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.packet.FrameDecoder;
import io.cloudroam.impl.topology.NextHops;
import io.cloudroam.impl.topology.Routes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process benchmarks of the state layers, through the same entry points the OpenFlow and OVSDB
 * adapters call: {@link Fabric#packetIn}, OVSDB views, and a flow programmer that confirms at once
 * (so the figures are cloudroam's own cost, not the datastore's or a switch's). Each writes JSON and
 * a Markdown table to {@code benchmarks/results/}. Not part of the test run (the class name matches
 * none of surefire's patterns): {@code ./cloudroam bench scale|storm|stretch}.
 */
class FabricBenchmarks {
    private static final Logger LOG = LoggerFactory.getLogger(FabricBenchmarks.class);
    private static final int CLOUDS = 8;
    private static final int VNI = 100;
    private static final long MOVER_PORT_BASE = 50_000;
    private static final Duration PATIENCE = Duration.ofMinutes(10);
    private static final Path OUT = Path.of(System.getProperty("cloudroam.bench.out", "../benchmarks/results"));

    /** A fabric over eight clouds whose switches, OVSDB and publisher are recorders. */
    private static final class Harness implements AutoCloseable {
        final AtomicLong flowMods = new AtomicLong();
        final Map<String, MigrationRecord> confirmed = new ConcurrentHashMap<>();
        final Map<String, Consumer<SwitchView>> sinks = new ConcurrentHashMap<>();
        final Map<Integer, Map<String, SwitchView.Interface>> ports = new HashMap<>();
        final LocationTable table = new LocationTable();
        final Fabric fabric;

        Harness() {
            final FlowProgrammer programmer = new FlowProgrammer() {
                @Override
                public Confirmations apply(final long dpid, final Collection<FlowSpec> upserts,
                        final Collection<FlowSpec> removals) {
                    flowMods.addAndGet(upserts.size() + removals.size());
                    return Confirmations.of(CompletableFuture.completedFuture(null));
                }

                @Override
                public String confirmation() {
                    return "barrier";
                }
            };
            final StatePublisher publisher = new StatePublisher() {
                @Override
                public void locations(final Collection<VmLocation> changed) {
                    // not measured
                }

                @Override
                public void locationsRemoved(final Collection<VmLocation> removed) {
                    // not measured
                }

                @Override
                public void tunnels(final String cloud, final Collection<TunnelState> tunnels) {
                    // not measured
                }

                @Override
                public void migration(final MigrationRecord migration) {
                    if (migration.flowsConfirmed().isPresent()) {
                        confirmed.put(migration.to().mac().toString(), migration);
                    }
                }

                @Override
                public void conflict(final ConflictRecord conflict) {
                    // not measured
                }

                @Override
                public void routing(final List<Routes.LinkState> links,
                        final Map<String, Map<String, Routes.Hop>> paths) {
                    // not measured
                }
            };
            final PacketSender sender = new PacketSender() {
                @Override
                public void send(final long datapathId, final long port, final byte[] frame) {
                    // probes and ARP answers go nowhere
                }

                @Override
                public void inject(final long datapathId, final long inPort, final byte[] frame) {
                    // nothing injected
                }
            };
            fabric = new Fabric(method -> programmer, sender, publisher, (cloud, sink) -> {
                sinks.put(cloud.id(), sink);
                return new OvsdbLink() {
                    @Override
                    public CompletableFuture<JsonArray> transact(final JsonArray params) {
                        return CompletableFuture.completedFuture(new JsonArray());
                    }

                    @Override
                    public void close() {
                        // nothing to release
                    }
                };
            }, table, Clock.systemUTC());
        }

        /** Configures eight clouds, one virtual network over all, VM k bound in its home cloud, movers everywhere. */
        void configure(final int vms, final int movers) {
            final var clouds = new ArrayList<CloudSpec>();
            final var names = new ArrayList<String>();
            for (int i = 1; i <= CLOUDS; i++) {
                clouds.add(Fixtures.cloud(i));
                names.add("c" + i);
            }
            final var bindings = new ArrayList<PortBindingSpec>();
            for (int k = 0; k < vms; k++) {
                if (k < movers) {
                    for (var name : names) {
                        bindings.add(new PortBindingSpec(name, "vm" + k, VNI));
                    }
                } else {
                    bindings.add(new PortBindingSpec("c" + home(k), "vm" + k, VNI));
                }
            }
            fabric.configure(CloudroamConfig.of(clouds, List.of(new VirtualNetworkSpec(VNI, "bench", names)),
                bindings));
            await("configuration applied", () -> sinks.size() == CLOUDS);
            for (int i = 1; i <= CLOUDS; i++) {
                final var interfaces = new TreeMap<String, SwitchView.Interface>();
                for (int j = 1; j <= CLOUDS; j++) {
                    if (j != i) {
                        final var tunnel = Fixtures.tunnel(i, j, 10_000 + j);
                        interfaces.put(tunnel.name(), tunnel);
                    }
                }
                for (var end : Fixtures.probeLoop(i, 20_000, 20_001)) {
                    interfaces.put(end.name(), end);
                }
                ports.put(i, interfaces);
            }
            for (int k = 0; k < vms; k++) {
                plug(k, home(k), homePort(k));
            }
            for (int i = 1; i <= CLOUDS; i++) {
                publish(i);
            }
            // packet-ins find their port's network in what the fabric thread derived from the views
            settled();
        }

        void plug(final int vm, final int cloud, final long port) {
            final var iface = Fixtures.vmPort("tap-vm" + vm, port, "vm" + vm);
            ports.get(cloud).put(iface.name(), iface);
        }

        void unplug(final int vm, final int cloud) {
            ports.get(cloud).remove("tap-vm" + vm);
        }

        void publish(final int cloud) {
            sinks.get("c" + cloud).accept(Fixtures.view(cloud, ports.get(cloud).values()
                .toArray(SwitchView.Interface[]::new)));
        }

        /** Every VM speaks once (an ARP request) from its home port; waits until all are located. */
        long learn(final int vms) {
            final long start = System.nanoTime();
            for (int k = 0; k < vms; k++) {
                fabric.packetIn(home(k), homePort(k), Pipeline.SOURCE, arpRequest(mac(k), ip(k), ip(k + 1)));
            }
            await(vms + " VMs located and their flows sent", () -> table.size() == vms && settled());
            return System.nanoTime() - start;
        }

        /** The fabric thread ran everything queued before, and what that queued. */
        boolean settled() {
            FabricHooks.settle(fabric, PATIENCE);
            return true;
        }

        int flowsPerSwitch() {
            final var flows = fabric.installedFlows();
            return flows.values().stream().mapToInt(Map::size).max().orElse(0);
        }

        @Override
        public void close() {
            fabric.close();
        }
    }

    static int home(final int vm) {
        return vm % CLOUDS + 1;
    }

    static long homePort(final int vm) {
        return vm / CLOUDS + 1;
    }

    static String mac(final int vm) {
        return String.format("02:be:%02x:%02x:%02x:%02x", vm >>> 24 & 0xFF, vm >>> 16 & 0xFF, vm >>> 8 & 0xFF,
            vm & 0xFF);
    }

    static String ip(final int vm) {
        final int n = vm + 1;
        return "10." + (n >>> 16 & 0xFF) + "." + (n >>> 8 & 0xFF) + "." + (n & 0xFF);
    }

    static void await(final String what, final BooleanSupplier done) {
        final long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE + ": " + what);
            }
            LockSupport.parkNanos(100_000); // a poll interval, not a synchronisation
        }
    }

    /** Moves VM vm (a mover) from cloud {@code from} to cloud {@code to}: its port goes, a new one comes. */
    private static void replug(final Harness harness, final int vm, final int from, final int to) {
        harness.unplug(vm, from);
        harness.plug(vm, to, MOVER_PORT_BASE + vm);
    }

    private static double millis(final Instant from, final Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    // ------------------------------------------------------------------ scale

    /**
     * 1k, 10k, 100k VMs over eight clouds: heap per VM, flows per switch, learning time, and the cost
     * of one migration: from the port change (the OVSDB update a move starts with) to all flows
     * confirmed, and its parts (the OVSDB update; signal to confirmed). The ports change in the order
     * that leads to the fast path (old port gone before the RARP): the probe of a lingering old port
     * is a fixed 200 ms timer, measured on real migrations by {@code bench qemu-migration}.
     */
    @Test
    void scale() throws IOException {
        final var sizes = List.of(Integer.getInteger("cloudroam.bench.sizes.1", 1_000),
            Integer.getInteger("cloudroam.bench.sizes.2", 10_000), Integer.getInteger("cloudroam.bench.sizes.3",
                100_000));
        final var rows = new JsonArray();
        // the smallest size runs twice: the first run warms the JIT up and is not reported
        final var runs = new ArrayList<Integer>(sizes);
        runs.add(0, sizes.get(0));
        for (int run = 0; run < runs.size(); run++) {
            final int vms = runs.get(run);
            final int moves = vms >= 100_000 ? Integer.getInteger("cloudroam.bench.moves.large", 10) : 20;
            final long heapBefore = liveHeap();
            try (var harness = new Harness()) {
                harness.configure(vms, moves);
                final long learnNanos = harness.learn(vms);
                final long heapAfter = liveHeap();
                final var signalToConfirmed = new ArrayList<Double>();
                final var viewUpdate = new ArrayList<Double>();
                final var portChangeToConfirmed = new ArrayList<Double>();
                final var verifiedPart = new ArrayList<Double>();
                final var flowsChanged = new ArrayList<Double>();
                final var switchesTouched = new ArrayList<Double>();
                for (int k = 0; k < moves; k++) {
                    final int from = home(k);
                    final int to = from % CLOUDS + 1;
                    final long start = System.nanoTime();
                    final Instant portChange = Instant.now();
                    replug(harness, k, from, to);
                    harness.publish(from);
                    harness.publish(to);
                    await("views applied", harness::settled);
                    viewUpdate.add((System.nanoTime() - start) / 1e6);
                    final var key = mac(k);
                    harness.fabric.packetIn(to, MOVER_PORT_BASE + k, Pipeline.SOURCE, rarp(key));
                    await("move of " + key + " confirmed", () -> harness.confirmed.containsKey(key));
                    final var record = harness.confirmed.get(key);
                    signalToConfirmed.add(millis(record.signalSeen(), record.flowsConfirmed().orElseThrow()));
                    portChangeToConfirmed.add(millis(portChange, record.flowsConfirmed().orElseThrow()));
                    verifiedPart.add(millis(record.signalSeen(), record.verified()));
                    flowsChanged.add((double) record.flowsChanged());
                    switchesTouched.add((double) record.switchesTouched().size());
                }
                final var row = new JsonObject();
                row.addProperty("vms", vms);
                row.addProperty("clouds", CLOUDS);
                row.addProperty("heap_bytes_per_vm", Math.round((heapAfter - heapBefore) / (double) vms));
                row.addProperty("flows_per_switch", harness.flowsPerSwitch());
                row.addProperty("learn_all_s", round(learnNanos / 1e9, 2));
                row.addProperty("learn_vms_per_s", Math.round(vms / (learnNanos / 1e9)));
                row.add("migration_signal_to_confirmed_ms", stats(signalToConfirmed));
                row.add("migration_ovsdb_update_ms", stats(viewUpdate));
                row.add("migration_port_change_to_confirmed_ms", stats(portChangeToConfirmed));
                row.add("signal_to_verified_ms", stats(verifiedPart));
                row.add("migration_flows_changed", stats(flowsChanged));
                row.add("migration_switches_touched", stats(switchesTouched));
                if (run > 0) {
                    rows.add(row);
                }
                LOG.info("scale {}{}", run == 0 ? "(warm-up, not reported) " : "", row);
            }
        }
        final double small = p(rows.get(0).getAsJsonObject(), "migration_signal_to_confirmed_ms", "p50");
        for (var row : rows) {
            final var object = row.getAsJsonObject();
            object.addProperty("migration_p50_ratio_to_smallest",
                round(p(object, "migration_signal_to_confirmed_ms", "p50") / small, 1));
        }
        final var result = result("scale", "./cloudroam bench scale",
            "in-process: eight clouds, one virtual network over all; every VM learned from one ARP request at its "
                + "port; a mover's old port leaves its cloud's OVSDB view, a new one appears in the next cloud, then "
                + "its RARP; flow programmer confirms at once. Baseline: the smallest size, same run.");
        result.add("sizes", rows);
        final var table = new StringBuilder("| VMs | heap per VM | flows per switch | learn all | one migration p50 "
            + "(p99), port change -> confirmed | signal -> confirmed p50 (p99) | ratio to 1k | flows changed "
            + "| switches touched | OVSDB update p50 |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (var row : rows) {
            final var o = row.getAsJsonObject();
            table.append(String.format(
                "| %,d | %,d B | %,d | %s s | %s ms (%s) | %s ms (%s) | %s | %s | %s | %s ms |%n",
                o.get("vms").getAsInt(), o.get("heap_bytes_per_vm").getAsLong(), o.get("flows_per_switch").getAsInt(),
                o.get("learn_all_s"), p(o, "migration_port_change_to_confirmed_ms", "p50"),
                p(o, "migration_port_change_to_confirmed_ms", "p99"), p(o, "migration_signal_to_confirmed_ms", "p50"),
                p(o, "migration_signal_to_confirmed_ms", "p99"), o.get("migration_p50_ratio_to_smallest"),
                p(o, "migration_flows_changed", "p50"), p(o, "migration_switches_touched", "p50"),
                p(o, "migration_ovsdb_update_ms", "p50")));
        }
        write("scale", result, table.toString());
    }

    // ------------------------------------------------------------------ storm

    /**
     * 1,000 VMs move at once (every port replaced in one OVSDB update per cloud, then 1,000 RARPs):
     * time from the first RARP to the last move confirmed; baseline: the same 1,000 moves one at a
     * time, each awaited, on the same fabric.
     */
    @Test
    void storm() throws IOException {
        final int vms = Integer.getInteger("cloudroam.bench.storm", 1_000);
        try (var harness = new Harness()) {
            harness.configure(vms, vms);
            harness.learn(vms);
            // baseline: one at a time (each VM to the next cloud)
            for (int k = 0; k < vms; k++) {
                replug(harness, k, home(k), home(k) % CLOUDS + 1);
            }
            publishAll(harness);
            final long sequentialStart = System.nanoTime();
            for (int k = 0; k < vms; k++) {
                final var key = mac(k);
                harness.fabric.packetIn(home(k) % CLOUDS + 1, MOVER_PORT_BASE + k, Pipeline.SOURCE, rarp(key));
                await("move of " + key, () -> harness.confirmed.containsKey(key));
            }
            final double sequential = (System.nanoTime() - sequentialStart) / 1e6;
            final var singles = new ArrayList<Double>();
            harness.confirmed.values().forEach(r -> singles.add(millis(r.signalSeen(),
                r.flowsConfirmed().orElseThrow())));
            // the storm: every VM back home at once
            harness.confirmed.clear();
            for (int k = 0; k < vms; k++) {
                harness.unplug(k, home(k) % CLOUDS + 1);
                harness.plug(k, home(k), homePort(k));
            }
            publishAll(harness);
            final long flowModsBefore = harness.flowMods.get();
            final long stormStart = System.nanoTime();
            for (int k = 0; k < vms; k++) {
                harness.fabric.packetIn(home(k), homePort(k), Pipeline.SOURCE, rarp(mac(k)));
            }
            await("all " + vms + " moves confirmed", () -> harness.confirmed.size() == vms);
            final double storm = (System.nanoTime() - stormStart) / 1e6;
            final var each = new ArrayList<Double>();
            harness.confirmed.values().forEach(r -> each.add(millis(r.signalSeen(),
                r.flowsConfirmed().orElseThrow())));
            final var result = result("storm", "./cloudroam bench storm",
                "in-process: " + vms + " VMs over eight clouds all move at once (their ports replaced in one OVSDB "
                    + "update per cloud, then one RARP each, sent back to back); time from the first RARP to the "
                    + "last move confirmed. Baseline: the same moves one at a time, each awaited, same run.");
            result.addProperty("vms", vms);
            result.addProperty("storm_ms", round(storm, 1));
            result.addProperty("one_at_a_time_ms", round(sequential, 1));
            result.addProperty("ratio_storm_to_one_at_a_time", round(storm / sequential, 2));
            result.addProperty("target_ms", 2000);
            result.addProperty("flow_mods_in_storm", harness.flowMods.get() - flowModsBefore);
            result.add("storm_each_signal_to_confirmed_ms", stats(each));
            result.add("one_at_a_time_each_signal_to_confirmed_ms", stats(singles));
            final var table = String.format("| moves | all at once: first RARP -> last confirmed | one at a time "
                + "(baseline) | ratio | target | per move, storm p50 (p99) | per move, alone p50 (p99) |%n"
                + "|---|---|---|---|---|---|---|%n"
                + "| %,d | %.0f ms | %.0f ms | %.2f | 2000 ms | %s ms (%s) | %s ms (%s) |%n",
                vms, storm, sequential, storm / sequential, p(result, "storm_each_signal_to_confirmed_ms", "p50"),
                p(result, "storm_each_signal_to_confirmed_ms", "p99"),
                p(result, "one_at_a_time_each_signal_to_confirmed_ms", "p50"),
                p(result, "one_at_a_time_each_signal_to_confirmed_ms", "p99"));
            write("storm", result, table);
        }
    }

    private static void publishAll(final Harness harness) {
        for (int i = 1; i <= CLOUDS; i++) {
            harness.publish(i);
        }
        await("views applied", harness::settled);
    }

    // ------------------------------------------------------------------ cold start

    /**
     * A controller restarted with 10k VMs in its datastore: from reading them back to every flow
     * compiled and sent, and the flow-mods an OVSDB reconnection with nothing changed causes (target
     * 0). Baseline: the same VMs learned from their traffic by a controller that knew nothing, same run.
     */
    @Test
    void coldStart() throws IOException {
        final int vms = Integer.getInteger("cloudroam.bench.coldstart", 10_000);
        final List<VmLocation> saved;
        final Map<Long, Map<FlowKey, FlowSpec>> before;
        final long learnNanos;
        try (var earlier = new Harness()) {
            earlier.configure(vms, 0);
            learnNanos = earlier.learn(vms);
            saved = earlier.fabric.locations();
            before = earlier.fabric.installedFlows();
        }
        final int flows = before.values().stream().mapToInt(Map::size).sum();
        try (var restarted = new Harness()) {
            final long start = System.nanoTime();
            restarted.fabric.restore(new Restored(saved, List.of(), 0, 0));
            restarted.configure(vms, 0);
            await("every flow compiled and sent", () -> restarted.flowMods.get() >= flows && restarted.settled());
            final double coldMs = (System.nanoTime() - start) / 1e6;
            final boolean same = before.equals(restarted.fabric.installedFlows());
            final long sent = restarted.flowMods.get();
            // every cloud's OVSDB connection drops and comes back with the same content
            for (int i = 1; i <= CLOUDS; i++) {
                restarted.publish(i);
            }
            await("views applied", restarted::settled);
            final long churn = restarted.flowMods.get() - sent;
            final var result = result("cold-start", "./cloudroam bench cold-start",
                "in-process: a controller restarted with " + vms + " VMs over eight clouds read back (Fabric.restore, "
                    + "as StateRestore does from the datastore), then its configuration and every cloud's OVSDB "
                    + "view: time until every flow is compiled and handed to the flow programmer; then every OVSDB "
                    + "view again, unchanged (a reconnection): flow-mods it causes. Baseline: the same VMs learned "
                    + "from one ARP request each by a controller that knew nothing, same run. Datastore reads and "
                    + "openflowplugin are not in it (RestartIT measures the restart of the real distribution).");
            result.addProperty("vms", vms);
            result.addProperty("flows", flows);
            result.addProperty("cold_start_ms", round(coldMs, 1));
            result.addProperty("learned_from_traffic_ms", round(learnNanos / 1e6, 1));
            result.addProperty("ratio_to_learning", round(coldMs / (learnNanos / 1e6), 2));
            result.addProperty("same_flows_as_before_the_restart", same);
            result.addProperty("flow_mods_on_reconnect", churn);
            final var table = String.format("| VMs | flows | restart: read back -> all flows sent | learned from "
                + "traffic (baseline) | ratio | same flows as before | flow-mods on an unchanged reconnection "
                + "(target 0) |%n|---|---|---|---|---|---|---|%n| %,d | %,d | %.0f ms | %.0f ms | %.2f | %s | %d |%n",
                vms, flows, coldMs, learnNanos / 1e6, coldMs / (learnNanos / 1e6), same ? "yes" : "no", churn);
            write("cold-start", result, table);
        }
    }

    // ------------------------------------------------------------------ packet-in pipeline

    /**
     * Packet-ins through {@link Fabric#packetIn} for VMs already known (the steady state of a running
     * cloud: every ARP broadcast of a known VM comes to the controller) and for new VMs, beside the
     * frame decoder alone on the same frames (the least any packet-in handler must do).
     */
    @Test
    void pipeline() throws IOException {
        final int vms = Integer.getInteger("cloudroam.bench.pipeline", 10_000);
        final var frames = new ArrayList<byte[]>(vms);
        for (int k = 0; k < vms; k++) {
            frames.add(arpRequest(mac(k), ip(k), ip(k + 1)));
        }
        final var decoder = new FrameDecoder();
        final int rounds = 20;
        long decoded = 0;
        final long decodeStart = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            for (var frame : frames) {
                decoded += decoder.decode(frame).isPresent() ? 1 : 0;
            }
        }
        final double decodePerSecond = decoded / ((System.nanoTime() - decodeStart) / 1e9);
        try (var harness = new Harness()) {
            harness.configure(vms, 0);
            final long learnNanos = harness.learn(vms);
            // known VMs: each speaks again (budget: 1,000 a second per port, far from reached here)
            final long knownStart = System.nanoTime();
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < vms; k++) {
                    harness.fabric.packetIn(home(k), homePort(k), Pipeline.SOURCE, frames.get(k));
                }
            }
            await("known VMs' packet-ins handled", harness::settled);
            final double knownPerSecond = rounds * (double) vms / ((System.nanoTime() - knownStart) / 1e9);
            final var result = result("pipeline", "./cloudroam bench pipeline",
                "in-process: ARP requests through Fabric.packetIn (budget, decoder, learner, fabric thread), "
                    + "eight clouds; baseline: the frame decoder alone on the same frames, same run. "
                    + "End to end through openflowplugin is not measured here.");
            result.addProperty("vms", vms);
            result.addProperty("decoder_only_per_s", Math.round(decodePerSecond));
            result.addProperty("known_vm_packet_ins_per_s", Math.round(knownPerSecond));
            result.addProperty("new_vms_learned_per_s", Math.round(vms / (learnNanos / 1e9)));
            result.addProperty("known_ratio_to_decoder", round(knownPerSecond / decodePerSecond, 3));
            final var table = String.format("| what | per second | ratio to the decoder alone |%n|---|---|---|%n"
                + "| decoder alone (baseline) | %,.0f | 1 |%n| packet-ins of known VMs | %,.0f | %.3f |%n"
                + "| new VMs learned, flows compiled and sent (%,d VMs) | %,.0f | %.4f |%n",
                decodePerSecond, knownPerSecond, knownPerSecond / decodePerSecond, vms, vms / (learnNanos / 1e9),
                vms / (learnNanos / 1e9) / decodePerSecond);
            write("pipeline", result, table);
        }
    }

    // ------------------------------------------------------------------ path stretch

    /**
     * Random one-way latency matrices over eight clouds (full mesh of tunnels, 1 to 100 ms each way,
     * each direction measured with ±5% noise as the probes would): for every source, destination and
     * home cloud, the round trip cloudroam's routes give ({@code optimal}: straight to the VM's cloud
     * along the computed path; {@code triangle}: through the VM's home) divided by the best round
     * trip of the true matrix (Floyd-Warshall, no hop penalty).
     */
    @Test
    void stretch() throws IOException {
        final int matrices = Integer.getInteger("cloudroam.bench.matrices", 200);
        final var random = new Random(20_101_129);
        final var optimal = new ArrayList<Double>();
        final var triangle = new ArrayList<Double>();
        final var names = new ArrayList<String>();
        final var links = new HashMap<String, Set<String>>();
        for (int i = 0; i < CLOUDS; i++) {
            names.add("c" + (i + 1));
        }
        for (var name : names) {
            final var others = new HashSet<>(names);
            others.remove(name);
            links.put(name, others);
        }
        for (int m = 0; m < matrices; m++) {
            final var truth = new double[CLOUDS][CLOUDS];
            final var routes = new Routes();
            for (int i = 0; i < CLOUDS; i++) {
                for (int j = 0; j < CLOUDS; j++) {
                    if (i != j) {
                        truth[i][j] = 1 + random.nextDouble() * 99;
                        final double measured = truth[i][j] * (0.95 + random.nextDouble() * 0.1);
                        routes.sample(names.get(i), names.get(j), Math.round(measured * 1000));
                    }
                }
            }
            final var best = floydWarshall(truth);
            final var next = routes.nextHops(links);
            for (int s = 0; s < CLOUDS; s++) {
                for (int d = 0; d < CLOUDS; d++) {
                    if (s == d) {
                        continue;
                    }
                    final double bestRtt = best[s][d] + best[d][s];
                    optimal.add((walk(next, names, truth, s, d) + walk(next, names, truth, d, s)) / bestRtt);
                    // the VM is at d, away from its home (it migrated there)
                    final int home = (d + 1 + random.nextInt(CLOUDS - 1)) % CLOUDS;
                    triangle.add((walk(next, names, truth, s, home) + walk(next, names, truth, home, d)
                        + walk(next, names, truth, d, s)) / bestRtt);
                }
            }
        }
        final var result = result("stretch", "./cloudroam bench stretch",
            "in-process: " + matrices + " random one-way latency matrices over eight clouds (1-100 ms, full mesh), "
                + "each direction measured with +-5% noise; RTT along cloudroam's routes divided by the best RTT of "
                + "the true matrix. 'triangle' (the baseline): the way there through the VM's home, a random cloud "
                + "other than the one it is in.");
        result.addProperty("matrices", matrices);
        result.add("optimal", stats(optimal));
        result.add("triangle", stats(triangle));
        result.addProperty("optimal_within_2_percent", round(optimal.stream().filter(x -> x <= 1.02).count()
            / (double) optimal.size(), 4));
        final var table = String.format("| mode | pairs | stretch p50 | p99 | max | mean |%n"
            + "|---|---|---|---|---|---|%n| optimal | %,d | %s | %s | %s | %s |%n"
            + "| triangle (baseline) | %,d | %s | %s | %s | %s |%n",
            optimal.size(), p(result, "optimal", "p50"), p(result, "optimal", "p99"), p(result, "optimal", "max"),
            p(result, "optimal", "mean"), triangle.size(), p(result, "triangle", "p50"), p(result, "triangle", "p99"),
            p(result, "triangle", "max"), p(result, "triangle", "mean"));
        write("stretch", result, table);
    }

    private static double[][] floydWarshall(final double[][] latency) {
        final int n = latency.length;
        final var best = new double[n][n];
        for (int i = 0; i < n; i++) {
            best[i] = latency[i].clone();
        }
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j && best[i][k] + best[k][j] < best[i][j]) {
                        best[i][j] = best[i][k] + best[k][j];
                    }
                }
            }
        }
        return best;
    }

    /** True latency from s to d following the computed next hops. */
    private static double walk(final NextHops next, final List<String> names,
            final double[][] truth, final int from, final int to) {
        double total = 0;
        int at = from;
        int hops = 0;
        while (at != to) {
            final int hop = names.indexOf(next.get(names.get(to)).get(names.get(at)));
            total += truth[at][hop];
            at = hop;
            if (++hops > CLOUDS) {
                throw new AssertionError("routing loop toward " + names.get(to));
            }
        }
        return total;
    }

    // ------------------------------------------------------------------ output

    private static long liveHeap() {
        final var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            memory.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static JsonObject stats(final List<Double> values) {
        final var sorted = values.stream().sorted().toList();
        final var stats = new JsonObject();
        stats.addProperty("samples", sorted.size());
        stats.addProperty("p50", round(nearestRank(sorted, 0.50), 3));
        stats.addProperty("p99", round(nearestRank(sorted, 0.99), 3));
        stats.addProperty("max", round(sorted.get(sorted.size() - 1), 3));
        stats.addProperty("mean", round(sorted.stream().mapToDouble(Double::doubleValue).average().orElse(0), 3));
        return stats;
    }

    /** The nearest-rank percentile: the smallest value with at least that share of the values at or below it. */
    static double nearestRank(final List<Double> sorted, final double quantile) {
        return sorted.get(Math.max(0, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    private static double p(final JsonObject object, final String stats, final String which) {
        return object.getAsJsonObject(stats).get(which).getAsDouble();
    }

    private static double round(final double value, final int digits) {
        final double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    private static JsonObject result(final String name, final String command, final String what) {
        final var result = new JsonObject();
        result.addProperty("benchmark", name);
        result.addProperty("command", command);
        result.addProperty("when", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        final var environment = new JsonObject();
        environment.addProperty("cpus", Runtime.getRuntime().availableProcessors());
        environment.addProperty("cpu", cpuModel());
        environment.addProperty("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        environment.addProperty("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        result.add("environment", environment);
        result.addProperty("what", what);
        return result;
    }

    private static String cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).map(line -> line.split(":", 2)[1].trim())
                .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void write(final String name, final JsonObject result, final String table) throws IOException {
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve(name + ".json"),
            new GsonBuilder().setPrettyPrinting().create().toJson(result) + "\n");
        final var markdown = "<!-- " + result.get("command").getAsString() + ", " + result.get("when").getAsString()
            + " -->\n" + result.get("what").getAsString() + "\n\n" + table;
        Files.writeString(OUT.resolve(name + ".md"), markdown);
        LOG.info("{} -> {}\n{}", name, OUT.toAbsolutePath().normalize(), markdown);
    }
}
