/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import io.cloudroam.impl.flow.FlowSpec;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Sends flow changes to one switch. Implementations must apply a call's changes together.
 */
public interface FlowProgrammer {
    /**
     * Adds or replaces and removes flows on a switch.
     *
     * @param datapathId the switch
     * @param upserts flows to add or replace
     * @param removals flows to remove
     * @return completes when the changes are confirmed (see {@link #confirmation()}), exceptionally when
     *         they failed
     */
    CompletableFuture<Void> apply(long datapathId, Collection<FlowSpec> upserts, Collection<FlowSpec> removals);

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
