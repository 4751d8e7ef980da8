/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

/**
 * Where applied moves and refused sightings are reported (the operational datastore and its
 * notifications).
 */
public interface MigrationEvents {
    /**
     * A migration was applied, or its record gained times (sent, confirmed) or a problem.
     *
     * @param migration the record as it is now
     */
    void migration(MigrationRecord migration);

    /**
     * A sighting was refused.
     *
     * @param conflict the record
     */
    void conflict(ConflictRecord conflict);
}
