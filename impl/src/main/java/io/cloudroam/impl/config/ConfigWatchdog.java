/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the configuration directly when its change notifications stay silent. A data change
 * listener's first notification carries what is there (even nothing); on a cluster member that
 * takes over while the configuration shard elects a leader, OpenDaylight 11.0.2 once delivered it
 * two minutes late (a `ClusterFailoverIT` run, 2026-12-07: the new active member had no clouds and
 * handled no move until the shard's leader changed again). Every {@code patience} without a
 * notification the configuration is read and offered, unless a notification came first; it stops
 * at the first one.
 */
public final class ConfigWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatchdog.class);

    private final ScheduledExecutorService executor;
    private final Duration patience;
    private final ConfigTracker tracker;
    private final Supplier<CloudroamConfig> read;

    /**
     * Creates one; nothing happens until {@link #arm()}.
     *
     * @param executor runs the checks
     * @param patience how long to wait for a notification before each read
     * @param tracker where the configuration goes
     * @param read reads the configuration datastore (throws when it cannot)
     */
    public ConfigWatchdog(final ScheduledExecutorService executor, final Duration patience,
            final ConfigTracker tracker, final Supplier<CloudroamConfig> read) {
        this.executor = requireNonNull(executor);
        this.patience = requireNonNull(patience);
        this.tracker = requireNonNull(tracker);
        this.read = requireNonNull(read);
    }

    /**
     * Starts waiting for the first notification.
     */
    public void arm() {
        executor.schedule(this::check, patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    // a read that fails is tried again after the same patience: the datastore may still be electing
    @SuppressWarnings("checkstyle:IllegalCatch")
    private void check() {
        if (tracker.heard()) {
            return;
        }
        try {
            tracker.offerIfNothingHeard(read.get()).ifPresent(outcome -> LOG.warn(
                "No configuration notification {} after becoming active: read the configuration directly ({})",
                patience, outcome.applied() ? "in force" : "rejected: " + outcome.problems()));
        } catch (RuntimeException e) {
            LOG.warn("No configuration notification {} after becoming active, and reading it failed; trying again",
                patience, e);
        }
        if (!tracker.heard()) {
            arm();
        }
    }
}
