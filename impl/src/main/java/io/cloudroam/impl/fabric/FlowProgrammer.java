/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.flow.FlowSpec;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Sends flow changes to one switch. Implementations must apply a call's changes together.
 */
public interface FlowProgrammer {
    /**
     * What a call to {@link FlowProgrammer#apply} started.
     *
     * @param applied completes when the switch has the changes as far as the programmer can tell
     *        (see {@link FlowProgrammer#confirmation()}), exceptionally when they failed
     * @param recorded completes when the changes are also kept where a restarted controller and a
     *        reconnecting switch find them (the configuration datastore), exceptionally when that
     *        failed; the same future as {@code applied} when one step does both
     */
    record Confirmations(CompletableFuture<Void> applied, CompletableFuture<Void> recorded) {
        /**
         * Checks the futures.
         *
         * @param applied see above
         * @param recorded see above
         */
        public Confirmations {
            requireNonNull(applied);
            requireNonNull(recorded);
        }

        /**
         * One step does both.
         *
         * @param both the confirmation
         * @return the confirmations
         */
        public static Confirmations of(final CompletableFuture<Void> both) {
            return new Confirmations(both, both);
        }

        /**
         * Both steps.
         *
         * @return completes when both completed, exceptionally when either failed
         */
        public CompletableFuture<Void> both() {
            return applied == recorded ? applied : CompletableFuture.allOf(applied, recorded);
        }
    }

    /**
     * Adds or replaces and removes flows on a switch.
     *
     * @param datapathId the switch
     * @param upserts flows to add or replace
     * @param removals flows to remove
     * @return when the switch has them, and when they are recorded
     */
    Confirmations apply(long datapathId, Collection<FlowSpec> upserts, Collection<FlowSpec> removals);

    /**
     * What the completion of {@link #apply} means.
     *
     * @return "barrier" or "datastore-commit"
     */
    String confirmation();

    /**
     * Forgets what was sent to a switch: its next changes are taken against what it really holds
     * (a programmer that adopts an earlier run's flows adopts them again).
     *
     * @param datapathId the switch
     */
    default void forget(final long datapathId) {
        // nothing remembered by default
    }
}
