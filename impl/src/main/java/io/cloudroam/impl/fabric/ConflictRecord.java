/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.location.VmLocation;
import java.time.Instant;

/**
 * A sighting refused as a move.
 *
 * @param id sequential number
 * @param reason "still-at-old-port", "flapping" or "quarantined"
 * @param at where the VM is and stays
 * @param claimed the refused sighting's place
 * @param trigger what the refused sighting was
 * @param seen when
 */
public record ConflictRecord(long id, String reason, VmLocation at, VmLocation claimed,
        MigrationRecord.Trigger trigger, Instant seen) {
    /**
     * Checks the parts.
     */
    public ConflictRecord {
        requireNonNull(reason, "reason");
        requireNonNull(at, "at");
        requireNonNull(claimed, "claimed");
        requireNonNull(trigger, "trigger");
        requireNonNull(seen, "seen");
    }
}
