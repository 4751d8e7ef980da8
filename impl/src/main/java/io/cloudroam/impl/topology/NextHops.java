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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The overlay routes: toward each destination cloud, the tunnel each other cloud sends into (the
 * destination itself, or a third cloud when that is faster). A cloud without an entry toward a
 * destination sends straight into its tunnel there.
 */
public final class NextHops {
    /** No route measured: every cloud uses its direct tunnels. */
    public static final NextHops DIRECT = new NextHops(Map.of());

    private final Map<String, Map<String, String>> toward;

    private NextHops(final Map<String, Map<String, String>> toward) {
        this.toward = toward;
    }

    /**
     * Routes from a table: destination, then sending cloud, then next hop.
     *
     * @param toward the table (copied)
     * @return the routes
     */
    public static NextHops of(final Map<String, Map<String, String>> toward) {
        final var copy = new HashMap<String, Map<String, String>>();
        toward.forEach((destination, hops) -> copy.put(destination, Map.copyOf(hops)));
        return new NextHops(Map.copyOf(copy));
    }

    /**
     * The next hop from a cloud toward a destination.
     *
     * @param destination where the traffic goes
     * @param from where it is
     * @return the cloud whose tunnel it goes into; empty when no route says (the direct tunnel)
     */
    public Optional<String> via(final String destination, final String from) {
        return Optional.ofNullable(toward.getOrDefault(destination, Map.of()).get(from));
    }

    /**
     * Every cloud's next hop toward a destination.
     *
     * @param destination the destination cloud
     * @return sending cloud to next hop; empty when none is known
     */
    public Map<String, String> get(final String destination) {
        return toward.getOrDefault(destination, Map.of());
    }

    /**
     * The destinations that have routes.
     *
     * @return their names
     */
    public Set<String> destinations() {
        return toward.keySet();
    }

    /**
     * What changed between two sets of routes, one phrase per cloud and destination
     * ("c2 -> c1 direct => through c3"), for the log.
     *
     * @param before the routes before
     * @return the changes, sorted
     */
    public java.util.List<String> changesSince(final NextHops before) {
        final var changes = new java.util.ArrayList<String>();
        final var destinations = new TreeSet<>(toward.keySet());
        destinations.addAll(before.toward.keySet());
        for (var destination : destinations) {
            final var now = get(destination);
            final var was = before.get(destination);
            final var clouds = new TreeSet<>(now.keySet());
            clouds.addAll(was.keySet());
            for (var cloud : clouds) {
                if (!Objects.equals(now.get(cloud), was.get(cloud))) {
                    changes.add(cloud + " -> " + destination + " " + text(destination, was.get(cloud)) + " => "
                        + text(destination, now.get(cloud)));
                }
            }
        }
        return changes;
    }

    private static String text(final String destination, final String hop) {
        return hop == null ? "no route" : hop.equals(destination) ? "direct" : "through " + hop;
    }

    @Override
    public boolean equals(final Object obj) {
        return obj instanceof NextHops other && toward.equals(other.toward);
    }

    @Override
    public int hashCode() {
        return toward.hashCode();
    }

    @Override
    public String toString() {
        return toward.toString();
    }
}
