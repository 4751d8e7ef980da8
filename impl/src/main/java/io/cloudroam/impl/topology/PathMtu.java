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
import java.util.TreeMap;

/**
 * Path MTU discovery for every tunnel direction, from probes of chosen sizes sent with the probe
 * rounds (packetization-layer discovery in the manner of RFC 8899: no ICMP is needed, which the
 * WAN between clouds may filter and which Open vSwitch's tunnels do not act on).
 *
 * <p>A size is the length of the underlay IP packet a probe becomes once encapsulated. A probe that
 * comes back proves its size crosses; one that does not come back counts against its size only
 * when a latency probe sent in the same round or later did come back over the same direction (the
 * link was alive, so the size was the problem, not a loss of everything). The search sends
 * {@value #PROBES_PER_STEP} sizes spread over the open interval between the largest size that
 * arrived and the smallest that did not, waits until each one arrived or is known lost, and
 * repeats until the two are one byte apart: from 576 to 9050 that takes five steps. Then the
 * measured size is probed every round ({@value #CONFIRM_LOSSES} losses in a row with the link alive
 * mean the path narrowed: the search starts again below it) and the next size up every
 * {@value #RAISE_EVERY} rounds (when that arrives, the path widened: the search starts again above).
 *
 * <p>Pure logic driven by round numbers and a nanosecond clock passed in; not thread-safe.
 */
public final class PathMtu {
    /** The smallest IPv4 datagram every host must accept (RFC 791): the search's floor. */
    public static final int MIN = 576;
    /** A 9000-byte overlay MTU plus VXLAN over IPv4: the search's ceiling. */
    public static final int MAX = 9050;
    static final int PROBES_PER_STEP = 7;
    static final int CONFIRM_LOSSES = 3;
    static final int RAISE_EVERY = 10;
    /** A probe is lost when it has not come back this long after it left (a round, at the default 1 s). */
    static final long LOST_AFTER_NANOS = 900_000_000L;
    /** A probe still without a verdict after this long (the link said nothing) is dropped. */
    static final long GIVE_UP_NANOS = 10_000_000_000L;

    /** Where the discovery of one direction stands. */
    public enum State {
        /** Never probed. */
        UNKNOWN,
        /** Probes out; the path MTU so far is the largest size that arrived. */
        SEARCHING,
        /** The largest size that arrives and the smallest that does not are one byte apart. */
        MEASURED
    }

    /**
     * What is known of one direction.
     *
     * @param state where discovery stands
     * @param pathMtu the largest size that arrived, 0 before any did
     */
    public record Estimate(State state, int pathMtu) {
        /** Nothing known. */
        public static final Estimate UNKNOWN = new Estimate(State.UNKNOWN, 0);

        /**
         * Whether a size is known to cross.
         *
         * @return true once some probe arrived
         */
        public boolean known() {
            return pathMtu > 0;
        }
    }

    private record Outstanding(long round, long sentNanos) {
    }

    private static final class Search {
        int arrived = MIN - 1;
        int lost = MAX + 1;
        final Map<Integer, Outstanding> out = new TreeMap<>();
        int lostInARow;
        State state = State.SEARCHING;
        long aliveRound = -1;

        Estimate estimate() {
            return new Estimate(state, arrived >= MIN ? arrived : 0);
        }
    }

    private final Map<LatencyProbes.Link, Search> links = new HashMap<>();
    private boolean changed;

    /**
     * The sizes to probe on a direction in a round; settles the probes whose time is up first.
     *
     * @param link the direction
     * @param round the round being sent
     * @param nowNanos now
     * @return sizes to send, smallest first; each is recorded as out
     */
    public List<Integer> sizes(final LatencyProbes.Link link, final long round, final long nowNanos) {
        final var search = links.computeIfAbsent(link, l -> {
            changed = true;
            return new Search();
        });
        settle(search, nowNanos);
        final var result = new ArrayList<Integer>();
        if (search.state == State.SEARCHING) {
            if (search.out.isEmpty()) {
                final int span = search.lost - search.arrived;
                for (int i = 1; i <= PROBES_PER_STEP; i++) {
                    final int size = search.arrived + (int) ((long) span * i / (PROBES_PER_STEP + 1));
                    if (size > search.arrived && size < search.lost && !result.contains(size)) {
                        result.add(size);
                    }
                }
                if (result.isEmpty()) {
                    // nothing from MIN up crosses (a broken path): start over next round, so that the
                    // path is found once it carries packets again
                    search.lost = MAX + 1;
                }
            }
        } else {
            if (!search.out.containsKey(search.arrived)) {
                result.add(search.arrived);
            }
            final int up = search.arrived + 1;
            if (up <= MAX && round % RAISE_EVERY == 0 && !search.out.containsKey(up)) {
                result.add(up);
            }
        }
        for (var size : result) {
            search.out.put(size, new Outstanding(round, nowNanos));
        }
        return result;
    }

    /**
     * A probe of a size came back.
     *
     * @param link the direction
     * @param size its size
     */
    public void arrived(final LatencyProbes.Link link, final int size) {
        final var search = links.get(link);
        if (search == null || search.out.remove(size) == null) {
            return;
        }
        if (search.state == State.MEASURED) {
            if (size == search.arrived) {
                search.lostInARow = 0;
                return;
            }
            if (size > search.arrived) {
                // the path widened: search again above what it carried
                search.arrived = size;
                search.lost = MAX + 1;
                search.state = State.SEARCHING;
                search.out.clear();
                changed = true;
            }
            return;
        }
        if (size > search.arrived) {
            search.arrived = size;
            changed = true;
        }
        if (size >= search.lost) {
            search.lost = MAX + 1; // a loss of the WAN counted against that size: not the path
        }
        search.out.keySet().removeIf(other -> other <= size);
        finishIfDone(search);
    }

    /**
     * A latency probe sent in a round came back over a direction: the link was alive then.
     *
     * @param link the direction
     * @param round the round it was sent in
     */
    public void alive(final LatencyProbes.Link link, final long round) {
        final var search = links.get(link);
        if (search != null && round > search.aliveRound) {
            search.aliveRound = round;
        }
    }

    private void settle(final Search search, final long nowNanos) {
        final var sizes = new ArrayList<>(search.out.keySet());
        for (var size : sizes) {
            final var probe = search.out.get(size);
            if (probe == null) {
                continue; // a loss before it restarted the search, which dropped every probe out
            }
            final long age = nowNanos - probe.sentNanos();
            if (age >= LOST_AFTER_NANOS && search.aliveRound >= probe.round()) {
                search.out.remove(size);
                lost(search, size);
            } else if (age >= GIVE_UP_NANOS) {
                search.out.remove(size); // the link said nothing since: no verdict on the size
            }
        }
        finishIfDone(search);
    }

    private void lost(final Search search, final int size) {
        if (search.state == State.MEASURED) {
            if (size == search.arrived && ++search.lostInARow >= CONFIRM_LOSSES) {
                // the path narrowed: search again below what it carried
                search.lost = search.arrived;
                search.arrived = MIN - 1;
                search.state = State.SEARCHING;
                search.lostInARow = 0;
                search.out.clear();
                changed = true;
            }
            return;
        }
        if (size > search.arrived && size < search.lost) {
            search.lost = size;
        }
    }

    private void finishIfDone(final Search search) {
        if (search.state == State.SEARCHING && search.out.isEmpty() && search.arrived >= MIN
                && (search.lost - search.arrived <= 1)) {
            search.state = State.MEASURED;
            search.lostInARow = 0;
            changed = true;
        }
    }

    /**
     * What is known of a direction.
     *
     * @param link the direction
     * @return the estimate, {@link Estimate#UNKNOWN} for a direction never probed
     */
    public Estimate estimate(final LatencyProbes.Link link) {
        final var search = links.get(link);
        return search == null ? Estimate.UNKNOWN : search.estimate();
    }

    /**
     * Every direction probed, with what is known.
     *
     * @return estimates by direction
     */
    public Map<LatencyProbes.Link, Estimate> estimates() {
        final var result = new HashMap<LatencyProbes.Link, Estimate>();
        links.forEach((link, search) -> result.put(link, search.estimate()));
        return result;
    }

    /**
     * Whether an estimate changed since the last call.
     *
     * @return true once per change
     */
    public boolean takeChanged() {
        final boolean result = changed;
        changed = false;
        return result;
    }

    /**
     * Forgets every direction from or to a cloud.
     *
     * @param cloud the cloud
     */
    public void forget(final String cloud) {
        if (links.keySet().removeIf(link -> link.from().equals(cloud) || link.to().equals(cloud))) {
            changed = true;
        }
    }
}
