/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static io.cloudroam.impl.Fixtures.arpRequest;
import static io.cloudroam.impl.Fixtures.ip;
import static io.cloudroam.impl.Fixtures.mac;
import static io.cloudroam.impl.Fixtures.rarp;
import static io.cloudroam.impl.Fixtures.tunnel;
import static io.cloudroam.impl.Fixtures.view;
import static io.cloudroam.impl.Fixtures.vmPort;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import io.cloudroam.impl.Fixtures;
import io.cloudroam.impl.ManualScheduler;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.PortBindingSpec;
import io.cloudroam.impl.config.VirtualNetworkSpec;
import io.cloudroam.impl.flow.FlowEngine;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.flow.Pipeline;
import io.cloudroam.impl.location.LocationLearner;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.MobilityGuard;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.Announcement;
import io.cloudroam.impl.migration.ConflictRecord;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.migration.MoveVerifier;
import io.cloudroam.impl.migration.PortEvidence;
import io.cloudroam.impl.ovsdb.OvsdbLink;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.packet.FrameDecoder;
import io.cloudroam.impl.packet.FuzzFrames;
import io.cloudroam.impl.topology.Encapsulation;
import io.cloudroam.impl.topology.LatencyProbes;
import io.cloudroam.impl.topology.NetworkMtus;
import io.cloudroam.impl.topology.PathMtu;
import io.cloudroam.impl.topology.Routes;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fabric with its collaborators replaced by recorders: OVSDB views are fed by hand, flow
 * changes and packet-outs are recorded. Checks the behaviour between the pure parts.
 */
class FabricTest {
    private static final String VM1 = "02:c0:00:00:00:01";
    private static final String VM5 = "02:c0:00:00:00:05";

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-25T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private record Sent(long datapathId, long port, byte[] frame) {
    }

    private final TestClock clock = new TestClock();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000);
    private final Map<Long, Map<String, FlowSpec>> switches = new HashMap<>();
    private final List<Sent> packetOuts = new CopyOnWriteArrayList<>();
    private final List<Sent> probesOut = new CopyOnWriteArrayList<>();
    private final List<Sent> mtuProbesOut = new CopyOnWriteArrayList<>();
    private final List<Long> applyOrder = new CopyOnWriteArrayList<>();
    /** Every flow sent to switch 2, in order. */
    private final List<FlowSpec> sentToC2 = new CopyOnWriteArrayList<>();
    private final List<Sent> injected = new CopyOnWriteArrayList<>();
    private final List<List<Routes.LinkState>> routingPublished = new CopyOnWriteArrayList<>();
    private final List<VmLocation> published = new CopyOnWriteArrayList<>();
    private final List<VmLocation> forgotten = new CopyOnWriteArrayList<>();
    private final List<MigrationRecord> migrations = new CopyOnWriteArrayList<>();
    private final List<ConflictRecord> conflicts = new CopyOnWriteArrayList<>();
    private final List<Map.Entry<String, Map<Long, Map<Long, String>>>> portNames = new CopyOnWriteArrayList<>();
    private final Map<String, Consumer<SwitchView>> viewSinks = new HashMap<>();
    private final Map<String, List<JsonArray>> transactions = new HashMap<>();
    private final LocationTable table = new LocationTable();
    /** The fabric's thread: tasks run on the test's, time moves when the test says. */
    private final ManualScheduler scheduler = new ManualScheduler();
    private Fabric fabric;

    @BeforeEach
    void start() {
        final FlowProgrammer programmer = new FlowProgrammer() {
            @Override
            public Confirmations apply(final long dpid, final Collection<FlowSpec> upserts,
                    final Collection<FlowSpec> removals) {
                synchronized (switches) {
                    applyOrder.add(dpid);
                    final var flows = switches.computeIfAbsent(dpid, d -> new HashMap<>());
                    removals.forEach(flow -> flows.remove(flow.table() + "/" + flow.id()));
                    upserts.forEach(flow -> flows.put(flow.table() + "/" + flow.id(), flow));
                    if (dpid == 2) {
                        sentToC2.addAll(upserts);
                    }
                }
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
                published.addAll(changed);
            }

            @Override
            public void locationsRemoved(final Collection<VmLocation> removed) {
                forgotten.addAll(removed);
            }

            @Override
            public void tunnels(final String cloud, final Collection<TunnelState> tunnels) {
                // not looked at here
            }

            @Override
            public void migration(final MigrationRecord migration) {
                migrations.add(migration);
            }

            @Override
            public void conflict(final ConflictRecord conflict) {
                conflicts.add(conflict);
            }

            @Override
            public void routing(final List<Routes.LinkState> links, final Map<String, Map<String, Routes.Hop>> paths) {
                routingPublished.add(links);
            }

            @Override
            public void portNames(final String cloud, final Map<Long, Map<Long, String>> names) {
                portNames.add(Map.entry(cloud, names));
            }
        };
        final PacketSender sender = new PacketSender() {
            @Override
            public void send(final long datapathId, final long port, final byte[] frame) {
                final boolean mtu = LatencyProbes.isProbe(frame) && frame[14 + 4] == LatencyProbes.Kind.MTU.ordinal();
                (mtu ? mtuProbesOut : LatencyProbes.isProbe(frame) ? probesOut : packetOuts)
                    .add(new Sent(datapathId, port, frame));
            }

            @Override
            public void inject(final long datapathId, final long inPort, final byte[] frame) {
                injected.add(new Sent(datapathId, inPort, frame));
            }
        };
        fabric = new Fabric(method -> programmer, sender, publisher,
            (cloud, sink) -> {
                synchronized (viewSinks) {
                    viewSinks.put(cloud.id(), sink);
                }
                return new OvsdbLink() {
                    @Override
                    public CompletableFuture<JsonArray> transact(final JsonArray params) {
                        synchronized (transactions) {
                            transactions.computeIfAbsent(cloud.id(), c -> new ArrayList<>()).add(params);
                        }
                        return CompletableFuture.completedFuture(new JsonArray());
                    }

                    @Override
                    public void close() {
                        // nothing to release
                    }
                };
            }, table, clock, nanos::get, scheduler, new FlowEngine());
        fabric.configure(Fixtures.config(new PortBindingSpec("c1", "vm1", 100), new PortBindingSpec("c2", "vm5", 100),
            new PortBindingSpec("c2", "vm1", 100)));
        final var loop1 = Fixtures.probeLoop(1, 20, 21);
        feed("c1", view(1, vmPort("tap-vm1", 1, "vm1"), tunnel(1, 2, 10), tunnel(1, 3, 11), loop1[0], loop1[1]));
        final var loop2 = Fixtures.probeLoop(2, 20, 21);
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), tunnel(2, 1, 10), tunnel(2, 3, 11), loop2[0], loop2[1]));
    }

    @AfterEach
    void stop() {
        fabric.close();
    }

    private void feed(final String cloud, final SwitchView view) {
        final Consumer<SwitchView> sink;
        synchronized (viewSinks) {
            sink = viewSinks.get(cloud);
        }
        sink.accept(view);
    }

    private Map<String, FlowSpec> flowsOf(final long dpid) {
        synchronized (switches) {
            return Map.copyOf(switches.getOrDefault(dpid, Map.of()));
        }
    }

    private static byte[] arpReply(final String senderMac, final String senderIp) {
        final var frame = ByteBuffer.allocate(60);
        frame.put(mac("02:c1:0d:00:00:01")).put(mac(senderMac)).putShort((short) 0x0806).putShort((short) 1)
            .putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 2).put(mac(senderMac))
            .put(ip(senderIp)).put(mac("02:c1:0d:00:00:01")).put(new byte[4]);
        return frame.array();
    }

    @Test
    void createsTunnelsWhereTheyAreMissing() {
        feed("c3", view(3, vmPort("tap-vm3", 1, "vm3")));
        synchronized (transactions) {
            final var c3 = transactions.get("c3");
            assertEquals(1, c3.size());
            assertTrue(c3.get(0).toString().contains("crv-c1") && c3.get(0).toString().contains("crv-c2"));
            assertFalse(transactions.containsKey("c1"), "c1 already had its tunnels");
        }
    }

    @Test
    void learnsFromAPacketInAndProgramsTheVmEverywhere() {
        assertFalse(flowsOf(1).containsKey("10/vm-100-" + VM1));
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        final var c1 = flowsOf(1);
        assertTrue(c1.containsKey("10/vm-100-" + VM1));
        assertEquals(List.of(new FlowSpec.Action.Output(1)), c1.get("30/vm-100-" + VM1).actions());
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(10)),
            flowsOf(2).get("30/vm-100-" + VM1).actions(), "c2 sends to vm1 through its tunnel to c1");
        assertTrue(flowsOf(2).containsKey("20/arp-100-10.0.0.1"), "c2 answers ARP for vm1");
        assertEquals(MacAddress.parse(VM1), published.get(0).mac());
        assertEquals("c1", published.get(0).cloud());
    }

    @Test
    void answersArpForAKnownAddressOnTheRequestersPort() {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(1);
        fabric.packetIn(2, 1, Pipeline.ARP, arpRequest(VM5, "10.0.0.5", "10.0.0.1"));
        assertEquals(1, packetOuts.size());
        final var reply = packetOuts.get(0);
        assertEquals(2, reply.datapathId());
        assertEquals(1, reply.port());
        final var decoded = new FrameDecoder().decode(reply.frame()).orElseThrow();
        assertEquals(2, decoded.arpOperation());
        assertEquals(MacAddress.parse(VM1).bits(), decoded.senderMac());
        // the same request punted by the source table is learned from, not answered twice
        fabric.packetIn(2, 1, Pipeline.SOURCE, arpRequest(VM5, "10.0.0.5", "10.0.0.1"));
        assertEquals(1, packetOuts.size());
    }

    /**
     * vm1 learned on c1 port 1, then (its port gone from c1, or still there) it appears on c2 port 7,
     * a port bound by its name that carries no identity (no evidence that it was plugged for vm1).
     */
    private void moveVm1ToC2(final boolean oldPortGone, final byte[] announcement) {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(1);
        if (oldPortGone) {
            feed("c1", view(1, tunnel(1, 2, 10), tunnel(1, 3, 11)));
        }
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), vmPort("vm1", 7, null), tunnel(2, 1, 10),
            tunnel(2, 3, 11)));
        fabric.packetIn(2, 7, Pipeline.SOURCE, announcement);
    }

    /** c2 as a hypervisor leaves it when it plugs a migration's destination port 7 for vm1. */
    private void plugVm1InC2(final Map<String, String> externalIds) {
        final var loop2 = Fixtures.probeLoop(2, 20, 21);
        final var target = new SwitchView.Interface("port-tap-vm1", "tap-vm1", "", Optional.of(7L), externalIds,
            Map.of(), Map.of(), Optional.of("up"));
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), target, tunnel(2, 1, 10), tunnel(2, 3, 11), loop2[0],
            loop2[1]));
    }

    @Test
    void vmPortsAreNamedByTheirIfaceIdElseTheirInterfaceNameAndRepublishedOnlyWhenThatChanges() {
        assertEquals(Map.of(1L, Map.of(1L, "vm1")), lastPortNames("c1"), "tunnels and the probe loop are no VMs");
        final int before = portNames.size();
        final var loop2 = Fixtures.probeLoop(2, 20, 21);
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), tunnel(2, 1, 10), tunnel(2, 3, 11), loop2[0], loop2[1]));
        assertEquals(before, portNames.size(), "the same ports again: nothing to publish");
        // a port bound by its interface name only (no iface-id) is named by it
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), vmPort("vm1", 7, null), tunnel(2, 1, 10),
            tunnel(2, 3, 11), loop2[0], loop2[1]));
        assertEquals(Map.of(2L, Map.of(1L, "vm5", 7L, "vm1")), lastPortNames("c2"));
    }

    private Map<Long, Map<Long, String>> lastPortNames(final String cloud) {
        return portNames.stream().filter(entry -> entry.getKey().equals(cloud)).reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no names published for " + cloud)).getValue();
    }

    /** The lab's configuration with prepare-migrations on (off by default). */
    private static CloudroamConfig preparing() {
        return labConfig(VirtualNetworkSpec.Mode.OPTIMAL).withMobility(new CloudroamConfig.Mobility(
            Duration.ofMillis(200), MobilityGuard.Policy.DEFAULT, true,
            CloudroamConfig.VerifyStrategy.PROBE_THEN_APPLY));
    }

    @Test
    void aPortPluggedForTheVmTakesItAtItsFirstFrameThereWithoutAProbe() {
        fabric.configure(preparing());
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(1);
        plugVm1InC2(Map.of("iface-id", "vm1", "attached-mac", VM1));
        assertEquals("c1", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud(), "plugging moves nothing");
        // the migration is prepared: c1 delivers to vm1 and copies every frame for it to c2, where the
        // copies from c1's tunnel (c2's port 10) stop until the move
        assertEquals(1, fabric.counters().get(Counters.Kind.MIGRATIONS_PREPARED));
        assertEquals(List.of(new FlowSpec.Action.Output(1), new FlowSpec.Action.SetTunnelId(100),
            new FlowSpec.Action.Output(10)), flowsOf(1).get("30/vm-100-" + VM1).actions());
        final var held = flowsOf(2).get("30/vm-100-" + VM1 + "-prepared");
        assertEquals(List.of(), held.actions(), "dropped");
        assertEquals(10L, held.match().inPort());
        assertTrue(held.priority() > flowsOf(2).get("30/vm-100-" + VM1 + "-relay").priority(),
            "above the relay, which would send the copies back to c1");
        applyOrder.clear();
        fabric.packetIn(2, 7, Pipeline.SOURCE, rarp(VM1));
        assertEquals("c2", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        assertEquals(PortEvidence.ATTACHED_MAC, migrations.get(0).verification());
        assertEquals(List.of(), packetOuts, "the old port, still there, is not asked");
        // c2 first: from then on the copies c1 still sends reach vm1; then c1 relays
        assertEquals(List.of(2L, 1L), applyOrder.subList(0, 2), applyOrder::toString);
        assertEquals(List.of(new FlowSpec.Action.Output(7)), flowsOf(2).get("30/vm-100-" + VM1).actions());
        assertFalse(flowsOf(2).containsKey("30/vm-100-" + VM1 + "-prepared"));
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(10)),
            flowsOf(1).get("30/vm-100-" + VM1).actions(), "c1 sends to vm1 through its tunnel to c2");
        final var record = migrations.get(migrations.size() - 1);
        assertEquals(Optional.of(clock.instant()), record.prepared(), "prepared when the port was seen");
        assertTrue(record.newCloudConfirmed().isPresent() && record.flowsConfirmed().isPresent(), record::toString);
    }

    @Test
    void withPreparationOffAPluggedPortChangesNoFlowUntilTheMove() {
        fabric.configure(labConfig(VirtualNetworkSpec.Mode.OPTIMAL).withMobility(new CloudroamConfig.Mobility(
            Duration.ofMillis(200), MobilityGuard.Policy.DEFAULT, false,
            CloudroamConfig.VerifyStrategy.PROBE_THEN_APPLY)));
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        final var c2 = flowsOf(2);
        plugVm1InC2(Map.of("iface-id", "vm1", "attached-mac", VM1));
        assertEquals(0, fabric.counters().get(Counters.Kind.MIGRATIONS_PREPARED));
        assertEquals(List.of(new FlowSpec.Action.Output(1)), flowsOf(1).get("30/vm-100-" + VM1).actions());
        assertFalse(flowsOf(2).containsKey("30/vm-100-" + VM1 + "-prepared"), c2::toString);
        fabric.packetIn(2, 7, Pipeline.SOURCE, rarp(VM1));
        assertEquals(PortEvidence.ATTACHED_MAC, migrations.get(0).verification(), "the evidence still counts");
        assertEquals(Optional.empty(), migrations.get(migrations.size() - 1).prepared());
    }

    @Test
    void aPortInTheVmsOwnCloudOrOfATriangleNetworkPreparesNothing() {
        fabric.configure(labConfig(VirtualNetworkSpec.Mode.TRIANGLE));
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(1);
        plugVm1InC2(Map.of("iface-id", "vm1", "attached-mac", VM1));
        assertEquals(0, fabric.counters().get(Counters.Kind.MIGRATIONS_PREPARED), "triangle: the baseline");
        fabric.configure(preparing());
        // within c1: a second port for vm1 on its own switch
        final var loop1 = Fixtures.probeLoop(1, 20, 21);
        feed("c1", view(1, vmPort("tap-vm1", 1, "vm1"), new SwitchView.Interface("port-tap-vm1b", "tap-vm1b", "",
            Optional.of(8L), Map.of("iface-id", "vm1", "attached-mac", VM1), Map.of(), Map.of(), Optional.of("up")),
            tunnel(1, 2, 10), tunnel(1, 3, 11), loop1[0], loop1[1]));
        assertEquals(0, fabric.counters().get(Counters.Kind.MIGRATIONS_PREPARED), "a move within c1");
    }

    @Test
    void aPortPluggedWithTheSameIfaceIdIsEvidenceToo() {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(1);
        plugVm1InC2(Map.of("iface-id", "vm1"));
        fabric.packetIn(2, 7, Pipeline.SOURCE, rarp(VM1));
        assertEquals(PortEvidence.IFACE_ID, migrations.get(0).verification());
        assertEquals("c2", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
    }

    @Test
    void aLateFrameFromTheSourcePortAfterTheMoveIsProbedNotBelieved() {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(1);
        plugVm1InC2(Map.of("iface-id", "vm1", "attached-mac", VM1));
        fabric.packetIn(2, 7, Pipeline.SOURCE, rarp(VM1));
        // a frame vm1 sent before it paused reaches the controller from its source port, still plugged
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(2);
        assertEquals(1, packetOuts.size(), "vm1 is asked where it now is");
        assertEquals(2, packetOuts.get(0).datapathId());
        assertEquals(7, packetOuts.get(0).port());
        fabric.packetIn(2, 7, Pipeline.SOURCE, arpReply(VM1, "10.0.0.1"));
        flowsOf(2);
        assertEquals("c2", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        assertEquals(1, migrations.stream().map(MigrationRecord::id).distinct().count(), "one move, recorded");
        assertEquals("still-at-old-port", conflicts.get(0).reason());
    }

    @Test
    void aCancelledMigrationLeavesTheVmAndItsFlowsWhereTheyWere() {
        fabric.configure(preparing());
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        final var c1 = flowsOf(1);
        final var c2 = flowsOf(2);
        plugVm1InC2(Map.of("iface-id", "vm1", "attached-mac", VM1));
        assertTrue(flowsOf(2).containsKey("30/vm-100-" + VM1 + "-prepared"), "prepared");
        // the migration is cancelled: the destination port goes, vm1 goes on talking at its source
        final var loop2 = Fixtures.probeLoop(2, 20, 21);
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), tunnel(2, 1, 10), tunnel(2, 3, 11), loop2[0], loop2[1]));
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        assertEquals("c1", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        assertEquals(List.of(), migrations);
        assertEquals(List.of(), packetOuts);
        assertEquals(c1, flowsOf(1));
        assertEquals(c2, flowsOf(2));
    }

    @Test
    void aVmWhoseOldPortIsGoneMovesAtOnceAndOnlyChangedFlowsAreSent() {
        moveVm1ToC2(true, rarp(VM1));
        final var c2 = flowsOf(2);
        assertEquals(List.of(new FlowSpec.Action.Output(7)), c2.get("30/vm-100-" + VM1).actions());
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(10)),
            flowsOf(1).get("30/vm-100-" + VM1).actions(), "c1 now sends to vm1 through its tunnel to c2");
        assertEquals(1, table.find(100, MacAddress.parse(VM1)).orElseThrow().sequence());
        final var record = migrations.get(0);
        assertEquals(MigrationRecord.Trigger.RARP, record.trigger());
        assertEquals("old-port-gone", record.verification());
        assertEquals("c1", record.from().cloud());
        assertEquals("c2", record.to().cloud());
        assertTrue(record.flowsChanged() > 0 && record.switchesTouched().containsAll(List.of(1L, 2L)));
        assertTrue(record.flowsSent().isPresent());
        assertTrue(migrations.stream().anyMatch(m -> m.flowsConfirmed().isPresent()), "barrier confirmation");
        assertTrue(packetOuts.isEmpty(), "no probe when the old port is gone");
        final var counts = fabric.counters();
        assertEquals(1, counts.get(Counters.Kind.LOCATIONS_LEARNED));
        assertEquals(1, counts.get(Counters.Kind.MOVES_APPLIED));
        assertEquals(0, counts.get(Counters.Kind.SIGHTINGS_REFUSED));
        assertTrue(counts.get(Counters.Kind.PACKET_INS) >= 2, counts::toString);
        assertTrue(counts.get(Counters.Kind.FLOW_CHANGES) >= record.flowsChanged(), counts::toString);
    }

    @Test
    void aChangeOfVmPortsLeavesEverySwitchAsAFullCompilationWould() {
        // only VM ports change here, which the fabric follows without recompiling every switch
        final var config = Fixtures.config(new PortBindingSpec("c1", "vm1", 100), new PortBindingSpec("c2", "vm5", 100),
            new PortBindingSpec("c2", "vm1", 100), new PortBindingSpec("c1", "vm7", 300))
            .withRouting(new CloudroamConfig.Routing(Duration.ZERO, 3));
        fabric.configure(config);
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        fabric.packetIn(2, 1, Pipeline.SOURCE, arpRequest(VM5, "10.0.0.5", "10.0.0.1"));
        final var loop1 = Fixtures.probeLoop(1, 20, 21);
        final var loop2 = Fixtures.probeLoop(2, 20, 21);
        final var c2 = view(2, vmPort("tap-vm5", 1, "vm5"), tunnel(2, 1, 10), tunnel(2, 3, 11), loop2[0], loop2[1]);
        final var views = new HashMap<String, SwitchView>(Map.of("c2", c2));
        final List<Map.Entry<String, SwitchView>> steps = List.of(
            // vm1's port goes (vm1 detached everywhere); an unbound port and a port of VNI 300 come
            Map.entry("c1", view(1, vmPort("tap-x", 4, "nobody"), vmPort("tap-vm7", 5, "vm7"), tunnel(1, 2, 10),
                tunnel(1, 3, 11), loop1[0], loop1[1])),
            // vm5's port goes too
            Map.entry("c2", view(2, tunnel(2, 1, 10), tunnel(2, 3, 11), loop2[0], loop2[1])),
            // vm1's port comes back with another number, VNI 300's goes
            Map.entry("c1", view(1, vmPort("tap-x", 4, "nobody"), vmPort("tap-vm1", 3, "vm1"), tunnel(1, 2, 10),
                tunnel(1, 3, 11), loop1[0], loop1[1])),
            Map.entry("c2", c2));
        for (var step : steps) {
            feed(step.getKey(), step.getValue());
            views.put(step.getKey(), step.getValue());
            final var expected = io.cloudroam.impl.flow.FlowCompiler.compile(config, views, table.all());
            for (long dpid : List.of(1L, 2L)) {
                assertEquals(Fixtures.text(expected.get(dpid)), flowsOf(dpid), "switch " + dpid + " after " + step);
            }
        }
        // the new port is known to the packet-in path: vm1 is seen there and moves
        fabric.packetIn(1, 3, Pipeline.SOURCE, rarp(VM1));
        flowsOf(1);
        assertEquals(3, table.find(100, MacAddress.parse(VM1)).orElseThrow().port());
        assertEquals(List.of(new FlowSpec.Action.Output(3)), flowsOf(1).get("30/vm-100-" + VM1).actions());
        assertEquals(Fixtures.text(io.cloudroam.impl.flow.FlowCompiler.compile(config, views, table.all()).get(2L)),
            flowsOf(2));
    }

    @Test
    void aVmStillAnsweringAtItsOldPortDoesNotMove() {
        moveVm1ToC2(false, rarp(VM1));
        flowsOf(1);
        // the controller probes vm1 where it is
        assertEquals(1, packetOuts.size());
        assertEquals(1, packetOuts.get(0).datapathId());
        assertEquals(1, packetOuts.get(0).port());
        // ... and vm1 answers there: the RARP on c2 was a spoof
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpReply(VM1, "10.0.0.1"));
        flowsOf(1);
        assertEquals("c1", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        assertEquals(List.of(), migrations);
        assertEquals("still-at-old-port", conflicts.get(0).reason());
        assertEquals(1, fabric.counters().get(Counters.Kind.SIGHTINGS_REFUSED));
        assertEquals(0, fabric.counters().get(Counters.Kind.MOVES_APPLIED));
        assertEquals("c2", conflicts.get(0).claimed().cloud());
        assertEquals(List.of(new FlowSpec.Action.Output(1)), flowsOf(1).get("30/vm-100-" + VM1).actions());
    }

    private void applyThenProbe() {
        fabric.configure(labConfig(VirtualNetworkSpec.Mode.OPTIMAL).withMobility(new CloudroamConfig.Mobility(
            Duration.ofMillis(200), MobilityGuard.Policy.DEFAULT, true,
            CloudroamConfig.VerifyStrategy.APPLY_THEN_PROBE)));
    }

    @Test
    void applyThenProbeMovesAtTheFirstFrameAndTheMoveStandsWhenTheOldPortStaysSilent() {
        applyThenProbe();
        moveVm1ToC2(false, rarp(VM1));
        assertEquals("c2", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud(), "no wait");
        assertEquals(MoveVerifier.APPLIED_THEN_PROBED, migrations.get(0).verification());
        assertEquals(List.of(new FlowSpec.Action.Output(7)), flowsOf(2).get("30/vm-100-" + VM1).actions());
        assertEquals(1, packetOuts.size(), "the old port is asked all the same");
        assertEquals(1, packetOuts.get(0).datapathId());
        assertEquals(1, packetOuts.get(0).port());
        // a frame vm1 sent at its old port before it left, arriving late: no answer to the probe, ignored
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        scheduler.advance(Duration.ofMillis(200));
        assertEquals("c2", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        assertEquals(List.of(), conflicts);
        assertEquals(1, migrations.stream().map(MigrationRecord::id).distinct().count());
    }

    @Test
    void applyThenProbeMovesAForgedSightingBackWhenTheOldPortAnswersAndProbesThatPortFirstAfterwards() {
        applyThenProbe();
        // a forged RARP for vm1 from a port that carries no evidence while vm1 is alive at c1
        moveVm1ToC2(false, rarp(VM1));
        assertEquals("c2", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud(), "the spoof window opens");
        // vm1 answers the probe at its old port: back it goes, and the forged move is reported
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpReply(VM1, "10.0.0.1"));
        flowsOf(1);
        assertEquals("c1", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        assertEquals(1L, table.find(100, MacAddress.parse(VM1)).orElseThrow().port());
        assertEquals(List.of(MoveVerifier.APPLIED_THEN_PROBED, MoveVerifier.OLD_PORT_ANSWERED),
            migrations.stream().collect(java.util.stream.Collectors.toMap(MigrationRecord::id,
                MigrationRecord::verification, (a, b) -> b, java.util.TreeMap::new)).values().stream().toList());
        assertEquals("still-at-old-port", conflicts.get(0).reason());
        assertEquals("c2", conflicts.get(0).claimed().cloud());
        assertEquals(List.of(new FlowSpec.Action.Output(1)), flowsOf(1).get("30/vm-100-" + VM1).actions());
        // the same port forges again: this time it is probed first, and never gets vm1's traffic
        packetOuts.clear();
        fabric.packetIn(2, 7, Pipeline.SOURCE, rarp(VM1));
        assertEquals("c1", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        assertEquals(1, packetOuts.size(), "probed");
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpReply(VM1, "10.0.0.1"));
        assertEquals(2, conflicts.size());
        assertEquals("c1", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        assertEquals(List.of(new FlowSpec.Action.Output(1)), flowsOf(1).get("30/vm-100-" + VM1).actions());
    }

    @Test
    void aVmSilentAtItsOldPortMovesAfterTheVerifyTimeout() {
        moveVm1ToC2(false, rarp(VM1));
        scheduler.advance(Duration.ofMillis(199));
        assertEquals(List.of(), migrations, "not before verify-timeout");
        assertEquals("c1", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        scheduler.advance(Duration.ofMillis(1));
        assertEquals("old-port-silent", migrations.get(0).verification());
        assertTrue(!migrations.get(0).verified().isBefore(migrations.get(0).signalSeen()));
        assertEquals("c2", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
    }

    /** The MAC a proxy ARP reply sent by the controller answers with. */
    private static String answeredMac(final Sent reply) {
        final var frame = ByteBuffer.wrap(reply.frame());
        assertEquals(2, frame.getShort(20), "an ARP reply");
        long bits = 0;
        for (int i = 22; i < 28; i++) {
            bits = bits << 8 | reply.frame()[i] & 0xFF;
        }
        return MacAddress.of(bits).toString();
    }

    /** A third VM asks the controller, at c2, for 10.0.0.1; returns the MAC it answered with. */
    private String whoHas1001() {
        final int before = packetOuts.size();
        fabric.packetIn(2, 1, Pipeline.ARP, arpRequest("02:c0:00:00:00:07", "10.0.0.7", "10.0.0.1"));
        assertEquals(before + 1, packetOuts.size(), "one proxy answer");
        return answeredMac(packetOuts.get(before));
    }

    @Test
    void aVmClaimingAnotherVmsAddressIsReportedAndArpKeepsAnsweringWithTheHolder() {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        fabric.packetIn(2, 1, Pipeline.SOURCE, arpRequest(VM5, "10.0.0.5", "10.0.0.1"));
        flowsOf(1);
        assertEquals(VM1, whoHas1001());
        packetOuts.clear();
        // vm5 announces 10.0.0.1 as its own (gratuitous ARP): the controller asks vm1 at its port
        fabric.packetIn(2, 1, Pipeline.SOURCE, arpRequest(VM5, "10.0.0.1", "10.0.0.1"));
        flowsOf(1);
        assertEquals(1, packetOuts.size(), "one probe: " + packetOuts);
        assertEquals(List.of(1L, 1L), List.of(packetOuts.get(0).datapathId(), packetOuts.get(0).port()));
        // vm1 answers: the address stays with it
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpReply(VM1, "10.0.0.1"));
        flowsOf(1);
        assertEquals(1, conflicts.size(), conflicts::toString);
        final var conflict = conflicts.get(0);
        assertEquals("address-in-use", conflict.reason());
        assertEquals(Optional.of("10.0.0.1"), conflict.address());
        assertEquals(VM1, conflict.at().mac().toString());
        assertEquals(VM5, conflict.claimed().mac().toString());
        assertEquals(MigrationRecord.Trigger.GARP, conflict.trigger());
        assertEquals(1, fabric.counters().get(Counters.Kind.SIGHTINGS_REFUSED));
        assertEquals(Set.of("10.0.0.5"), table.find(100, MacAddress.parse(VM5)).orElseThrow().ipAddresses());
        assertEquals(Set.of("10.0.0.1"), table.find(100, MacAddress.parse(VM1)).orElseThrow().ipAddresses());
        packetOuts.clear();
        assertEquals(VM1, whoHas1001(), "the claimer's answer is never proxied");
        // the claimer keeps using the address: not a probe and a report per frame
        packetOuts.clear();
        fabric.packetIn(2, 1, Pipeline.SOURCE, arpRequest(VM5, "10.0.0.1", "10.0.0.1"));
        flowsOf(1);
        assertEquals(List.of(), packetOuts);
        assertEquals(1, conflicts.size());
        assertTrue(flowsOf(1).keySet().stream().filter(id -> id.contains("arp-100-10.0.0.1")).count() <= 1,
            "one ARP entry for the address");
    }

    @Test
    void anAddressWhoseHolderStaysSilentGoesToItsNewUser() {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        fabric.packetIn(2, 1, Pipeline.SOURCE, arpRequest(VM5, "10.0.0.1", "10.0.0.1"));
        // vm1 does not answer (a virtual address failed over to vm5): after verify-timeout it is vm5's
        scheduler.advance(Duration.ofMillis(199));
        assertEquals(Set.of(), table.find(100, MacAddress.parse(VM5)).orElseThrow().ipAddresses(), "not yet");
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(Set.of("10.0.0.1"), table.find(100, MacAddress.parse(VM5)).orElseThrow().ipAddresses());
        assertEquals(Set.of(), table.find(100, MacAddress.parse(VM1)).orElseThrow().ipAddresses());
        assertEquals(List.of(), conflicts);
        packetOuts.clear();
        assertEquals(VM5, whoHas1001());
    }

    /**
     * Property: no packet-in makes the fabric throw, on the caller's thread or its own, and it keeps
     * working after. Random frames and mutations of real ones (ARP, RARP, gratuitous ARP, this
     * controller's own latency probes), on configured and unknown switches, ports and tables.
     * {@code -Pfuzz} raises the count (cloudroam.fuzz.fabric.cases).
     */
    @Test
    void fuzzedPacketInsNeverThrowAndTheFabricKeepsWorking() {
        final int cases = Integer.getInteger("cloudroam.fuzz.fabric.cases", 20_000);
        final long seed = Long.getLong("cloudroam.fuzz.seed", 20261125L);
        final var random = new SplittableRandom(seed);
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        final var seeds = new ArrayList<byte[]>(List.of(arpRequest(VM1, "10.0.0.1", "10.0.0.5"), rarp(VM5),
            arpReply(VM1, "10.0.0.1"), arpRequest(VM5, "10.0.0.1", "10.0.0.1")));
        probesOut.forEach(probe -> seeds.add(probe.frame()));
        injected.forEach(probe -> seeds.add(probe.frame()));
        final long[] switchIds = {1, 2, 3, 9};
        final long[] ports = {1, 7, 10, 11, 20, 21, 99};
        final short[] tables = {Pipeline.CLASSIFY, Pipeline.SOURCE, Pipeline.ARP, 99};
        for (int i = 0; i < cases; i++) {
            // a millisecond per case: every port stays within its packet-in budget, so frames get decoded
            nanos.addAndGet(1_000_000);
            final byte[] frame = i % 4 == 0 ? FuzzFrames.random(random)
                : FuzzFrames.mutate(seeds.get(i % seeds.size()), random);
            final long dpid = switchIds[random.nextInt(switchIds.length)];
            final long port = ports[random.nextInt(ports.length)];
            final short tableId = tables[random.nextInt(tables.length)];
            final int index = i;
            assertDoesNotThrow(() -> fabric.packetIn(dpid, port, tableId, frame), () -> "seed " + seed + " case "
                + index + " threw on " + Arrays.toString(frame));
        }
        assertEquals(0, FabricHooks.taskFailures(fabric), "a fabric task threw (see the log)");
        assertEquals(cases, fabric.counters().get(Counters.Kind.PACKET_INS));
        // still working: a VM it never saw, on a port the fuzzing did not use, is learned and gets its flows
        final var loop1 = Fixtures.probeLoop(1, 20, 21);
        feed("c1", view(1, vmPort("tap-vm1", 1, "vm1"), vmPort("tap-vm9", 9, "vm1"), tunnel(1, 2, 10),
            tunnel(1, 3, 11), loop1[0], loop1[1]));
        fabric.packetIn(1, 9, Pipeline.SOURCE, arpRequest("02:c0:00:00:00:0a", "10.0.0.10", "10.0.0.5"));
        assertTrue(flowsOf(1).containsKey("30/vm-100-02:c0:00:00:00:0a"), () -> "no flows for the new VM");
    }

    @Test
    void restoredStateGivesItsFlowsWithoutAPacketAndTheHistoryGoesOn() {
        final var vm1 = new VmLocation(100, MacAddress.parse(VM1), "c1", 1, 1, Set.of("10.0.0.1"), 0,
            clock.instant(), clock.instant());
        feed("c3", view(3, tunnel(3, 1, 10), tunnel(3, 2, 11)));
        fabric.restore(new Restored(List.of(vm1), measuredWan(), 41, 7));
        // no packet-in, no probe round: vm1's flows are there, and c2 reaches it through c3 as measured
        assertEquals(List.of(new FlowSpec.Action.Output(1)), flowsOf(1).get("30/vm-100-" + VM1).actions());
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(11)),
            flowsOf(2).get("30/vm-100-" + VM1).actions(), "c2 -> c3 -> c1, the measured route");
        assertEquals(VM1, whoHas1001(), "its address is answered for");
        moveVm1ToC2(true, rarp(VM1));
        flowsOf(2);
        assertEquals(42, migrations.get(0).id(), "the next migration after the restored history");
    }

    /** What an earlier run measured on the fixture's WAN: c1-c2 40 ms, c1-c3 and c2-c3 10 ms, both ways. */
    private static List<RestoredLink> measuredWan() {
        final var links = new ArrayList<RestoredLink>();
        for (var pair : List.of(List.of("c1", "c2"), List.of("c1", "c3"), List.of("c2", "c3"))) {
            final long micros = fixtureMillis(pair.get(0), pair.get(1)) * 1_000;
            links.add(new RestoredLink(pair.get(0), pair.get(1), micros, micros));
            links.add(new RestoredLink(pair.get(1), pair.get(0), micros, micros));
        }
        return links;
    }

    @Test
    void aRestoredRouteThroughACloudWhoseViewComesLastIsKeptAllAlong() {
        // after a restart the OVSDB sessions connect one by one: here c3's comes last, after the
        // restore; c2 must not be routed around c3 meanwhile (its flows rewritten, then back)
        final var vm1 = new VmLocation(100, MacAddress.parse(VM1), "c1", 1, 1, Set.of("10.0.0.1"), 0,
            clock.instant(), clock.instant());
        fabric.restore(new Restored(List.of(vm1), measuredWan(), 0, 0));
        final var throughC3 = List.<FlowSpec.Action>of(new FlowSpec.Action.SetTunnelId(100),
            new FlowSpec.Action.Output(11));
        assertEquals(throughC3, flowsOf(2).get("30/vm-100-" + VM1).actions(), "c2 -> c3 -> c1 before c3 is seen");
        feed("c3", view(3, tunnel(3, 1, 10), tunnel(3, 2, 11)));
        assertEquals(throughC3, flowsOf(2).get("30/vm-100-" + VM1).actions(), "c2 -> c3 -> c1 once c3 is seen");
        assertEquals(List.of(throughC3), sentToC2.stream().filter(flow -> flow.id().equals("vm-100-" + VM1))
            .map(FlowSpec::actions).toList(), "vm1's entry on c2 was sent once");
        // c3's view says its tunnel to c1 is gone: from now on the view decides
        feed("c3", view(3, tunnel(3, 2, 11)));
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(10)),
            flowsOf(2).get("30/vm-100-" + VM1).actions(), "c2 -> c1 direct: c3 has no tunnel to c1");
    }

    @Test
    void aPortFloodingPacketInsIsCutOffWhileOthersAreHeard() {
        for (int i = 0; i < 1_500; i++) {
            fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(String.format("02:aa:00:00:%02x:%02x", i >> 8, i & 0xFF),
                "0.0.0.0", "10.0.0.5"));
        }
        flowsOf(1);
        final var counts = fabric.counters();
        assertEquals(500, counts.get(Counters.Kind.PACKET_INS_OVER_BUDGET), "a burst of 1,000, then nothing");
        assertEquals(LocationLearner.MAX_MACS_PER_PORT, table.macsAt(1, 1), "and no more MACs than a port may have");
        assertEquals(1_000 - LocationLearner.MAX_MACS_PER_PORT, counts.get(Counters.Kind.LOCATIONS_REFUSED));
        // another port is heard at once, and the flooding port again once its budget refilled
        fabric.packetIn(2, 1, Pipeline.SOURCE, arpRequest(VM5, "10.0.0.5", "10.0.0.1"));
        assertTrue(table.find(100, MacAddress.parse(VM5)).isPresent());
        nanos.addAndGet(1_000_000_000L);
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(String.format("02:aa:00:00:%02x:%02x", 0, 1), "0.0.0.0",
            "10.0.0.5"));
        assertEquals(500, fabric.counters().get(Counters.Kind.PACKET_INS_OVER_BUDGET));
    }

    @Test
    void aMacMovingTooOftenIsQuarantined() {
        fabric.configure(Fixtures.config(new PortBindingSpec("c1", "vm1", 100), new PortBindingSpec("c2", "vm5", 100),
            new PortBindingSpec("c2", "vm1", 100)).withMobility(new CloudroamConfig.Mobility(Duration.ZERO,
                new MobilityGuard.Policy(2, Duration.ofSeconds(30), Duration.ofSeconds(60)))));
        feed("c1", view(1, vmPort("tap-vm1", 1, "vm1"), tunnel(1, 2, 10), tunnel(1, 3, 11)));
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), vmPort("tap-vm1", 7, "vm1"), tunnel(2, 1, 10),
            tunnel(2, 3, 11)));
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        // to c2, back to c1, to c2 (one move too many), to c2 again (in quarantine)
        for (var at : new long[][] {{2, 7}, {1, 1}, {2, 7}, {2, 7}}) {
            fabric.packetIn(at[0], at[1], Pipeline.SOURCE, rarp(VM1));
            flowsOf(1);
        }
        assertEquals("c1", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud(), "stays where it was");
        // an operator clears the quarantine: the next move is applied again
        assertEquals(java.util.Optional.of(1), fabric.releaseQuarantine(MacAddress.parse(VM1), null));
        assertEquals(java.util.Optional.of(0), fabric.releaseQuarantine(MacAddress.parse(VM1), 100));
        assertEquals(java.util.Optional.empty(), fabric.releaseQuarantine(MacAddress.parse(VM5), null));
        fabric.packetIn(2, 7, Pipeline.SOURCE, rarp(VM1));
        flowsOf(1);
        assertEquals("c2", table.find(100, MacAddress.parse(VM1)).orElseThrow().cloud());
        assertEquals(3, migrations.stream().mapToLong(MigrationRecord::id).distinct().count(),
            "two before the quarantine, one after it was cleared");
        assertEquals(List.of("flapping", "quarantined"), conflicts.stream().map(ConflictRecord::reason).toList());
    }

    @Test
    void forgetsVmsNotSeenForTheIdleTimeoutWhenOneIsSet() {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(1);
        clock.now = clock.now.plusSeconds(3600);
        FabricHooks.now(fabric, new FabricEvent.Tick());
        assertTrue(table.find(100, MacAddress.parse(VM1)).isPresent(), "aging is off by default");

        fabric.configure(Fixtures.config(new PortBindingSpec("c1", "vm1", 100), new PortBindingSpec("c2", "vm5", 100))
            .withLocationIdleTimeout(Duration.ofSeconds(300)));
        FabricHooks.now(fabric, new FabricEvent.Tick());
        assertTrue(table.find(100, MacAddress.parse(VM1)).isEmpty());
        assertEquals(MacAddress.parse(VM1), forgotten.get(0).mac());
        assertFalse(flowsOf(1).containsKey("10/vm-100-" + VM1), "its flows went with it");
        assertFalse(flowsOf(2).containsKey("20/arp-100-10.0.0.1"));
    }

    @Test
    void aVmSeenRecentlyIsKept() {
        fabric.configure(Fixtures.config(new PortBindingSpec("c1", "vm1", 100))
            .withLocationIdleTimeout(Duration.ofSeconds(300)));
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        clock.now = clock.now.plusSeconds(200);
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        clock.now = clock.now.plusSeconds(200);
        FabricHooks.now(fabric, new FabricEvent.Tick());
        assertTrue(table.find(100, MacAddress.parse(VM1)).isPresent(), "seen 200 s ago, timeout 300 s");
        assertTrue(CloudroamConfig.EMPTY.locationIdleTimeout().isZero());
    }

    /** The fixture's tunnel ports: "cloud-remote" → OpenFlow port on cloud. */
    private static final Map<String, Long> TUNNEL_PORTS = Map.of("c1-c2", 10L, "c1-c3", 11L, "c2-c1", 10L,
        "c2-c3", 11L, "c3-c1", 10L, "c3-c2", 11L);

    private static String remoteOf(final String cloud, final long port) {
        return TUNNEL_PORTS.entrySet().stream().filter(e -> e.getKey().startsWith(cloud + "-") && e.getValue() == port)
            .map(e -> e.getKey().substring(cloud.length() + 1)).findFirst().orElseThrow();
    }

    /** Returns a probe as if it had spent {@code millis} on the way, at the switch it was sent toward. */
    private void answer(final Sent probe, final long atDpid, final long atPort, final long millis) {
        final long sent = ByteBuffer.wrap(probe.frame()).getLong(14 + 4 + 1 + 8 + 8);
        nanos.set(sent + millis * 1_000_000);
        fabric.packetIn(atDpid, atPort, Pipeline.CLASSIFY, probe.frame());
    }

    @Test
    void probesOverEveryTunnelSteerTrafficThroughAFasterThirdCloud() {
        feed("c3", view(3, tunnel(3, 1, 10), tunnel(3, 2, 11)));
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(10)),
            flowsOf(2).get("30/vm-100-" + VM1).actions(), "unmeasured: c2 uses its direct tunnel to c1");
        // the switches send the probes back to the controller; c1-c2 40 ms, c1-c3 and c2-c3 10 ms; a
        // direction gives samples once its warm-up is over and it has a full window of rounds
        for (int round = 0; round < LatencyProbes.WARM_UP + LatencyProbes.WINDOW; round++) {
            probesOut.clear();
            injected.clear();
            FabricHooks.now(fabric, new FabricEvent.ProbeRound());
            assertEquals(6, probesOut.size(), "one probe per tunnel: " + probesOut);
            assertEquals(List.of(1L, 1L, 2L, 2L, 3L, 3L), injected.stream().map(Sent::datapathId).sorted().toList(),
                "and a loop probe before each");
            for (var probe : probesOut) {
                final var from = "c" + probe.datapathId();
                final var to = remoteOf(from, probe.port());
                answer(probe, Long.parseLong(to.substring(1)), TUNNEL_PORTS.get(to + "-" + from),
                    from.equals("c3") || to.equals("c3") ? 10 : 40);
            }
        }
        final var c2 = flowsOf(2);
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(11)),
            c2.get("30/vm-100-" + VM1).actions(), "c2 reaches vm1 in c1 through c3 (20 ms, not 40)");
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(10)),
            flowsOf(3).get("30/vm-100-" + VM1 + "-relay").actions(), "c3 relays frames from c2 on to c1");
        // the next round publishes what was measured
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        final var links = routingPublished.get(routingPublished.size() - 1);
        assertEquals(6, links.size());
        final var c1c2 = links.stream().filter(l -> l.from().equals("c1") && l.to().equals("c2")).findFirst()
            .orElseThrow();
        assertEquals(40_000, c1c2.latency().orElseThrow());
        assertEquals(1, c1c2.samples());
        assertTrue(c1c2.reachable());
    }

    /**
     * Probe rounds over the fixture's tunnels (c1-c2 40 ms, c1-c3 and c2-c3 10 ms) until every
     * direction gave its first sample: the warm-up, then a full window.
     */
    private void measure() {
        for (int round = 0; round < LatencyProbes.WARM_UP + LatencyProbes.WINDOW; round++) {
            probeRound(FabricTest::fixtureMillis);
        }
    }

    /** One-way latency of the fixture's WAN: c1-c2 40 ms, c1-c3 and c2-c3 10 ms. */
    private static Long fixtureMillis(final String from, final String to) {
        return from.equals("c3") || to.equals("c3") ? 10L : 40L;
    }

    /**
     * One probe round; each cross probe comes back after the time given for its direction (none
     * for {@code null}).
     */
    private void probeRound(final java.util.function.BiFunction<String, String, Long> millis) {
        probesOut.clear();
        injected.clear();
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        for (var probe : List.copyOf(probesOut)) {
            final var from = "c" + probe.datapathId();
            final var to = remoteOf(from, probe.port());
            final var after = millis.apply(from, to);
            if (after != null) {
                answer(probe, Long.parseLong(to.substring(1)), TUNNEL_PORTS.get(to + "-" + from), after);
            }
        }
    }

    @Test
    void pathMtuProbesFindWhatEachTunnelCarriesAndTheNetworksFollow() {
        feed("c3", view(3, tunnel(3, 1, 10), tunnel(3, 2, 11)));
        // the WAN carries 1500-byte packets, but c1 -> c3 only 1400
        for (int round = 0; round < 15; round++) {
            nanos.addAndGet(1_000_000_000L);
            mtuProbesOut.clear();
            probeRound(FabricTest::fixtureMillis);
            for (var probe : List.copyOf(mtuProbesOut)) {
                final var from = "c" + probe.datapathId();
                final var to = remoteOf(from, probe.port());
                final int size = probe.frame().length + Encapsulation.VXLAN_IPV4.outer();
                if (size <= (from.equals("c1") && to.equals("c3") ? 1400 : 1500)) {
                    answer(probe, Long.parseLong(to.substring(1)), TUNNEL_PORTS.get(to + "-" + from), 10);
                }
            }
        }
        final var tunnels = fabric.tunnels();
        final var c1c3 = tunnels.stream().filter(t -> t.cloud().equals("c1") && t.remoteCloud().equals("c3"))
            .findFirst().orElseThrow();
        assertEquals(new PathMtu.Estimate(PathMtu.State.MEASURED, 1400), c1c3.pathMtu());
        assertEquals(1350, c1c3.overlayMtu());
        assertTrue(tunnels.stream().filter(t -> t != c1c3)
            .allMatch(t -> t.pathMtu().pathMtu() == 1500 && t.overlayMtu() == 1450), tunnels::toString);
        // blue spans c1, c2 and c3 and crosses c1 -> c3: derived 1350; so does red (c1, c2), whose
        // traffic from c1 to c2 goes through c3 (20 ms, not 40)
        assertEquals(List.of(new NetworkMtus.Network(100, 1350, NetworkMtus.Source.DERIVED, List.of()),
            new NetworkMtus.Network(300, 1350, NetworkMtus.Source.DERIVED, List.of())), fabric.networkMtus());
    }

    @Test
    void aTunnelWhoseBfdGoesDownIsAvoidedAtOnceBothWays() {
        // a tunnel that was never up (BFD starts down) is left to the probes
        feed("c3", view(3, tunnel(3, 1, 10), new SwitchView.Interface("port-crv-c2", "crv-c2", "vxlan",
            Optional.of(11L), Map.of(SwitchView.REMOTE_CLOUD_KEY, "c2"), Map.of(), Map.of("state", "down"),
            Optional.of("up"))));
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        assertTrue(routingPublished.get(routingPublished.size() - 1).stream().allMatch(Routes.LinkState::reachable),
            "a new tunnel's BFD starting down marks nothing");
        feed("c3", view(3, tunnel(3, 1, 10), tunnel(3, 2, 11)));
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        measure();
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(11)),
            flowsOf(2).get("30/vm-100-" + VM1).actions(), "c2 reaches vm1 in c1 through c3");
        // c2's BFD session with c3 fails (the WAN between them died): no probe round is needed
        final var dead = tunnel(2, 3, 11);
        final var loop2 = Fixtures.probeLoop(2, 20, 21);
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), tunnel(2, 1, 10), new SwitchView.Interface(dead.portUuid(),
            dead.name(), dead.type(), dead.ofport(), dead.externalIds(), dead.options(), dead.bfd(),
            Map.of("state", "down"), dead.linkState()), loop2[0], loop2[1]));
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(10)),
            flowsOf(2).get("30/vm-100-" + VM1).actions(), "c2 falls back on its direct tunnel to c1");
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        final var links = routingPublished.get(routingPublished.size() - 1);
        for (var direction : List.of(List.of("c2", "c3"), List.of("c3", "c2"))) {
            assertFalse(links.stream().filter(l -> l.from().equals(direction.get(0)) && l.to().equals(direction.get(1)))
                .findFirst().orElseThrow().reachable(), () -> direction + " still reachable: " + links);
        }
        // the outage lasts: more rounds than probe-loss allows go unanswered over c2-c3, the rest answer
        for (int round = 0; round < 4; round++) {
            probeRound((from, to) -> Set.of(from, to).equals(Set.of("c2", "c3")) ? null : fixtureMillis(from, to));
        }
        // BFD comes back (a restarted switch): the link has its latency back at once, no probe round
        final var loop = Fixtures.probeLoop(2, 20, 21);
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), tunnel(2, 1, 10), tunnel(2, 3, 11), loop[0], loop[1]));
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(11)),
            flowsOf(2).get("30/vm-100-" + VM1).actions(), "c2 goes through c3 again");
        // the next round comes before any probe sent since the link returned had time to come back:
        // the rounds lost in the outage must not mark it silent again (the route would flap)
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        assertTrue(routingPublished.get(routingPublished.size() - 1).stream().allMatch(Routes.LinkState::reachable),
            () -> "every link usable again: " + routingPublished.get(routingPublished.size() - 1));
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(11)),
            flowsOf(2).get("30/vm-100-" + VM1).actions(), "c2 keeps going through c3");
    }

    @Test
    void aProbeHeldOnItsWayOutForSecondsIsNoSample() {
        feed("c3", view(3, tunnel(3, 1, 10), tunnel(3, 2, 11)));
        measure();
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        final var before = routingPublished.get(routingPublished.size() - 1).stream()
            .filter(l -> l.from().equals("c2") && l.to().equals("c3")).findFirst().orElseThrow();
        // the next round's c2 -> c3 probe comes back 3 s later (a switch still connecting held it)
        probeRound((from, to) -> from.equals("c2") && to.equals("c3") ? 3_000L : fixtureMillis(from, to));
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        final var after = routingPublished.get(routingPublished.size() - 1).stream()
            .filter(l -> l.from().equals("c2") && l.to().equals("c3")).findFirst().orElseThrow();
        assertEquals(before.samples(), after.samples(), "the late probe gave no sample");
        assertEquals(before.latency(), after.latency());
    }

    @Test
    void aProbeWithAForeignTokenOrArrivingAtTheWrongCloudIsIgnored() {
        feed("c3", view(3, tunnel(3, 1, 10), tunnel(3, 2, 11)));
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        final var c1toC2 = probesOut.stream().filter(p -> p.datapathId() == 1 && p.port() == 10).findFirst()
            .orElseThrow();
        answer(c1toC2, 3, 10, 40); // delivered at c3 although sent toward c2
        final var forged = new LatencyProbes(7).frame(LatencyProbes.Kind.CROSS, "c1", "c2", System.nanoTime());
        fabric.packetIn(2, 10, Pipeline.CLASSIFY, forged);
        FabricHooks.now(fabric, new FabricEvent.ProbeRound());
        final var links = routingPublished.get(routingPublished.size() - 1);
        assertTrue(links.stream().allMatch(link -> link.samples() == 0), links::toString);
    }

    @Test
    void anAnnouncedMoveIsAppliedWhenTheOldPortGoesAndTheTargetPortExistsWithoutAPacket() {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(1);
        final var vm1 = MacAddress.parse(VM1);
        assertTrue(fabric.announce(MacAddress.parse("02:c0:00:00:00:99"), null, "c2", null)
            instanceof Announcement.Outcome.UnknownVm);
        assertEquals(new Announcement.Outcome.Invalid("target-cloud 'c9' is not a configured cloud"),
            fabric.announce(vm1, null, "c9", null));
        assertEquals(new Announcement.Outcome.Invalid("target-cloud 'c1': VM " + VM1 + " is in that cloud already"),
            fabric.announce(vm1, null, "c1", null));
        assertTrue(fabric.announce(vm1, 300, "c2", null) instanceof Announcement.Outcome.UnknownVm, "other VNI");
        assertTrue(fabric.announce(vm1, null, "c2", null) instanceof Announcement.Outcome.Accepted);
        assertEquals("c1", table.find(100, vm1).orElseThrow().cloud(), "nothing moves yet");

        // the hypervisor plugs the target port (iface-id and attached-mac as libvirt sets them), then the
        // old one goes
        final var loop2 = Fixtures.probeLoop(2, 20, 21);
        final var target = new SwitchView.Interface("port-tap-vm1", "tap-vm1", "", Optional.of(7L),
            Map.of("iface-id", "vm1", "attached-mac", VM1), Map.of(), Map.of(), Optional.of("up"));
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), target, tunnel(2, 1, 10), tunnel(2, 3, 11), loop2[0],
            loop2[1]));
        assertEquals("c1", table.find(100, vm1).orElseThrow().cloud(), "the VM still runs at its old port");
        feed("c1", view(1, tunnel(1, 2, 10), tunnel(1, 3, 11)));
        final var now = table.find(100, vm1).orElseThrow();
        assertEquals("c2", now.cloud());
        assertEquals(7, now.port());
        assertEquals(MigrationRecord.Trigger.ANNOUNCED, migrations.get(0).trigger());
        assertEquals(List.of(new FlowSpec.Action.Output(7)), flowsOf(2).get("30/vm-100-" + VM1).actions());
    }

    /** The configuration of {@link #start()}, with VNI 100 in a mode. */
    private static CloudroamConfig labConfig(final VirtualNetworkSpec.Mode mode) {
        final var config = Fixtures.config(new PortBindingSpec("c1", "vm1", 100), new PortBindingSpec("c2", "vm5", 100),
            new PortBindingSpec("c2", "vm1", 100));
        final var networks = new java.util.ArrayList<>(config.networks().values());
        networks.replaceAll(network -> network.vni() == 100 ? new VirtualNetworkSpec(100, network.name(),
            network.clouds(), mode) : network);
        return CloudroamConfig.of(List.copyOf(config.clouds().values()), networks, config.bindings());
    }

    @Test
    void theReactiveBaselineForgetsAMovedVmAndItsFlowsUntilItIsSeenAgain() {
        fabric.configure(labConfig(VirtualNetworkSpec.Mode.REACTIVE));
        moveVm1ToC2(true, rarp(VM1));
        final var vm1 = MacAddress.parse(VM1);
        assertTrue(table.find(100, vm1).isEmpty(), "forgotten");
        assertTrue(flowsOf(1).keySet().stream().noneMatch(key -> key.contains(VM1)), "no flow for it on c1");
        assertTrue(flowsOf(2).keySet().stream().noneMatch(key -> key.contains(VM1)), "nor on c2");
        assertEquals(1, migrations.stream().map(MigrationRecord::id).distinct().count(), "the move is recorded");
        fabric.packetIn(2, 7, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        assertEquals(List.of(new FlowSpec.Action.Output(7)), flowsOf(2).get("30/vm-100-" + VM1).actions(),
            "learned again at its new port");
    }

    @Test
    void aMoveUpdatesTheNewCloudFirstThenTheOthersAndTheOldCloudRelays() {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        flowsOf(1);
        // vm1 appears on c2 while its port on c1 still exists and stays silent: the move is believed
        // after verify-timeout
        feed("c2", view(2, vmPort("tap-vm5", 1, "vm5"), vmPort("tap-vm1", 7, "vm1"), tunnel(2, 1, 10),
            tunnel(2, 3, 11)));
        applyOrder.clear();
        fabric.packetIn(2, 7, Pipeline.SOURCE, rarp(VM1));
        scheduler.advance(Duration.ofMillis(200));
        assertTrue(migrations.stream().anyMatch(m -> m.flowsConfirmed().isPresent()), migrations::toString);
        assertEquals(List.of(2L, 1L), applyOrder.subList(0, 2), "c2 (new) first, then c1: " + applyOrder);
        assertEquals(List.of(new FlowSpec.Action.SetTunnelId(100), new FlowSpec.Action.Output(10)),
            flowsOf(1).get("30/vm-100-" + VM1).actions(), "c1 sends frames for vm1 on to c2");
        assertFalse(flowsOf(1).containsKey("10/vm-100-" + VM1),
            "c1's source entry for the old port is gone: the VM coming back there would be seen");
    }

    @Test
    void switchingBetweenTheTwoMethodsThatRecordFlowsSendsNothingAndToRpcSendsEverythingAgain() {
        fabric.packetIn(1, 1, Pipeline.SOURCE, arpRequest(VM1, "10.0.0.1", "10.0.0.5"));
        final var before = flowsOf(1);
        assertTrue(before.containsKey("10/vm-100-" + VM1));
        final var config = Fixtures.config(new PortBindingSpec("c1", "vm1", 100),
            new PortBindingSpec("c2", "vm5", 100), new PortBindingSpec("c2", "vm1", 100));
        applyOrder.clear();
        fabric.configure(config.withFlowProgramming(CloudroamConfig.FlowProgramming.DIRECT));
        assertEquals(CloudroamConfig.FlowProgramming.DIRECT, fabric.config().flowProgramming());
        assertEquals(List.of(), applyOrder, "datastore -> direct: the same record, the switches keep their flows");
        assertEquals(before, flowsOf(1));
        fabric.configure(config.withFlowProgramming(CloudroamConfig.FlowProgramming.RPC));
        assertEquals(CloudroamConfig.FlowProgramming.RPC, fabric.config().flowProgramming());
        assertTrue(applyOrder.contains(1L) && applyOrder.contains(2L),
            "direct -> rpc: the recorded flows go, the new method sends them again: " + applyOrder);
        assertEquals(before, flowsOf(1), "and the switch ends with the same flows");
    }
}
