/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.cli;

import io.cloudroam.impl.CloudroamState;
import io.cloudroam.impl.migration.MigrationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code cloudroam:migrations [--conflicts]}: the moves cloudroam applied, with how long each took,
 * or the sightings it refused.
 */
@Service
@Command(scope = "cloudroam", name = "migrations", description = "Lists applied VM moves (or refused sightings)")
public final class MigrationsCommand implements Action {
    @Reference
    private CloudroamState state;
    @Reference
    private Session session;
    @Option(name = "--conflicts",
        description = "list refused sightings (spoofs, duplicate or flapping MACs, addresses claimed by another VM)")
    private boolean conflicts;

    @Override
    public Object execute() {
        Tables.standbyNote(session.getConsole(), state);
        if (conflicts) {
            final List<List<?>> rows = state.conflicts().stream()
                .<List<?>>map(c -> List.of(c.id(), c.at().vni(), c.at().mac(),
                    c.reason() + c.address().map(address -> " " + address + " by " + c.claimed().mac()).orElse(""),
                    c.at().cloud() + ":" + c.at().port(), c.claimed().cloud() + ":" + c.claimed().port(),
                    name(c.trigger()), c.seen()))
                .toList();
            Tables.print(session.getConsole(), List.of("Id", "VNI", "MAC", "Reason", "Is at", "Claimed at", "Trigger",
                "Seen"), rows, "no refused sightings");
            return null;
        }
        final List<List<?>> rows = state.migrations().stream()
            .<List<?>>map(m -> List.of(m.id(), m.to().vni(), m.to().mac(), m.from().cloud() + ":" + m.from().port(),
                m.to().cloud() + ":" + m.to().port(), name(m.trigger()), m.verification(),
                m.prepared().isPresent() ? "yes" : "no", millis(m.signalSeen(), Optional.of(m.verified())),
                millis(m.signalSeen(), m.newCloudConfirmed()), millis(m.signalSeen(), m.flowsConfirmed()),
                m.flowsChanged(), m.switchesTouched().size()))
            .toList();
        Tables.print(session.getConsole(), List.of("Id", "VNI", "MAC", "From", "To", "Trigger", "Verified by",
            "Prepared", "Verify ms", "New cloud ms", "Converged ms", "Flows", "Switches"), rows, "no migrations yet");
        return null;
    }

    private static String millis(final Instant from, final Optional<Instant> to) {
        return to.map(end -> String.format(Locale.ROOT, "%.1f", Duration.between(from, end).toNanos() / 1e6))
            .orElse("-");
    }

    static String name(final MigrationRecord.Trigger trigger) {
        return trigger.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
