/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the configuration cloudroam acts on. A candidate is applied whole or not at all: an
 * inconsistent candidate is reported and the last consistent configuration stays in force.
 */
public final class ConfigTracker {
    /**
     * What happened to a candidate.
     *
     * @param applied whether it is now in force
     * @param problems why it was not, empty when applied
     */
    public record Outcome(boolean applied, List<String> problems) {
        /**
         * Freezes the components.
         */
        public Outcome {
            problems = List.copyOf(problems);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConfigTracker.class);

    private final Consumer<CloudroamConfig> onApplied;
    private volatile CloudroamConfig current = CloudroamConfig.EMPTY;
    // guarded by this
    private boolean heard;

    /**
     * Creates a tracker.
     *
     * @param onApplied called with each configuration that comes into force
     */
    public ConfigTracker(final Consumer<CloudroamConfig> onApplied) {
        this.onApplied = requireNonNull(onApplied);
    }

    /**
     * Offers a new configuration.
     *
     * @param candidate the configuration as committed
     * @return whether it was applied, and if not, why
     */
    public synchronized Outcome offer(final CloudroamConfig candidate) {
        heard = true;
        final var problems = candidate.problems();
        if (!problems.isEmpty()) {
            LOG.warn("Configuration rejected, keeping the previous one: {}", problems);
            return new Outcome(false, problems);
        }
        current = candidate;
        LOG.info("Configuration in force: {} clouds, {} virtual networks", candidate.clouds().size(),
            candidate.networks().size());
        onApplied.accept(candidate);
        return new Outcome(true, List.of());
    }

    /**
     * Offers a configuration read from the datastore by other means than the change notifications,
     * unless a notification came first (it is then at least as new).
     *
     * @param candidate the configuration as read
     * @return the outcome, or empty when a notification came first and nothing was offered
     */
    public synchronized Optional<Outcome> offerIfNothingHeard(final CloudroamConfig candidate) {
        return heard ? Optional.empty() : Optional.of(offer(candidate));
    }

    /**
     * Whether any configuration was offered yet (the datastore's first notification, even of nothing).
     *
     * @return true once one was
     */
    public synchronized boolean heard() {
        return heard;
    }

    /**
     * Returns the configuration in force.
     *
     * @return the last consistent configuration offered
     */
    public CloudroamConfig current() {
        return current;
    }
}
