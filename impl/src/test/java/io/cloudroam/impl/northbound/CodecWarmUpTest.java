/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.northbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.migration.PortEvidence;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Migrations;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.VmMigrated;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.migrations.Migration;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.binding.data.codec.impl.BindingCodecContext;
import org.opendaylight.yangtools.binding.runtime.spi.BindingRuntimeHelpers;
import org.opendaylight.yangtools.yang.model.api.stmt.SchemaNodeIdentifier;

class CodecWarmUpTest {
    @Test
    void theWarmUpSerializesWhatAMigrationPublishesAndAMigrationReadsBackAsPublished() {
        final var codec = new BindingCodecContext(BindingRuntimeHelpers.createRuntimeContext());
        CodecWarmUp.warm(codec);
        final var at = Instant.parse("2026-12-07T04:00:00.000123Z");
        final var mac = MacAddress.parse("02:c0:00:00:00:01");
        final var record = new MigrationRecord(7, new VmLocation(100, mac, "c1", 1, 1, Set.of("10.0.0.1"), 0, at, at),
            new VmLocation(100, mac, "c3", 3, 6, Set.of("10.0.0.1"), 1, at, at), MigrationRecord.Trigger.RARP,
            PortEvidence.IFACE_ID, at, at.plusMillis(1), Optional.of(at.plusMillis(2)), Optional.of(at.plusMillis(9)),
            "datastore-commit", 8, Set.of(1L, 2L, 3L), Optional.empty(), Optional.of(at.minusSeconds(3)),
            Optional.of(at.plusMillis(5)));
        final var entry = OperationalPublisher.migrationEntry(record);
        final var path = DataObjectIdentifier.builder(Migrations.class).child(Migration.class, entry.key()).build();
        final var normalized = codec.toNormalizedDataObject(path, entry);
        assertEquals(entry, codec.fromNormalizedNode(normalized.path(), normalized.node()).getValue());
        assertEquals(Migration.Verification.DestinationIfaceId, entry.getVerification());
        assertEquals(Migration.ConfirmedBy.DatastoreCommit, entry.getConfirmedBy());
        final var notification = (VmMigrated) codec.fromNormalizedNodeNotification(
            SchemaNodeIdentifier.Absolute.of(VmMigrated.QNAME),
            codec.toNormalizedNodeNotification(OperationalPublisher.migrationNotification(entry)));
        assertEquals(entry.getTrigger(), notification.getTrigger());
        assertEquals(entry.getToCloud(), notification.getToCloud());
    }
}
