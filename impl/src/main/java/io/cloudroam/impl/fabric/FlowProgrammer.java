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
     */
    void apply(long datapathId, Collection<FlowSpec> upserts, Collection<FlowSpec> removals);
}
