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
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The numbering and the recent history of migrations and refused sightings: every record is
 * reported, the latest {@value #RECENT} of each kind are kept for the shell. Used from one thread.
 */
public final class MigrationHistory {
    /** Migrations and conflicts kept in memory for the shell. */
    public static final int RECENT = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(MigrationHistory.class);

    private final MigrationEvents events;
    private final LinkedHashMap<Long, MigrationRecord> migrations = new LinkedHashMap<>();
    private final ArrayDeque<ConflictRecord> conflicts = new ArrayDeque<>();
    private long lastMigration;
    private long lastConflict;

    /**
     * Creates an empty history.
     *
     * @param events where records are reported
     */
    public MigrationHistory(final MigrationEvents events) {
        this.events = requireNonNull(events);
    }

    /**
     * Continues the numbering of an earlier run.
     *
     * @param migration the highest migration id used
     * @param conflict the highest conflict id used
     */
    public void continueAfter(final long migration, final long conflict) {
        lastMigration = Math.max(lastMigration, migration);
        lastConflict = Math.max(lastConflict, conflict);
    }

    /**
     * The id the next migration gets.
     *
     * @return a fresh id
     */
    public long nextMigrationId() {
        return ++lastMigration;
    }

    /**
     * The highest migration id given.
     *
     * @return the id (0 before any)
     */
    public long lastMigrationId() {
        return lastMigration;
    }

    /**
     * Reports a migration record and keeps it (a later version of the same id replaces it).
     *
     * @param record the record as it is now
     */
    public void report(final MigrationRecord record) {
        events.migration(record);
        final boolean known = migrations.containsKey(record.id());
        if (known || migrations.isEmpty() || record.id() > migrations.keySet().iterator().next()) {
            migrations.put(record.id(), record);
        }
        while (migrations.size() > RECENT) {
            migrations.remove(migrations.keySet().iterator().next());
        }
    }

    /**
     * Records and reports a refused sighting.
     *
     * @param reason why it was refused
     * @param at where the VM is
     * @param claimed where the sighting put it
     * @param trigger what the sighting was
     * @param seen when
     * @param address the address claimed, for an address claim
     * @return the record
     */
    public ConflictRecord refuse(final String reason, final VmLocation at, final VmLocation claimed,
            final MigrationRecord.Trigger trigger, final Instant seen, final Optional<String> address) {
        if (address.isPresent()) {
            LOG.warn("Address {} on VNI {} claimed by {} at {}/{}:{} by a {} but in use by {} at {}/{}:{}",
                address.orElseThrow(), at.vni(), claimed.mac(), claimed.cloud(), claimed.datapathId(),
                claimed.port(), trigger, at.mac(), at.cloud(), at.datapathId(), at.port());
        } else {
            LOG.warn("VM {} on VNI {} claimed at {}/{}:{} by a {} but {} at {}/{}:{}", at.mac(), at.vni(),
                claimed.cloud(), claimed.datapathId(), claimed.port(), trigger, reason, at.cloud(), at.datapathId(),
                at.port());
        }
        final var record = new ConflictRecord(++lastConflict, reason, at, claimed, trigger, seen, address);
        events.conflict(record);
        conflicts.addLast(record);
        while (conflicts.size() > RECENT) {
            conflicts.removeFirst();
        }
        return record;
    }

    /**
     * The latest migrations, oldest first.
     *
     * @return at most {@value #RECENT}
     */
    public List<MigrationRecord> migrations() {
        return List.copyOf(migrations.values());
    }

    /**
     * The latest refused sightings, oldest first.
     *
     * @return at most {@value #RECENT}
     */
    public List<ConflictRecord> conflicts() {
        return List.copyOf(conflicts);
    }
}
