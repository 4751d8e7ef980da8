/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * Overlay routing between clouds over measured one-way latencies. Each cloud's outgoing tunnels
 * are edges; a frame for a VM in cloud C leaves cloud X by the tunnel to X's next hop toward C
 * ({@link #nextHops}), which may be a third cloud when that is faster than the direct tunnel
 * (ViNe-style overlay routing). Next hops toward one destination come from one shortest-path tree rooted at it, so
 * relaying clouds never send a frame back and forth.
 *
 * <p>Latencies are smoothed (EWMA) and the routing metric of an edge only follows the smoothed value
 * when it moved by more than 10% and 1 ms: small jitter does not reroute (hysteresis). An edge
 * without a measurement costs {@link #UNMEASURED_MICROS}, so direct tunnels win until probes say
 * otherwise. Not thread-safe: one owner.
 */
public final class Routes {
    /** Cost of an edge nobody measured yet. */
    public static final long UNMEASURED_MICROS = 1_000_000;
    /** Added to every edge of a path: a detour through a third cloud must save more than this per hop. */
    public static final long HOP_PENALTY_MICROS = 1_000;
    /** Cost of an edge whose probes stopped coming back: used only when no other path exists. */
    public static final long UNREACHABLE_MICROS = 1_000_000_000;
    private static final double ALPHA = 0.3;
    private static final double RELATIVE_HYSTERESIS = 0.10;
    private static final long ABSOLUTE_HYSTERESIS_MICROS = 1_000;
    /**
     * How much cheaper than the path in use another path must be to replace it, at least: the first
     * edge of the path in use counts this much less (never below its hop penalty), and 10% of its
     * cost when that is more. Two paths of about the same cost would otherwise take turns on noise.
     */
    static final long STICKINESS_MICROS = 2_000;
    private static final double RELATIVE_STICKINESS = 0.10;

    private final Map<String, Map<String, Double>> smoothed = new HashMap<>();
    private final Map<String, Map<String, Long>> metric = new HashMap<>();
    private final Map<String, Map<String, Long>> samples = new HashMap<>();
    /** The smoothed latency an edge had when it was marked lost. */
    private final Map<String, Map<String, Double>> beforeLoss = new HashMap<>();
    /** The next hops of the last computation, by destination: the paths in use. */
    private final Map<String, Map<String, String>> inUse = new HashMap<>();

    /**
     * How a cloud reaches a destination.
     *
     * @param nextHop the cloud it tunnels to first
     * @param cost the sum of the routing metrics along the path plus {@link #HOP_PENALTY_MICROS} per
     *        tunnel, in microseconds
     */
    public record Hop(String nextHop, long cost) {
    }

    /**
     * What is known about one direction of a tunnel.
     *
     * @param from sending cloud
     * @param to receiving cloud
     * @param latency smoothed one-way latency, microseconds, if measured and reachable
     * @param metric the value routes use, microseconds
     * @param samples samples received by this run of the controller
     * @param measured whether the metric is a latency (sampled by this run or restored from an earlier
     *        one), not the default of an unmeasured edge
     * @param reachable false after its probes stopped coming back
     */
    public record LinkState(String from, String to, Optional<Long> latency, long metric, long samples,
            boolean measured, boolean reachable) {
    }

    /**
     * Records a one-way latency sample.
     *
     * @param from sending cloud
     * @param to receiving cloud
     * @param micros the sample
     * @return whether the routing metric of that edge changed (paths may have changed)
     */
    public boolean sample(final String from, final String to, final long micros) {
        samples.computeIfAbsent(from, c -> new HashMap<>()).merge(to, 1L, Long::sum);
        final var edges = smoothed.computeIfAbsent(from, c -> new HashMap<>());
        final var previous = edges.get(to);
        final double value = previous == null ? micros : previous + ALPHA * (micros - previous);
        edges.put(to, value);
        final var current = metric.computeIfAbsent(from, c -> new HashMap<>()).get(to);
        if (current == null || Math.abs(value - current) > Math.max(ABSOLUTE_HYSTERESIS_MICROS,
                RELATIVE_HYSTERESIS * current)) {
            metric.get(from).put(to, Math.round(value));
            return true;
        }
        return false;
    }

    /**
     * Marks an edge unusable: its probes stopped coming back. The next sample starts it afresh.
     *
     * @param from sending cloud
     * @param to receiving cloud
     * @return whether the routing metric of that edge changed
     */
    public boolean lost(final String from, final String to) {
        final var before = smoothed.getOrDefault(from, new HashMap<>()).remove(to);
        if (before != null) {
            beforeLoss.computeIfAbsent(from, c -> new HashMap<>()).put(to, before);
        }
        final var previous = metric.computeIfAbsent(from, c -> new HashMap<>()).put(to, UNREACHABLE_MICROS);
        return previous == null || previous != UNREACHABLE_MICROS;
    }

    /**
     * An edge marked lost is known to work again (its BFD session came back up): it gets the
     * latency it had before, at once, instead of waiting for a full window of probe samples.
     *
     * @param from sending cloud
     * @param to receiving cloud
     * @return whether the routing metric of that edge changed
     */
    public boolean regained(final String from, final String to) {
        final var before = beforeLoss.getOrDefault(from, new HashMap<>()).remove(to);
        final var current = metric.getOrDefault(from, Map.of()).get(to);
        if (before == null || current == null || current != UNREACHABLE_MICROS) {
            return false;
        }
        smoothed.computeIfAbsent(from, c -> new HashMap<>()).put(to, before);
        metric.get(from).put(to, Math.round(before));
        return true;
    }

    /**
     * Takes back what an earlier run of the controller measured for an edge (at start, before any
     * sample): routes are the same as before the restart, not the direct tunnels of an unmeasured
     * WAN, so a restart changes no flow. New samples continue from these values.
     *
     * @param from sending cloud
     * @param to receiving cloud
     * @param latencyMicros the smoothed one-way latency
     * @param metricMicros the latency routes used
     */
    public void restore(final String from, final String to, final long latencyMicros, final long metricMicros) {
        if (latencyMicros < 0 || metricMicros < 0 || metricMicros >= UNREACHABLE_MICROS) {
            throw new IllegalArgumentException("latency " + latencyMicros + ", metric " + metricMicros);
        }
        smoothed.computeIfAbsent(from, c -> new HashMap<>()).put(to, (double) latencyMicros);
        metric.computeIfAbsent(from, c -> new HashMap<>()).put(to, metricMicros);
    }

    /**
     * Everything known about the edges of a graph.
     *
     * @param links for each cloud, the clouds it has a tunnel to
     * @return one entry per edge, sorted
     */
    public List<LinkState> links(final Map<String, Set<String>> links) {
        final var result = new ArrayList<LinkState>();
        for (var from : new TreeSet<>(links.keySet())) {
            for (var to : new TreeSet<>(links.get(from))) {
                final long edge = edge(from, to);
                result.add(new LinkState(from, to, latency(from, to), edge,
                    samples.getOrDefault(from, Map.of()).getOrDefault(to, 0L),
                    metric.getOrDefault(from, Map.of()).containsKey(to), edge != UNREACHABLE_MICROS));
            }
        }
        return result;
    }

    /**
     * The smoothed latency of an edge.
     *
     * @param from sending cloud
     * @param to receiving cloud
     * @return microseconds, if measured
     */
    public Optional<Long> latency(final String from, final String to) {
        return Optional.ofNullable(smoothed.getOrDefault(from, Map.of()).get(to)).map(Math::round);
    }

    /**
     * Forgets every measurement: routes go back to the direct tunnels.
     *
     * @return whether anything was known
     */
    public boolean clear() {
        final boolean any = !metric.isEmpty();
        smoothed.clear();
        metric.clear();
        samples.clear();
        beforeLoss.clear();
        inUse.clear();
        return any;
    }

    /**
     * Forgets a cloud's measurements (it left, or its tunnels did).
     *
     * @param cloud the cloud
     */
    public void forget(final String cloud) {
        for (var table : List.of(smoothed, metric, samples, beforeLoss)) {
            table.remove(cloud);
            table.values().forEach(edges -> edges.remove(cloud));
        }
        inUse.remove(cloud);
        inUse.values().forEach(hops -> hops.values().removeIf(cloud::equals));
        inUse.values().forEach(hops -> hops.remove(cloud));
    }

    /**
     * Next hops toward every destination, over a graph.
     *
     * @param links for each cloud, the clouds it has a tunnel to (edges exist only where tunnels do)
     * @return for each destination, for each other cloud that can reach it, the next hop
     */
    public NextHops nextHops(final Map<String, Set<String>> links) {
        final var result = new HashMap<String, Map<String, String>>();
        paths(links).forEach((destination, hops) -> {
            final var next = new HashMap<String, String>();
            hops.forEach((cloud, hop) -> next.put(cloud, hop.nextHop()));
            result.put(destination, next);
        });
        return NextHops.of(result);
    }

    /**
     * Next hops and path costs toward every destination, over a graph.
     *
     * @param links for each cloud, the clouds it has a tunnel to
     * @return for each destination, for each other cloud that can reach it, how
     */
    public Map<String, Map<String, Hop>> paths(final Map<String, Set<String>> links) {
        final var result = new HashMap<String, Map<String, Hop>>();
        for (var destination : new TreeSet<>(links.keySet())) {
            result.put(destination, treeToward(destination, links));
        }
        return result;
    }

    /**
     * Dijkstra from the destination over reversed edges: node → its next hop toward the destination.
     * The first edge of each path in use weighs {@link #STICKINESS_MICROS} (or 10%) less, never
     * below its hop penalty: weights stay positive, so the result is still a shortest-path tree (no
     * loops), over weights that favour what is in use. Costs reported are the paths' real ones.
     */
    private Map<String, Hop> treeToward(final String destination, final Map<String, Set<String>> links) {
        record Entry(String node, long cost) {
        }

        final var used = inUse.getOrDefault(destination, Map.of());
        final var cost = new HashMap<String, Long>();
        final var next = new HashMap<String, String>();
        final var queue = new PriorityQueue<Entry>((a, b) -> a.cost() != b.cost() ? Long.compare(a.cost(), b.cost())
            : a.node().compareTo(b.node()));
        cost.put(destination, 0L);
        queue.add(new Entry(destination, 0));
        while (!queue.isEmpty()) {
            final var head = queue.poll();
            if (head.cost() > cost.getOrDefault(head.node(), Long.MAX_VALUE)) {
                continue;
            }
            // every cloud with a tunnel to head.node() can reach the destination through it
            for (var from : new TreeSet<>(links.keySet())) {
                if (!links.get(from).contains(head.node()) || from.equals(head.node())) {
                    continue;
                }
                final long edge = edge(from, head.node());
                final long bonus = head.node().equals(used.get(from))
                    ? Math.min(edge, Math.max(STICKINESS_MICROS, Math.round(RELATIVE_STICKINESS * edge))) : 0;
                final long through = head.cost() + edge + HOP_PENALTY_MICROS - bonus;
                final var known = cost.get(from);
                // ties keep the direct tunnel, then the smaller name: the same answer on every run
                if (known == null || through < known || through == known && head.node().equals(destination)) {
                    cost.put(from, through);
                    next.put(from, head.node());
                    queue.add(new Entry(from, through));
                }
            }
        }
        inUse.put(destination, new HashMap<>(next));
        final var hops = new HashMap<String, Hop>();
        next.keySet().forEach(node -> hops.put(node, new Hop(next.get(node), realCost(node, destination, next))));
        return hops;
    }

    /** The sum of metrics and hop penalties along a node's path in a tree. */
    private long realCost(final String node, final String destination, final Map<String, String> next) {
        long total = 0;
        for (var at = node; !at.equals(destination); at = next.get(at)) {
            total += edge(at, next.get(at)) + HOP_PENALTY_MICROS;
        }
        return total;
    }

    private long edge(final String from, final String to) {
        return metric.getOrDefault(from, Map.of()).getOrDefault(to, UNMEASURED_MICROS);
    }
}
