/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.northbound;

import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.ConflictRecord;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.migration.PortEvidence;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.LocationConflicts;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Migrations;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.location.conflicts.Conflict;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.migrations.Migration;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.binding.data.codec.api.BindingNormalizedNodeSerializer;

/**
 * Makes the binding codec ready for what the first migration and the first refused sighting
 * publish, at start instead of on the fabric's thread in the middle of that migration. The codec
 * builds its serializer for a data type the first time it sees one: before this, the first
 * migration after a start recorded 286 ms from its signal to its flows confirmed against a median
 * of 50 (2026-12-07, {@code ./cloudroam bench migration --migrations 20 --rounds 0 --modes optimal}).
 */
public final class CodecWarmUp {
    private CodecWarmUp() {
    }

    /**
     * Serializes one example of each: a migration entry and its notification, a refused sighting and
     * its notification. Nothing is written anywhere.
     *
     * @param codec the codec the data broker and the notification service use
     * @return how long it took
     */
    public static Duration warm(final BindingNormalizedNodeSerializer codec) {
        final long started = System.nanoTime();
        final var at = Instant.EPOCH;
        final var mac = MacAddress.parse("02:00:00:00:00:01");
        final var from = new VmLocation(1, mac, "warm-up-a", 1, 1, Set.of("192.0.2.1"), 0, at, at);
        final var to = new VmLocation(1, mac, "warm-up-b", 2, 1, Set.of("192.0.2.1"), 1, at, at);
        final var migration = OperationalPublisher.migrationEntry(new MigrationRecord(1, from, to,
            MigrationRecord.Trigger.RARP, PortEvidence.ATTACHED_MAC, at, at, Optional.of(at), Optional.of(at),
            "barrier", 1, Set.of(1L), Optional.empty(), Optional.of(at), Optional.of(at)));
        codec.toNormalizedDataObject(DataObjectIdentifier.builder(Migrations.class)
            .child(Migration.class, migration.key()).build(), migration);
        codec.toNormalizedNodeNotification(OperationalPublisher.migrationNotification(migration));
        final var conflict = OperationalPublisher.conflictEntry(new ConflictRecord(1, "still-at-old-port", from, to,
            MigrationRecord.Trigger.RARP, at, Optional.of("192.0.2.1")));
        codec.toNormalizedDataObject(DataObjectIdentifier.builder(LocationConflicts.class)
            .child(Conflict.class, conflict.key()).build(), conflict);
        codec.toNormalizedNodeNotification(OperationalPublisher.conflictNotification(conflict, "still-at-old-port"));
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
