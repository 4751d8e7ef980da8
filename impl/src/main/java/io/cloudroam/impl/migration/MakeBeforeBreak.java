/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import io.cloudroam.impl.flow.FlowEngine;
import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.location.VmKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The order in which a migration's flows change: the VM's new cloud first; once its switches
 * confirmed, every other cloud (the old cloud's entry becomes a relay toward the new one, so
 * frames still on their way there are sent on, not dropped). While the first phase runs, the VM's
 * flows elsewhere are held as they are ({@link #held()}). A phase a switch does not confirm is
 * recorded in the migration ({@link MigrationRecord#problem()}) and the next phase goes on: the
 * failed switches are rebuilt. Used from one thread.
 */
public final class MakeBeforeBreak {
    /** The phases of a migration. */
    public enum Phase {
        /** The switches of the VM's new cloud. */
        NEW_CLOUD,
        /** Every other switch. */
        EVERYWHERE
    }

    /**
     * A delta handed to a switch, with its confirmation.
     *
     * @param delta what was sent
     * @param confirmation completes when the switch confirmed, exceptionally when it failed
     */
    public record Sent(FlowEngine.Delta delta, CompletableFuture<Void> confirmation) {
    }

    /**
     * A phase whose changes were sent: its confirmations to wait for.
     *
     * @param migration the migration id
     * @param phase the phase
     * @param confirmations the confirmations of the switches whose flows of the VM changed
     */
    public record Dispatched(long migration, Phase phase, List<CompletableFuture<Void>> confirmations) {
    }

    /**
     * What the end of a phase calls for.
     */
    public sealed interface Next {
        /**
         * The first phase is over: the VM's flows everywhere are to be synchronised.
         *
         * @param vm the VM
         */
        record Everywhere(VmKey vm) implements Next {
        }

        /**
         * The migration is over; its record is final.
         *
         * @param record the record
         */
        record Done(MigrationRecord record) implements Next {
        }
    }

    private static final class Move {
        private MigrationRecord record;
        private final VmKey vm;
        private final Set<Long> newCloud;
        private final Instant started;
        private Phase phase = Phase.NEW_CLOUD;
        private int changed;
        private final Set<Long> touched = new HashSet<>();

        Move(final MigrationRecord record, final Set<Long> newCloud, final Instant started) {
            this.record = record;
            this.vm = VmKey.of(record.to());
            this.newCloud = Set.copyOf(newCloud);
            this.started = started;
        }
    }

    private final Map<Long, Move> moves = new LinkedHashMap<>();
    /** The migrations whose current phase waits to be sent, in order. */
    private final Map<Long, Move> waiting = new LinkedHashMap<>();
    /** The VMs in their first phase (the latest migration of each), and its new cloud's switches. */
    private final Map<VmKey, Move> firstPhase = new HashMap<>();

    /**
     * A migration was applied to the location table: its first phase comes with the next
     * synchronisation.
     *
     * @param record the migration
     * @param newCloud the switches of the VM's new cloud
     * @param now when its flows start to change
     */
    public void start(final MigrationRecord record, final Set<Long> newCloud, final Instant now) {
        final var move = new Move(record, newCloud, now);
        moves.put(record.id(), move);
        waiting.put(record.id(), move);
        firstPhase.put(move.vm, move);
    }

    /**
     * The VMs whose flows may change on some switches only, for now: those of the migrations in
     * their first phase (the latest per VM), on their new cloud's switches.
     *
     * @return VM to switches
     */
    public Map<VmKey, Set<Long>> held() {
        final var result = new HashMap<VmKey, Set<Long>>();
        firstPhase.forEach((vm, move) -> result.put(vm, move.newCloud));
        return result;
    }

    /**
     * A synchronisation sent its deltas: every phase waiting to be sent takes the confirmations of
     * the switches where its VM's flows changed. A phase with nothing to send is over at once.
     *
     * @param sent what was handed to the switches
     * @param confirmedBy what a confirmation means ("barrier", "datastore-commit")
     * @param now the time
     * @return the phases sent, and what the phases over at once call for
     */
    public Synchronised synchronised(final List<Sent> sent, final String confirmedBy, final Instant now) {
        final var dispatched = new ArrayList<Dispatched>();
        final var next = new ArrayList<Next>();
        final var reports = new ArrayList<MigrationRecord>();
        if (waiting.isEmpty()) {
            return new Synchronised(dispatched, next, reports);
        }
        // each delta once: which VMs' own flows it changes, and how many
        final var byVm = new HashMap<VmKey, List<Map.Entry<Sent, Integer>>>();
        for (var each : sent) {
            final var counts = new HashMap<VmKey, Integer>();
            each.delta().upserts().keySet().forEach(key -> count(counts, key));
            each.delta().removals().keySet().forEach(key -> count(counts, key));
            counts.forEach((vm, changes) -> byVm.computeIfAbsent(vm, v -> new ArrayList<>())
                .add(Map.entry(each, changes)));
        }
        final var due = List.copyOf(waiting.values());
        waiting.clear();
        for (var move : due) {
            final var confirmations = new ArrayList<CompletableFuture<Void>>();
            for (var entry : byVm.getOrDefault(move.vm, List.of())) {
                final var delta = entry.getKey().delta();
                if (move.phase == Phase.EVERYWHERE || move.newCloud.contains(delta.datapathId())) {
                    move.changed += entry.getValue();
                    move.touched.add(delta.datapathId());
                    confirmations.add(entry.getKey().confirmation());
                }
            }
            if (move.phase == Phase.EVERYWHERE) {
                move.record = move.record.sent(move.started, move.changed, move.touched, confirmedBy);
                reports.add(move.record);
            }
            if (confirmations.isEmpty()) {
                phaseDone(move.record.id(), move.phase, Optional.empty(), now).ifPresent(next::add);
            } else {
                dispatched.add(new Dispatched(move.record.id(), move.phase, confirmations));
            }
        }
        return new Synchronised(dispatched, next, reports);
    }

    private static void count(final Map<VmKey, Integer> counts, final FlowKey key) {
        if (key instanceof FlowKey.OfVm own) {
            counts.merge(own.vm(), 1, Integer::sum);
        }
    }

    /**
     * What a synchronisation did to the migrations.
     *
     * @param dispatched the phases sent, whose confirmations to wait for
     * @param next what the phases over at once call for
     * @param reports records to report (a migration's flows handed to every switch)
     */
    public record Synchronised(List<Dispatched> dispatched, List<Next> next, List<MigrationRecord> reports) {
    }

    /**
     * Every confirmation of a phase came.
     *
     * @param migration the migration id
     * @param phase the phase
     * @param failure why a switch did not confirm, if one did not
     * @param now the time
     * @return what comes next; empty for a migration no longer followed
     */
    public Optional<Next> phaseDone(final long migration, final Phase phase, final Optional<String> failure,
            final Instant now) {
        final var move = moves.get(migration);
        if (move == null || move.phase != phase) {
            return Optional.empty();
        }
        failure.ifPresent(why -> move.record = move.record.failed(
            (phase == Phase.NEW_CLOUD ? "new cloud's switches" : "other switches") + " did not confirm: " + why));
        if (phase == Phase.NEW_CLOUD) {
            if (failure.isEmpty()) {
                move.record = move.record.newCloudConfirmed(now);
            }
            move.phase = Phase.EVERYWHERE;
            waiting.put(migration, move);
            firstPhase.remove(move.vm, move);
            return Optional.of(new Next.Everywhere(move.vm));
        }
        moves.remove(migration);
        return Optional.of(new Next.Done(failure.isPresent() ? move.record : move.record.confirmed(now)));
    }

    /**
     * How many migrations are between their first flow change and their last confirmation.
     *
     * @return the count
     */
    public int inProgress() {
        return moves.size();
    }
}
