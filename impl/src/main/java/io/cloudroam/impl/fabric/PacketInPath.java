/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.flow.Ipv4;
import io.cloudroam.impl.flow.Pipeline;
import io.cloudroam.impl.location.LocationLearner;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.packet.ArpFrames;
import io.cloudroam.impl.packet.DecodedFrame;
import io.cloudroam.impl.packet.FrameDecoder;
import io.cloudroam.impl.topology.LatencyProbes;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The packet-in path, on the caller's thread: counts, places the frame (switch, bound port),
 * applies the port's budget, decodes, answers ARP for a known address, and hands what is left to
 * the fabric's thread. Reads only what is safe to read there: the overlay's lookup (replaced whole)
 * and the location table's address holders.
 */
final class PacketInPath {
    /** Packet-ins a port may send: 1,000 a second on average, bursts of 1,000 (docs/reliability.md). */
    private final PacketInBudget budget = new PacketInBudget(1_000, 1_000);
    private final FrameDecoder decoder = new FrameDecoder();
    private final Supplier<Overlay.Lookup> lookup;
    private final Routing routing;
    private final LocationTable table;
    private final PacketSender sender;
    private final Counters counters;
    private final Clock clock;
    private final LongSupplier nanos;
    private final Consumer<FabricEvent> post;

    PacketInPath(final Supplier<Overlay.Lookup> lookup, final Routing routing, final LocationTable table,
            final PacketSender sender, final Counters counters, final Clock clock, final LongSupplier nanos,
            final Consumer<FabricEvent> post) {
        this.lookup = requireNonNull(lookup);
        this.routing = requireNonNull(routing);
        this.table = requireNonNull(table);
        this.sender = requireNonNull(sender);
        this.counters = requireNonNull(counters);
        this.clock = requireNonNull(clock);
        this.nanos = requireNonNull(nanos);
        this.post = requireNonNull(post);
    }

    /**
     * A packet-in from a switch.
     *
     * @param datapathId the switch
     * @param port the ingress port
     * @param tableId the table that sent it
     * @param payload the frame
     */
    void packetIn(final long datapathId, final long port, final short tableId, final byte[] payload) {
        final var current = lookup.get();
        counters.increment(Counters.Kind.PACKET_INS);
        final var cloud = current.cloudOf().get(datapathId);
        if (LatencyProbes.isProbe(payload)) {
            final long arrival = nanos.getAsLong();
            final var probe = routing.parse(payload);
            if (probe.isPresent() && cloud != null) {
                counters.increment(Counters.Kind.PROBE_ANSWERS);
                post.accept(new FabricEvent.ProbeAnswered(probe.orElseThrow(), cloud, arrival));
                return;
            }
        }
        final var vni = current.vniOf().getOrDefault(datapathId, Map.of()).get(port);
        if (cloud == null || vni == null) {
            counters.increment(Counters.Kind.PACKET_INS_IGNORED);
            return;
        }
        if (!budget.allow(datapathId, port, nanos.getAsLong())) {
            counters.increment(Counters.Kind.PACKET_INS_OVER_BUDGET);
            return;
        }
        final var decoded = decoder.decode(payload);
        if (decoded.isEmpty()) {
            counters.increment(Counters.Kind.PACKET_INS_IGNORED);
            return;
        }
        final var frame = decoded.orElseThrow();
        if (tableId == Pipeline.ARP && frame.kind() == DecodedFrame.Kind.ARP && frame.arpOperation() == 1) {
            table.holderOf(vni, Ipv4.format(frame.targetIp4())).filter(owner -> owner.bits() != frame.senderMac())
                .ifPresent(owner -> {
                    sender.send(datapathId, port, ArpFrames.reply(frame, owner.bits()));
                    counters.increment(Counters.Kind.ARP_REPLIES);
                });
        }
        post.accept(new FabricEvent.Sighted(new LocationLearner.Sighting(vni, cloud, datapathId, port, clock.instant()),
            frame, payload, triggerOf(frame)));
    }

    /** What a frame would reveal as a move. */
    static MigrationRecord.Trigger triggerOf(final DecodedFrame frame) {
        if (frame.kind() == DecodedFrame.Kind.RARP) {
            return MigrationRecord.Trigger.RARP;
        }
        if (frame.isGratuitousArp()) {
            return MigrationRecord.Trigger.GARP;
        }
        return frame.isUnsolicitedNeighborAdvertisement() ? MigrationRecord.Trigger.UNSOLICITED_NA
            : MigrationRecord.Trigger.PACKET;
    }
}
