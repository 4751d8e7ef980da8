/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Relays not yet taken by the active member. A relay addressed to a member that has just died
 * neither succeeds nor fails for a while: it waits in here. When another member becomes active,
 * the relays that arrived within the window are handed over again, oldest first, so a migrated
 * VM's announcements sent during a take-over are not lost. A packet-in is a signal of where a MAC
 * was seen: delivering one twice (the dead member may have taken it before it died) changes
 * nothing. Bounded: beyond the capacity the oldest is dropped.
 *
 * @param <T> what is relayed
 */
final class RelayBacklog<T> {
    /**
     * One relay in flight.
     *
     * @param <T> what is relayed
     */
    static final class Pending<T> {
        private final T item;
        private final long since;

        Pending(final T item, final long since) {
            this.item = item;
            this.since = since;
        }

        T item() {
            return item;
        }

        long since() {
            return since;
        }
    }

    private final int capacity;
    private final long windowNanos;
    private final ArrayDeque<Pending<T>> pending = new ArrayDeque<>();
    private long dropped;

    RelayBacklog(final int capacity, final long windowNanos) {
        if (capacity < 1 || windowNanos <= 0) {
            throw new IllegalArgumentException("capacity and window must be positive");
        }
        this.capacity = capacity;
        this.windowNanos = windowNanos;
    }

    /**
     * A relay is sent (again, for one handed over: its first arrival stays its age).
     *
     * @param item what is relayed
     * @param since when it first arrived (System.nanoTime())
     * @return its handle, for {@link #taken(Pending)}
     */
    synchronized Pending<T> sent(final T item, final long since) {
        final var entry = new Pending<>(item, since);
        pending.addLast(entry);
        while (pending.size() > capacity) {
            pending.removeFirst();
            dropped++;
        }
        return entry;
    }

    /**
     * The active member took it: it leaves the backlog.
     *
     * @param entry the handle {@link #sent(Object, long)} returned
     */
    synchronized void taken(final Pending<T> entry) {
        pending.remove(entry);
    }

    /**
     * Another member is active: the relays to hand over again, oldest first (they leave the backlog;
     * sending them puts them back). Those older than the window are dropped.
     *
     * @param now System.nanoTime()
     * @return the relays to send again
     */
    synchronized List<Pending<T>> handOver(final long now) {
        final var again = new ArrayList<Pending<T>>(pending.size());
        for (Iterator<Pending<T>> it = pending.iterator(); it.hasNext();) {
            final var entry = it.next();
            if (now - entry.since() <= windowNanos) {
                again.add(entry);
            } else {
                dropped++;
            }
            it.remove();
        }
        return again;
    }

    synchronized int size() {
        return pending.size();
    }

    /**
     * Relays given up: too old at a hand-over, or pushed out by newer ones.
     *
     * @return the count
     */
    synchronized long dropped() {
        return dropped;
    }
}
