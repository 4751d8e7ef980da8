/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.fabric;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the fabric handled since it started: monotonic counts, safe to bump from any thread (the
 * packet-in path bumps them without the fabric's executor).
 */
public final class Counters {
    /** What is counted. */
    public enum Kind {
        /** Packet-ins from managed switches, probes included. */
        PACKET_INS,
        /** Latency probes that came back. */
        PROBE_ANSWERS,
        /** Packet-ins from a port without a binding, or that did not decode. */
        PACKET_INS_IGNORED,
        /** Packet-ins dropped unread: their port went over its budget. */
        PACKET_INS_OVER_BUDGET,
        /** New MACs not learned: their port or the location table is at its limit. */
        LOCATIONS_REFUSED,
        /** ARP requests the controller answered for a VM. */
        ARP_REPLIES,
        /** VMs seen for the first time on a virtual network. */
        LOCATIONS_LEARNED,
        /** Moves applied. */
        MOVES_APPLIED,
        /** Migrations prepared from a destination port plugged for the VM, before its first frame there. */
        MIGRATIONS_PREPARED,
        /** Sightings refused (spoofs, duplicate or flapping MACs). */
        SIGHTINGS_REFUSED,
        /** Flow additions, changes and removals sent to switches. */
        FLOW_CHANGES;

        /** The YANG leaf name: lower case, dashes. */
        public String leaf() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final AtomicLongArray counts = new AtomicLongArray(Kind.values().length);

    /**
     * Adds to a count.
     *
     * @param kind what
     * @param delta how many
     */
    public void add(final Kind kind, final long delta) {
        counts.addAndGet(kind.ordinal(), delta);
    }

    /**
     * Adds one.
     *
     * @param kind what
     */
    public void increment(final Kind kind) {
        add(kind, 1);
    }

    /**
     * The counts now.
     *
     * @return every kind with its count
     */
    public Map<Kind, Long> snapshot() {
        final var result = new EnumMap<Kind, Long>(Kind.class);
        for (var kind : Kind.values()) {
            result.put(kind, counts.get(kind.ordinal()));
        }
        return result;
    }
}
