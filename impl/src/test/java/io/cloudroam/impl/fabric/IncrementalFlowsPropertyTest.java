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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import io.cloudroam.impl.Fixtures;
import io.cloudroam.impl.ManualScheduler;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.PortBindingSpec;
import io.cloudroam.impl.config.VirtualNetworkSpec;
import io.cloudroam.impl.flow.FlowCompiler;
import io.cloudroam.impl.flow.FlowEngine;
import io.cloudroam.impl.flow.FlowInputs;
import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.flow.Pipeline;
import io.cloudroam.impl.flow.Scope;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.ConflictRecord;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.ovsdb.OvsdbLink;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.topology.LatencyProbes;
import io.cloudroam.impl.topology.Routes;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever happens, in whatever order (VMs speak, migrate with or without their old
 * port, are announced, claim addresses, age out; ports come and go; routes change with the
 * probes' answers; the configuration changes; switches reconnect or fail a change), what every
 * switch confirmed after each step equals a full compilation of the fabric's inputs, and equals
 * what the switch was sent. The incremental scopes (one VM, one switch's ports, a migration's
 * phases) are checked against the whole at every step. A compiler broken for one scope on purpose
 * is caught.
 */
class IncrementalFlowsPropertyTest {
    private static final int CLOUDS = 3;
    private static final int VMS = 6;
    private static final int STEPS = 1_000;

    /** A clock the world moves along with its scheduler. */
    private static final class WorldClock extends Clock {
        private final ManualScheduler scheduler;
        private final Instant start = Instant.parse("2026-12-01T00:00:00Z");

        WorldClock(final ManualScheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return start.plusNanos(scheduler.nanoTime());
        }
    }

    /** Switches as a model: what they were sent, applied; a forgotten one adopts the next batch whole. */
    private static final class Switches implements FlowProgrammer {
        private final Map<Long, Map<String, FlowSpec>> held = new HashMap<>();
        private final Set<Long> adopting = new HashSet<>();
        private double failureRate;
        private SplittableRandom random = new SplittableRandom(1);

        @Override
        public Confirmations apply(final long dpid, final Collection<FlowSpec> upserts,
                final Collection<FlowSpec> removals) {
            if (failureRate > 0 && random.nextDouble() < failureRate) {
                return Confirmations.of(CompletableFuture.failedFuture(
                    new IllegalStateException("switch " + dpid + " said no")));
            }
            final var flows = held.computeIfAbsent(dpid, d -> new HashMap<>());
            if (adopting.remove(dpid)) {
                flows.clear(); // what an earlier batch left is replaced by what is wanted
            }
            removals.forEach(flow -> flows.remove(flow.table() + "/" + flow.id()));
            upserts.forEach(flow -> flows.put(flow.table() + "/" + flow.id(), flow));
            return Confirmations.of(CompletableFuture.completedFuture(null));
        }

        @Override
        public String confirmation() {
            return "barrier";
        }

        @Override
        public void forget(final long datapathId) {
            adopting.add(datapathId);
        }
    }

    /** The world: clouds, VM ports, where each VM runs, the fabric. */
    private static final class World implements AutoCloseable {
        private final ManualScheduler scheduler = new ManualScheduler();
        private final WorldClock clock = new WorldClock(scheduler);
        private final Switches switches = new Switches();
        private final LocationTable table = new LocationTable();
        private final Map<String, java.util.function.Consumer<SwitchView>> sinks = new HashMap<>();
        private final List<byte[]> probes = new ArrayList<>();
        private final List<long[]> probePorts = new ArrayList<>();
        /** Per cloud: VM index to the OpenFlow port its interface has there. */
        private final Map<Integer, Map<Integer, Long>> plugged = new HashMap<>();
        /** Per cloud: the tunnels whose BFD says down. */
        private final Map<Integer, Set<Integer>> bfdDown = new HashMap<>();
        /** Where each VM runs (its frames come from there), 0 before it started. */
        private final int[] runsIn = new int[VMS + 1];
        private final Set<String> unbound = new HashSet<>();
        private final Fabric fabric;
        private final SplittableRandom random;
        private final ArrayDeque<String> history = new ArrayDeque<>();
        private final long seed;
        private VirtualNetworkSpec.Mode mode = VirtualNetworkSpec.Mode.OPTIMAL;
        private Duration idleTimeout = Duration.ZERO;
        private CloudroamConfig.FlowProgramming method = CloudroamConfig.FlowProgramming.DATASTORE;
        private long nextPort = 40;
        private int step;

        World(final long seed, final FlowEngine engine) {
            this.seed = seed;
            random = new SplittableRandom(seed);
            switches.random = random.split();
            final StatePublisher publisher = new StatePublisher() {
                @Override
                public void locations(final Collection<VmLocation> changed) {
                    // the property is about flows
                }

                @Override
                public void locationsRemoved(final Collection<VmLocation> removed) {
                    // the property is about flows
                }

                @Override
                public void tunnels(final String cloud, final Collection<TunnelState> tunnels) {
                    // the property is about flows
                }

                @Override
                public void migration(final MigrationRecord migration) {
                    // the property is about flows
                }

                @Override
                public void conflict(final ConflictRecord conflict) {
                    // the property is about flows
                }

                @Override
                public void routing(final List<Routes.LinkState> links,
                        final Map<String, Map<String, Routes.Hop>> paths) {
                    // the property is about flows
                }
            };
            final PacketSender sender = new PacketSender() {
                @Override
                public void send(final long datapathId, final long port, final byte[] frame) {
                    if (LatencyProbes.isProbe(frame)) {
                        probes.add(frame);
                        probePorts.add(new long[] {datapathId, port});
                    }
                }

                @Override
                public void inject(final long datapathId, final long inPort, final byte[] frame) {
                    // loop probes are not answered here
                }
            };
            fabric = new Fabric(m -> switches, sender, publisher, (cloud, sink) -> {
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
            }, table, clock, scheduler::nanoTime, scheduler, engine);
            for (int c = 1; c <= CLOUDS; c++) {
                plugged.put(c, new TreeMap<>());
                bfdDown.put(c, new HashSet<>());
            }
            configure();
            for (int c = 1; c <= CLOUDS; c++) {
                publish(c);
            }
        }

        static String mac(final int vm) {
            return String.format("02:c0:00:00:00:%02x", vm);
        }

        static String ip(final int vm) {
            return "10.0." + vni(vm) / 100 + "." + vm;
        }

        static int vni(final int vm) {
            return vm % 2 == 1 ? 100 : 300;
        }

        /** The clouds a VM's network spans: 100 all three, 300 c1 and c2. */
        static List<Integer> cloudsOf(final int vm) {
            return vni(vm) == 100 ? List.of(1, 2, 3) : List.of(1, 2);
        }

        void configure() {
            final var bindings = new ArrayList<PortBindingSpec>();
            for (int vm = 1; vm <= VMS; vm++) {
                for (var c : cloudsOf(vm)) {
                    if (!unbound.contains(c + "/" + vm)) {
                        bindings.add(new PortBindingSpec("c" + c, "vm" + vm, vni(vm)));
                    }
                }
            }
            final var networks = List.of(new VirtualNetworkSpec(100, "blue", List.of("c1", "c2", "c3"), mode),
                new VirtualNetworkSpec(300, "red", List.of("c1", "c2")));
            fabric.configure(CloudroamConfig.of(List.of(Fixtures.cloud(1), Fixtures.cloud(2), Fixtures.cloud(3)),
                networks, bindings).withLocationIdleTimeout(idleTimeout).withFlowProgramming(method)
                .withMobility(new CloudroamConfig.Mobility(Duration.ofMillis(200),
                    io.cloudroam.impl.location.MobilityGuard.Policy.DEFAULT)));
        }

        void publish(final int cloud) {
            final int c = cloud;
            final var interfaces = new ArrayList<SwitchView.Interface>();
            for (int other = 1; other <= CLOUDS; other++) {
                if (other != c) {
                    final var tunnel = Fixtures.tunnel(c, other, 10 + other);
                    interfaces.add(bfdDown.get(c).contains(other) ? new SwitchView.Interface(tunnel.portUuid(),
                        tunnel.name(), tunnel.type(), tunnel.ofport(), tunnel.externalIds(), tunnel.options(),
                        tunnel.bfd(), Map.of("state", "down"), tunnel.linkState()) : tunnel);
                }
            }
            interfaces.addAll(List.of(Fixtures.probeLoop(c, 20, 21)));
            plugged.get(c).forEach((vm, port) -> interfaces.add(new SwitchView.Interface(
                "port-tap-vm" + vm + "-" + port, "tap-vm" + vm, "", java.util.Optional.of(port),
                Map.of("iface-id", "vm" + vm, "attached-mac", mac(vm)), Map.of(), Map.of(),
                java.util.Optional.of("up"))));
            sinks.get("c" + c).accept(Fixtures.view(c, interfaces.toArray(SwitchView.Interface[]::new)));
        }

        void plug(final int vm, final int cloud) {
            final int c = cloud;
            plugged.get(c).put(vm, nextPort++);
            publish(c);
        }

        void unplug(final int vm, final int cloud) {
            final int c = cloud;
            if (plugged.get(c).remove(vm) != null) {
                publish(c);
            }
        }

        /** VM k's frame from where it runs. */
        void speak(final int vm, final byte[] frame) {
            final var port = plugged.get(runsIn[vm]).get(vm);
            if (port != null) {
                fabric.packetIn(runsIn[vm], port, Pipeline.SOURCE, frame);
            }
        }

        int otherCloud(final int vm) {
            final var clouds = new ArrayList<>(cloudsOf(vm));
            clouds.remove(Integer.valueOf(runsIn[vm]));
            return clouds.get(random.nextInt(clouds.size()));
        }

        void step() {
            step++;
            final int vm = 1 + random.nextInt(VMS);
            final int choice = random.nextInt(100);
            if (runsIn[vm] == 0) {
                // a VM starts: plugged where its network is, then it speaks
                runsIn[vm] = cloudsOf(vm).get(random.nextInt(cloudsOf(vm).size()));
                plug(vm, runsIn[vm]);
                speak(vm, arpRequest(mac(vm), ip(vm), ip(vm % VMS + 1)));
                note("start vm" + vm + " in c" + runsIn[vm]);
            } else if (choice < 20) {
                speak(vm, arpRequest(mac(vm), ip(vm), ip(vm % VMS + 1)));
                note("vm" + vm + " speaks");
            } else if (choice < 40) {
                migrate(vm);
            } else if (choice < 45) {
                final int target = otherCloud(vm);
                final var outcome = fabric.announce(MacAddress.parse(mac(vm)), null, "c" + target, null);
                plug(vm, target);
                unplug(vm, runsIn[vm]);
                runsIn[vm] = target;
                speak(vm, rarp(mac(vm)));
                note("announced move of vm" + vm + " to c" + target + ": " + outcome);
            } else if (choice < 50) {
                // a port that is not where its VM runs goes, or one appears (a pre-plugged destination)
                final int c = 1 + random.nextInt(CLOUDS);
                if (c != runsIn[vm] && plugged.get(c).containsKey(vm)) {
                    unplug(vm, c);
                    note("stray port of vm" + vm + " in c" + c + " removed");
                } else if (cloudsOf(vm).contains(c) && c != runsIn[vm]) {
                    plug(vm, c);
                    note("port of vm" + vm + " plugged in c" + c);
                }
            } else if (choice < 58) {
                probeRound();
            } else if (choice < 62) {
                final int c = 1 + random.nextInt(CLOUDS);
                final int other = c % CLOUDS + 1;
                if (!bfdDown.get(c).remove(other)) {
                    bfdDown.get(c).add(other);
                }
                publish(c);
                note("BFD c" + c + " -> c" + other + (bfdDown.get(c).contains(other) ? " down" : " up"));
            } else if (choice < 66) {
                final var modes = VirtualNetworkSpec.Mode.values();
                mode = modes[random.nextInt(modes.length)];
                note("VNI 100 in " + mode);
                configure();
            } else if (choice < 69) {
                final var binding = cloudsOf(vm).get(random.nextInt(cloudsOf(vm).size())) + "/" + vm;
                if (!unbound.remove(binding)) {
                    unbound.add(binding);
                }
                note("binding " + binding + (unbound.contains(binding) ? " removed" : " back"));
                configure();
            } else if (choice < 71) {
                idleTimeout = idleTimeout.isZero() ? Duration.ofSeconds(2) : Duration.ZERO;
                note("idle timeout " + idleTimeout);
                configure();
            } else if (choice < 72) {
                final var methods = CloudroamConfig.FlowProgramming.values();
                method = methods[(method.ordinal() + 1 + random.nextInt(methods.length - 1)) % methods.length];
                note("flow programming " + method);
                configure();
            } else if (choice < 76) {
                final int dpid = 1 + random.nextInt(CLOUDS);
                fabric.switchReconnected(dpid);
                note("switch " + dpid + " reconnected");
            } else if (choice < 80) {
                final int holder = 1 + random.nextInt(VMS);
                if (vni(holder) == vni(vm) && holder != vm) {
                    speak(vm, arpRequest(mac(vm), ip(holder), ip(holder)));
                    note("vm" + vm + " claims " + ip(holder));
                }
            } else if (choice < 83) {
                switches.failureRate = switches.failureRate > 0 ? 0 : 0.2;
                note("switches fail " + switches.failureRate);
            } else {
                final long millis = random.nextInt(10) == 0 ? 2_500 : random.nextInt(300);
                scheduler.advance(Duration.ofMillis(millis));
                note("time +" + millis + " ms");
            }
        }

        void migrate(final int vm) {
            final int target = otherCloud(vm);
            final int from = runsIn[vm];
            final boolean plugFirst = random.nextBoolean();
            if (plugFirst) {
                plug(vm, target);
            } else {
                unplug(vm, from);
                plug(vm, target);
            }
            runsIn[vm] = target;
            speak(vm, rarp(mac(vm)));
            if (plugFirst && random.nextBoolean()) {
                scheduler.advance(Duration.ofMillis(200));
                unplug(vm, from);
            }
            note("vm" + vm + " c" + from + " -> c" + target + (plugFirst ? " (destination plugged first)" : ""));
        }

        /** A probe round; each probe that comes back does so after 5 to 60 ms, some do not. */
        void probeRound() {
            probes.clear();
            probePorts.clear();
            FabricHooks.now(fabric, new FabricEvent.ProbeRound());
            for (int i = 0; i < probes.size(); i++) {
                final var from = probePorts.get(i);
                final int to = (int) (from[1] - 10);
                if (to < 1 || to > CLOUDS || random.nextInt(10) == 0) {
                    continue;
                }
                final var frame = probes.get(i);
                final long sent = ByteBuffer.wrap(frame).getLong(14 + 4 + 1 + 8 + 8);
                final long arrival = sent + (5 + random.nextInt(55)) * 1_000_000L;
                if (arrival > scheduler.nanoTime()) {
                    // the probe's time: the world's clock moves with it
                    scheduler.advance(Duration.ofNanos(arrival - scheduler.nanoTime()));
                }
                fabric.packetIn(to, 10 + from[0], Pipeline.CLASSIFY, frame);
            }
            note("probe round");
        }

        void note(final String what) {
            history.addLast(step + ": " + what);
            while (history.size() > 12) {
                history.removeFirst();
            }
        }

        /** The property, after a step. */
        void check() {
            final var desired = FabricHooks.desiredFlows(fabric);
            final var installed = fabric.installedFlows();
            for (var dpid : desired.keySet()) {
                final var want = desired.get(dpid);
                final var have = installed.getOrDefault(dpid, Map.of());
                if (!want.equals(have)) {
                    final var missing = new TreeSet<String>();
                    final var extra = new TreeSet<String>();
                    want.forEach((key, flow) -> {
                        if (!flow.equals(have.get(key))) {
                            missing.add(key.text());
                        }
                    });
                    have.keySet().forEach(key -> {
                        if (!want.containsKey(key)) {
                            extra.add(key.text());
                        }
                    });
                    throw new AssertionError("seed " + seed + ", step " + step + ", switch " + dpid
                        + ": incremental flows differ from a full compilation; missing or different " + missing
                        + ", extra " + extra + "; last steps " + history);
                }
                if (switches.failureRate == 0) {
                    assertEquals(Fixtures.text(want), switches.held.getOrDefault(dpid, Map.of()),
                        () -> "seed " + seed + ", step " + step + ", switch " + dpid + ": what it holds; " + history);
                }
            }
        }

        @Override
        public void close() {
            fabric.close();
        }
    }

    private static void run(final long seed, final int steps, final FlowEngine engine) {
        try (var world = new World(seed, engine)) {
            for (int i = 0; i < steps; i++) {
                world.step();
                world.check();
            }
            assertEquals(0, FabricHooks.taskFailures(world.fabric), "an input threw (see the log)");
        }
    }

    @Test
    void everyStepLeavesEverySwitchAsAFullCompilationWould() {
        final long base = Long.getLong("cloudroam.property.seed", 20261201L);
        final int seeds = Integer.getInteger("cloudroam.property.seeds", 4);
        for (long seed = base; seed < base + seeds; seed++) {
            run(seed, STEPS, new FlowEngine());
        }
    }

    @Test
    void aCompilerBrokenForOneScopeIsCaught() {
        // the scope of one VM forgets relays: a transit or old cloud would drop frames in flight
        final BiFunction<FlowInputs, Scope, SortedMap<Long, Map<FlowKey, FlowSpec>>> broken = (in, scope) -> {
            final var flows = FlowCompiler.compile(in, scope);
            if (!scope.everything() && !scope.vms().isEmpty()) {
                flows.values().forEach(perSwitch -> perSwitch.keySet().removeIf(key ->
                    key instanceof FlowKey.OfVm own && own.role() == FlowKey.Role.RELAY));
            }
            return flows;
        };
        final var caught = assertThrows(AssertionError.class, () -> run(20261201L, STEPS, new FlowEngine(broken)));
        assertTrue(caught.getMessage().contains("relay"), caught::getMessage);
    }
}
