/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.topology;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Latency probes between clouds: their frames and what their arrival times mean.
 *
 * <p>A <em>cross</em> probe is a packet-out at cloud A's switch into the tunnel toward cloud B; B's
 * switch sends it to the controller (through a patch-port loop that clears the tunnel metadata
 * openflowplugin cannot decode, see {@code TunnelPlanner.loopNames}), so arrival minus departure is
 * A→B's one-way latency plus the controller's own packet-out and packet-in time. Each cross probe
 * is paired with a <em>loop</em> probe sent just before it to the same switch, which re-enters that
 * switch's pipeline as if it had come over the same tunnel and comes straight back: it measures the
 * controller's time alone, including the wait in openflowplugin's queue toward that switch, and is
 * taken off the cross samples of that direction. Both ends are timed by the same controller clock,
 * so no clock synchronisation is needed.
 *
 * <p>Queueing only ever adds to a sample, and on the lab some probe packet-ins are delivered late,
 * together with later ones, so a sample is the minimum of the last {@value #WINDOW} rounds' values of
 * its direction, and a direction gives samples only once it has {@value #WINDOW} (at start and after
 * a loss): a latency increase shows after {@value #WINDOW} rounds, a decrease at once.
 *
 * <p>The first {@value #WARM_UP} rounds a direction answers in are no samples, of either kind: while
 * a controller starts (or takes over) and its switches connect, openflowplugin delays packet-outs
 * and packet-ins by tens of milliseconds, unevenly, so a loop probe can take longer than the cross
 * probe it is paired with and the difference says a 40 ms link has none (seen after restarts:
 * samples of 0 and of 43 ms on links of 40 and 10 ms, which moved routes for a few seconds). Until
 * then the latencies of an earlier run, when restored, stand.
 *
 * <p>Frames carry a random per-controller token and use the local experimental EtherType
 * {@value #ETHER_TYPE} with tunnel id 0, which no VM traffic has (every VM frame crosses tunnels with
 * its VNI). Not thread-safe: one owner.
 */
public final class LatencyProbes {
    /** EtherType of the probes (IEEE 802 local experimental 1). */
    public static final int ETHER_TYPE = 0x88B5;
    /** Destination MAC of the probes (locally administered). */
    public static final long DESTINATION = 0x02C1_0D00_0002L;
    /** Source MAC of the probes, the one the ARP probes use too. */
    public static final long SOURCE = 0x02C1_0D00_0001L;

    private static final int MAGIC = 0x43524C50; // "CRLP"
    private static final int HEADER = 14;
    private static final int MIN_FRAME = 60;
    /** Rounds a sample is the minimum of. */
    public static final int WINDOW = 5;
    /**
     * Rounds, after the first probe came back anywhere, before the silence of a cloud that has not
     * answered once counts: a switch slow to connect is not routed around, a dead one is in the end.
     */
    public static final int UNPROVEN_ROUNDS = 20;
    /** Rounds, from a direction's first answer, whose answers show it works but are no samples. */
    public static final int WARM_UP = 5;

    /** What a probe measures. */
    public enum Kind {
        /** Over a tunnel, from one cloud to another. */
        CROSS,
        /** Back into the sending switch: the controller's own share of the cross probe it is paired with. */
        LOOP,
        /** Over a tunnel, padded to a size: path MTU discovery ({@link PathMtu}). */
        MTU
    }

    /**
     * A decoded probe.
     *
     * @param kind what it measures
     * @param round the round it was sent in
     * @param sentNanos departure time, controller clock
     * @param from sending cloud
     * @param to receiving cloud (for a loop probe, that of the cross probe it is paired with)
     * @param size for a path MTU probe, the underlay packet size it stands for; 0 otherwise
     */
    public record Probe(Kind kind, long round, long sentNanos, String from, String to, int size) {
        /**
         * A latency probe (no size).
         *
         * @param kind what it measures
         * @param round the round it was sent in
         * @param sentNanos departure time, controller clock
         * @param from sending cloud
         * @param to receiving cloud
         */
        public Probe(final Kind kind, final long round, final long sentNanos, final String from, final String to) {
            this(kind, round, sentNanos, from, to, 0);
        }
    }

    /**
     * One direction between two clouds.
     *
     * @param from sending cloud
     * @param to receiving cloud
     */
    public record Link(String from, String to) {
        /**
         * Checks the parts.
         */
        public Link {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
        }
    }

    private final long token;
    private final Map<Link, java.util.ArrayDeque<Long>> overheadNanos = new HashMap<>();
    private final Map<Link, Long> firstSent = new HashMap<>();
    private final Map<Link, Long> lastAnswered = new HashMap<>();
    private final Map<Link, java.util.ArrayDeque<Long>> recent = new HashMap<>();
    private long round;
    /** The round in which the first cross probe came back, -1 before. */
    private long firstAnswerRound = -1;
    /** The round in which each cloud's switch first took part in a probe that came back. */
    private final Map<String, Long> firstAnswerOf = new HashMap<>();
    /** Per direction and kind of probe, the round of the first answer: the warm-up counts from it. */
    private final Map<Link, Long> firstCross = new HashMap<>();
    private final Map<Link, Long> firstLoop = new HashMap<>();

    /**
     * Creates one.
     *
     * @param token a random number only this controller puts in its probes
     */
    public LatencyProbes(final long token) {
        this.token = token;
    }

    /**
     * Whether a frame looks like a probe (the EtherType only; {@link #parse} checks the rest).
     *
     * @param frame an Ethernet frame
     * @return true for the probe EtherType
     */
    public static boolean isProbe(final byte[] frame) {
        return frame.length >= HEADER && ((frame[12] & 0xFF) << 8 | frame[13] & 0xFF) == ETHER_TYPE;
    }

    /**
     * Starts a probe round.
     *
     * @return its number
     */
    public long nextRound() {
        return ++round;
    }

    /**
     * The frame of a probe of the current round.
     *
     * @param kind what it measures
     * @param from sending cloud
     * @param to receiving cloud (for a loop probe, that of the cross probe it is paired with)
     * @param sentNanos departure time
     * @return the Ethernet frame
     */
    public byte[] frame(final Kind kind, final String from, final String to, final long sentNanos) {
        if (kind == Kind.MTU) {
            throw new IllegalArgumentException("a path MTU probe has a size: mtuFrame");
        }
        return build(kind, from, to, sentNanos, 0, 0);
    }

    /**
     * The frame of a path MTU probe of the current round, padded so that its encapsulation is
     * {@code size} bytes long.
     *
     * @param from sending cloud
     * @param to receiving cloud
     * @param size the underlay IP packet size it stands for
     * @param encapsulation what the tunnel adds to a frame (outer IP, UDP and VXLAN headers)
     * @param sentNanos departure time
     * @return the Ethernet frame, {@code size - encapsulation} bytes long
     */
    public byte[] mtuFrame(final String from, final String to, final int size, final int encapsulation,
            final long sentNanos) {
        return build(Kind.MTU, from, to, sentNanos, size, size - encapsulation);
    }

    private byte[] build(final Kind kind, final String from, final String to, final long sentNanos,
            final int size, final int length) {
        final var fromBytes = from.getBytes(StandardCharsets.UTF_8);
        final var toBytes = to.getBytes(StandardCharsets.UTF_8);
        if (fromBytes.length > 255 || toBytes.length > 255) {
            throw new IllegalArgumentException("cloud id too long");
        }
        if (kind == Kind.CROSS) {
            firstSent.putIfAbsent(new Link(from, to), round);
        }
        final int needed = HEADER + 4 + 1 + 8 + 8 + 8 + 2 + fromBytes.length + toBytes.length + (size > 0 ? 2 : 0);
        if (size > 0 && length < needed) {
            throw new IllegalArgumentException("a probe of " + size + " bytes is too short for its contents");
        }
        final var buffer = ByteBuffer.allocate(Math.max(Math.max(MIN_FRAME, needed), length));
        putMac(buffer, DESTINATION);
        putMac(buffer, SOURCE);
        buffer.putShort((short) ETHER_TYPE).putInt(MAGIC).put((byte) kind.ordinal()).putLong(token).putLong(round)
            .putLong(sentNanos).put((byte) fromBytes.length).put(fromBytes).put((byte) toBytes.length).put(toBytes);
        if (size > 0) {
            buffer.putShort((short) size);
        }
        return buffer.array();
    }

    private static void putMac(final ByteBuffer buffer, final long mac) {
        buffer.putShort((short) (mac >>> 32)).putInt((int) mac);
    }

    /**
     * Decodes a probe this controller sent.
     *
     * @param frame an Ethernet frame
     * @return the probe; empty for anything else (other EtherType, other token, truncated)
     */
    public Optional<Probe> parse(final byte[] frame) {
        if (!isProbe(frame) || frame.length < HEADER + 4 + 1 + 8 + 8 + 8 + 2) {
            return Optional.empty();
        }
        final var buffer = ByteBuffer.wrap(frame, HEADER, frame.length - HEADER);
        if (buffer.getInt() != MAGIC) {
            return Optional.empty();
        }
        final int kind = buffer.get();
        if (kind < 0 || kind >= Kind.values().length || buffer.getLong() != token) {
            return Optional.empty();
        }
        final long sentRound = buffer.getLong();
        final long sent = buffer.getLong();
        final var from = string(buffer);
        final var to = from == null ? null : string(buffer);
        if (to == null || from.isEmpty() || to.isEmpty()) {
            return Optional.empty();
        }
        int size = 0;
        if (kind == Kind.MTU.ordinal()) {
            if (buffer.remaining() < 2) {
                return Optional.empty();
            }
            size = buffer.getShort() & 0xFFFF;
        }
        return Optional.of(new Probe(Kind.values()[kind], sentRound, sent, from, to, size));
    }

    private static String string(final ByteBuffer buffer) {
        if (!buffer.hasRemaining()) {
            return null;
        }
        final int length = buffer.get() & 0xFF;
        if (buffer.remaining() < length) {
            return null;
        }
        final var bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * A probe came back.
     *
     * @param probe the probe
     * @param arrivalNanos when its packet-in arrived, same clock as its departure
     * @return for a cross probe of a direction with a full window, the one-way latency sample in
     *         microseconds (never negative)
     */
    public Optional<Long> received(final Probe probe, final long arrivalNanos) {
        final long elapsed = Math.max(0, arrivalNanos - probe.sentNanos());
        final var link = new Link(probe.from(), probe.to());
        // a probe that came back shows the switches it passed connected: packet-out and packet-in work
        firstAnswerOf.putIfAbsent(probe.from(), round);
        if (probe.kind() == Kind.LOOP) {
            // like the cross probes, the controller's share is only ever delayed: its minimum counts
            if (warm(firstLoop, link, probe)) {
                push(overheadNanos.computeIfAbsent(link, l -> new java.util.ArrayDeque<>()), elapsed);
            }
            return Optional.empty();
        }
        firstAnswerOf.putIfAbsent(probe.to(), round);
        lastAnswered.merge(link, probe.round(), Math::max);
        if (firstAnswerRound < 0) {
            firstAnswerRound = round;
        }
        if (!warm(firstCross, link, probe)) {
            return Optional.empty();
        }
        final long overhead = minimum(overheadNanos.get(link)).orElse(0L);
        final var window = recent.computeIfAbsent(link, l -> new java.util.ArrayDeque<>());
        push(window, Math.max(0, Math.round((elapsed - overhead) / 1000.0)));
        return window.size() < WINDOW ? Optional.empty() : minimum(window);
    }

    /** Whether a probe came back after its direction's warm-up (which starts with its first answer). */
    private static boolean warm(final Map<Link, Long> first, final Link link, final Probe probe) {
        return probe.round() >= first.computeIfAbsent(link, l -> probe.round()) + WARM_UP;
    }

    private static void push(final java.util.ArrayDeque<Long> window, final long value) {
        window.addLast(value);
        while (window.size() > WINDOW) {
            window.removeFirst();
        }
    }

    private static Optional<Long> minimum(final java.util.ArrayDeque<Long> window) {
        return window == null ? Optional.empty() : window.stream().min(Long::compare);
    }

    /**
     * The controller's own share of the probes of one direction (packet-out, pipeline, packet-in).
     *
     * @param link the direction
     * @return microseconds, once a loop probe came back
     */
    public Optional<Long> overheadMicros(final Link link) {
        return minimum(overheadNanos.get(link)).map(nanos -> Math.round(nanos / 1000.0));
    }

    /**
     * The links, among those given, whose last {@code rounds} rounds of probes all went unanswered.
     * Silence counts only once some probe came back, and for a link only once a probe of each of its
     * two clouds came back: until then the probes may not have left at all (after a controller
     * restart the switches connect one by one, seconds apart on a busy machine, and links known to
     * work would be marked lost and routes would flap). A cloud whose switch never answers is given
     * {@link #UNPROVEN_ROUNDS} rounds after the first answer anywhere; then its links' silence counts.
     *
     * @param links the links probed
     * @param rounds how many rounds in a row
     * @return those links
     */
    public List<Link> silent(final Collection<Link> links, final int rounds) {
        final var result = new ArrayList<Link>();
        if (firstAnswerRound < 0) {
            return result;
        }
        for (var link : links) {
            final var sent = firstSent.get(link);
            if (sent == null) {
                continue;
            }
            final long first = Math.max(Math.max(sent, firstAnswerRound),
                Math.max(answeringSince(link.from()), answeringSince(link.to())));
            if (round - first < rounds) {
                continue; // not probed long enough to tell
            }
            if (round - lastAnswered.getOrDefault(link, first - 1) >= rounds) {
                result.add(link);
            }
        }
        return result;
    }

    private long answeringSince(final String cloud) {
        return firstAnswerOf.getOrDefault(cloud, firstAnswerRound + UNPROVEN_ROUNDS);
    }

    /**
     * Drops the recent samples of a direction: it gives samples again once it has a full window
     * of new ones (after a loss).
     *
     * @param link the direction
     */
    public void restart(final Link link) {
        recent.remove(link);
    }

    /**
     * A direction is known to work again (its BFD session came back up): the rounds that went
     * unanswered before now no longer count toward {@link #silent}, and its samples start afresh.
     * Without this, the rounds lost during an outage would mark the link silent again at the next
     * round after it came back, before any probe sent since had time to return.
     *
     * @param link the direction
     */
    public void regained(final Link link) {
        recent.remove(link);
        if (firstSent.containsKey(link)) {
            lastAnswered.put(link, round);
        }
    }

    /**
     * Forgets a cloud (it left the configuration).
     *
     * @param cloud the cloud
     */
    public void forget(final String cloud) {
        firstAnswerOf.remove(cloud);
        firstCross.keySet().removeIf(link -> link.from().equals(cloud) || link.to().equals(cloud));
        firstLoop.keySet().removeIf(link -> link.from().equals(cloud) || link.to().equals(cloud));
        overheadNanos.keySet().removeIf(link -> link.from().equals(cloud) || link.to().equals(cloud));
        firstSent.keySet().removeIf(link -> link.from().equals(cloud) || link.to().equals(cloud));
        lastAnswered.keySet().removeIf(link -> link.from().equals(cloud) || link.to().equals(cloud));
        recent.keySet().removeIf(link -> link.from().equals(cloud) || link.to().equals(cloud));
    }
}
