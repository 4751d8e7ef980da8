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
import java.util.Set;

/**
 * One applied move, with the times that measure it.
 *
 * @param id sequential number
 * @param from where the VM was
 * @param to where it is
 * @param trigger what revealed the move
 * @param verification why it was believed
 * @param signalSeen when the revealing packet-in arrived
 * @param verified when the move was applied to the location table
 * @param flowsSent when the flow changes were handed to the switches
 * @param flowsConfirmed when all switches confirmed them, once they have
 * @param confirmedBy what the confirmation is ("barrier" or "datastore-commit")
 * @param flowsChanged number of flow additions, changes and removals
 * @param switchesTouched switches whose flows changed
 * @param problem what went wrong applying it (a phase of make-before-break that a switch did not
 *        confirm); empty when nothing did
 * @param prepared when the destination port was plugged and the move prepared, if it was
 *        ({@link PreparedMigrations})
 * @param newCloudConfirmed when the switches of the VM's new cloud confirmed their part (the end
 *        of make-before-break's first phase), once they have
 */
public record MigrationRecord(long id, VmLocation from, VmLocation to, Trigger trigger, String verification,
        Instant signalSeen, Instant verified, Optional<Instant> flowsSent, Optional<Instant> flowsConfirmed,
        String confirmedBy, int flowsChanged, Set<Long> switchesTouched, Optional<String> problem,
        Optional<Instant> prepared, Optional<Instant> newCloudConfirmed) {
    /**
     * What revealed a VM at a new place.
     */
    public enum Trigger {
        /** QEMU's RARP announcement. */
        RARP,
        /** A gratuitous ARP. */
        GARP,
        /** An unsolicited IPv6 neighbor advertisement. */
        UNSOLICITED_NA,
        /** Any other frame. */
        PACKET,
        /** An announce-migration call, then the old port went away while the target port existed. */
        ANNOUNCED
    }

    /**
     * Checks and freezes the parts.
     */
    public MigrationRecord {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(trigger, "trigger");
        switchesTouched = Set.copyOf(switchesTouched);
        requireNonNull(problem, "problem");
        requireNonNull(prepared, "prepared");
        requireNonNull(newCloudConfirmed, "newCloudConfirmed");
    }

    /**
     * A move just applied to the location table: nothing sent yet.
     *
     * @param id sequential number
     * @param from where the VM was
     * @param to where it is
     * @param trigger what revealed the move
     * @param verification why it was believed
     * @param signalSeen when the revealing packet-in arrived
     * @param verified when the move was applied
     * @return the record
     */
    public static MigrationRecord applied(final long id, final VmLocation from, final VmLocation to,
            final Trigger trigger, final String verification, final Instant signalSeen, final Instant verified) {
        return new MigrationRecord(id, from, to, trigger, verification, signalSeen, verified, Optional.empty(),
            Optional.empty(), "", 0, Set.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The same, prepared before the VM's first frame at its destination.
     *
     * @param at when the destination was prepared
     * @return a copy
     */
    public MigrationRecord preparedAt(final Instant at) {
        return new MigrationRecord(id, from, to, trigger, verification, signalSeen, verified, flowsSent,
            flowsConfirmed, confirmedBy, flowsChanged, switchesTouched, problem, Optional.of(at), newCloudConfirmed);
    }

    /**
     * The record once the new cloud's switches confirmed.
     *
     * @param at when
     * @return a copy
     */
    public MigrationRecord newCloudConfirmed(final Instant at) {
        return new MigrationRecord(id, from, to, trigger, verification, signalSeen, verified, flowsSent,
            flowsConfirmed, confirmedBy, flowsChanged, switchesTouched, problem, prepared, Optional.of(at));
    }

    /**
     * The record once the flows were sent.
     *
     * @param at when
     * @param changed how many flow changes
     * @param touched which switches
     * @param by what will confirm them
     * @return a copy
     */
    public MigrationRecord sent(final Instant at, final int changed, final Set<Long> touched, final String by) {
        return new MigrationRecord(id, from, to, trigger, verification, signalSeen, verified, Optional.of(at),
            flowsConfirmed, by, changed, touched, problem, prepared, newCloudConfirmed);
    }

    /**
     * The record once the switches confirmed.
     *
     * @param at when
     * @return a copy
     */
    public MigrationRecord confirmed(final Instant at) {
        return new MigrationRecord(id, from, to, trigger, verification, signalSeen, verified, flowsSent,
            Optional.of(at), confirmedBy, flowsChanged, switchesTouched, problem, prepared, newCloudConfirmed);
    }

    /**
     * The same with a problem added (several are joined).
     *
     * @param what what went wrong
     * @return the record
     */
    public MigrationRecord failed(final String what) {
        return new MigrationRecord(id, from, to, trigger, verification, signalSeen, verified, flowsSent,
            flowsConfirmed, confirmedBy, flowsChanged, switchesTouched,
            Optional.of(problem.map(earlier -> earlier + "; " + what).orElse(what)), prepared, newCloudConfirmed);
    }
}
