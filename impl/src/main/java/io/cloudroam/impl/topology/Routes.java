/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.topology;

import java.util.HashMap;
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
    private static final double ALPHA = 0.3;
    private static final double RELATIVE_HYSTERESIS = 0.10;
    private static final long ABSOLUTE_HYSTERESIS_MICROS = 1_000;

    private final Map<String, Map<String, Double>> smoothed = new HashMap<>();
    private final Map<String, Map<String, Long>> metric = new HashMap<>();

    /**
     * Records a one-way latency sample.
     *
     * @param from sending cloud
     * @param to receiving cloud
     * @param micros the sample
     * @return whether the routing metric of that edge changed (paths may have changed)
     */
    public boolean sample(final String from, final String to, final long micros) {
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
     * Forgets a cloud's measurements (it left, or its tunnels did).
     *
     * @param cloud the cloud
     */
    public void forget(final String cloud) {
        smoothed.remove(cloud);
        metric.remove(cloud);
        smoothed.values().forEach(edges -> edges.remove(cloud));
        metric.values().forEach(edges -> edges.remove(cloud));
    }

    /**
     * Next hops toward every destination, over a graph.
     *
     * @param links for each cloud, the clouds it has a tunnel to (edges exist only where tunnels do)
     * @return for each destination, for each other cloud that can reach it, the next hop
     */
    public Map<String, Map<String, String>> nextHops(final Map<String, Set<String>> links) {
        final var result = new HashMap<String, Map<String, String>>();
        for (var destination : new TreeSet<>(links.keySet())) {
            result.put(destination, treeToward(destination, links));
        }
        return result;
    }

    /** Dijkstra from the destination over reversed edges: node → its next hop toward the destination. */
    private Map<String, String> treeToward(final String destination, final Map<String, Set<String>> links) {
        record Entry(String node, long cost) {
        }

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
                final long through = head.cost() + edge(from, head.node());
                final var known = cost.get(from);
                // ties keep the direct tunnel, then the smaller name: the same answer on every run
                if (known == null || through < known || through == known && head.node().equals(destination)) {
                    cost.put(from, through);
                    next.put(from, head.node());
                    queue.add(new Entry(from, through));
                }
            }
        }
        return next;
    }

    private long edge(final String from, final String to) {
        return metric.getOrDefault(from, Map.of()).getOrDefault(to, UNMEASURED_MICROS);
    }
}
