/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * A freshly unpacked distribution, started and ready, with a lab up beside it; closing takes the
 * lab down, then stops the controller, whatever happened.
 *
 * @param karaf the distribution
 * @param lab the lab
 */
record ControllerAndLab(KarafDistribution karaf, Lab lab) implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(3);

    /**
     * Starts both.
     *
     * @param name the distribution's working directory name
     * @param restconf used to see that cloudroam's RPCs are served
     * @param labArgs the {@code lab up} arguments
     */
    static ControllerAndLab start(final String name, final Restconf restconf, final String... labArgs)
            throws Exception {
        final var karaf = KarafDistribution.unpackFromBuild(name);
        karaf.start();
        ControllerAndLab both = null;
        try {
            karaf.awaitReady(BOOT_TIMEOUT, () -> restconf.answers("/rests/operations", "cloudroam:locate-vm"));
            both = new ControllerAndLab(karaf, Lab.up(labArgs));
            return both;
        } finally {
            if (both == null) {
                karaf.close();
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            lab.close();
        } finally {
            karaf.close();
        }
    }

    /**
     * Polls until {@code probe} answers something other than {@code null} or {@code false}.
     *
     * @param what what is awaited, for the failure message
     * @param timeout how long at most
     * @param probe the check
     * @return its first real answer
     */
    static <T> T poll(final String what, final Duration timeout, final Callable<T> probe) throws Exception {
        return poll(what, timeout, probe, () -> "");
    }

    /**
     * As {@link #poll(String, Duration, Callable)}, the failure message ending with what
     * {@code whyNot} says then (what the last probe saw).
     */
    static <T> T poll(final String what, final Duration timeout, final Callable<T> probe,
            final Supplier<String> whyNot) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final var result = probe.call();
            if (result != null && !Boolean.FALSE.equals(result)) {
                return result;
            }
            Thread.sleep(100); // poll interval, not synchronisation
        }
        final var why = whyNot.get();
        throw new AssertionError("not within " + timeout + ": " + what + (why.isEmpty() ? "" : "; " + why));
    }
}
