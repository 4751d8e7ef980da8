/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.fabric;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many packet-ins each switch port may send the controller: a token bucket per port, refilled
 * at {@code rate} a second up to {@code burst}. A port flooding frames of made-up MACs then costs
 * the controller a map lookup per frame, not a decode and a learning step, and the packet-ins of
 * other ports (the ones that reveal migrations) are handled as before. Safe for concurrent callers.
 */
final class PacketInBudget {
    /** Ports remembered at most; beyond, the buckets start afresh (every port gets a full burst). */
    private static final int MAX_PORTS = 65_536;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private record Port(long datapathId, long port) {
    }

    private static final class Bucket {
        private double tokens;
        private long refilled;

        Bucket(final double tokens, final long now) {
            this.tokens = tokens;
            this.refilled = now;
        }
    }

    private final double rate;
    private final double burst;
    private final Map<Port, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * Creates one.
     *
     * @param rate packet-ins a second a port may send on average
     * @param burst how many it may send at once
     */
    PacketInBudget(final double rate, final double burst) {
        if (rate <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate " + rate + ", burst " + burst);
        }
        this.rate = rate;
        this.burst = burst;
    }

    /**
     * Takes one packet-in from a port's budget.
     *
     * @param datapathId the switch
     * @param port its port
     * @param nowNanos a monotonic clock
     * @return whether the port had budget left (the packet-in is handled)
     */
    boolean allow(final long datapathId, final long port, final long nowNanos) {
        if (buckets.size() >= MAX_PORTS) {
            buckets.clear();
        }
        final var bucket = buckets.computeIfAbsent(new Port(datapathId, port), p -> new Bucket(burst, nowNanos));
        synchronized (bucket) {
            final long elapsed = Math.max(0, nowNanos - bucket.refilled);
            bucket.tokens = Math.min(burst, bucket.tokens + elapsed * rate / NANOS_PER_SECOND);
            bucket.refilled = nowNanos;
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens -= 1;
            return true;
        }
    }
}
