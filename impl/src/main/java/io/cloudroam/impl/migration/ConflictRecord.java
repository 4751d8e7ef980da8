/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.location.VmLocation;
import java.time.Instant;
import java.util.Optional;

/**
 * A sighting refused as a move, or an address claim refused.
 *
 * @param id sequential number
 * @param reason "still-at-old-port", "flapping", "quarantined" or "address-in-use"
 * @param at where the VM is and stays (for address-in-use: the address's holder)
 * @param claimed the refused sighting's place (for address-in-use: the claimer, another MAC)
 * @param trigger what the refused sighting was
 * @param seen when
 * @param address for address-in-use, the address claimed
 */
public record ConflictRecord(long id, String reason, VmLocation at, VmLocation claimed,
        MigrationRecord.Trigger trigger, Instant seen, Optional<String> address) {
    /**
     * Checks the parts.
     */
    public ConflictRecord {
        requireNonNull(reason, "reason");
        requireNonNull(at, "at");
        requireNonNull(claimed, "claimed");
        requireNonNull(trigger, "trigger");
        requireNonNull(seen, "seen");
        requireNonNull(address, "address");
    }

    /**
     * A refused move: no address involved.
     *
     * @param id sequential number
     * @param reason "still-at-old-port", "flapping" or "quarantined"
     * @param at where the VM is and stays
     * @param claimed the refused sighting's place
     * @param trigger what the refused sighting was
     * @param seen when
     */
    public ConflictRecord(final long id, final String reason, final VmLocation at, final VmLocation claimed,
            final MigrationRecord.Trigger trigger, final Instant seen) {
        this(id, reason, at, claimed, trigger, seen, Optional.empty());
    }
}
