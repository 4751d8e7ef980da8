/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.VirtualNetworkSpec;
import io.cloudroam.impl.location.LocationLearner;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.MobilityGuard;
import io.cloudroam.impl.location.VmKey;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a verified move into a change of the location table: the flap guard may refuse it, a
 * newer move may have won, the reactive baseline forgets the VM instead of moving it. Used from
 * the one thread that changes the table.
 */
public final class MigrationPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationPlanner.class);

    /**
     * What a verified move came to.
     */
    public sealed interface Plan {
        /**
         * The table has the VM at its new place (or, for the reactive baseline, no longer has it).
         *
         * @param record the migration
         * @param forgotten whether the VM was forgotten (reactive) rather than moved
         */
        record Applied(MigrationRecord record, boolean forgotten) implements Plan {
        }

        /**
         * The guard refused it.
         *
         * @param reason "flapping" or "quarantined"
         */
        record Refused(String reason) implements Plan {
        }

        /**
         * A newer move of the same VM won; nothing changed.
         */
        record Superseded() implements Plan {
        }
    }

    private final LocationLearner learner;
    private final LocationTable table;
    private final MobilityGuard guard;
    private final Announcements announcements;
    private final MigrationHistory history;

    /**
     * Creates one.
     *
     * @param learner commits moves to the table
     * @param table the location table
     * @param guard the flap guard
     * @param announcements the announcements a move fulfils
     * @param history numbers the migrations
     */
    public MigrationPlanner(final LocationLearner learner, final LocationTable table, final MobilityGuard guard,
            final Announcements announcements, final MigrationHistory history) {
        this.learner = requireNonNull(learner);
        this.table = requireNonNull(table);
        this.guard = requireNonNull(guard);
        this.announcements = requireNonNull(announcements);
        this.history = requireNonNull(history);
    }

    /**
     * Applies a verified move.
     *
     * @param config the configuration in force
     * @param decision the verifier's decision
     * @param now the time
     * @return what it came to
     */
    public Plan apply(final CloudroamConfig config, final MoveVerifier.Decision.Apply decision, final Instant now) {
        final var move = decision.move();
        final var old = move.current();
        final var verdict = guard.judge(old.vni(), old.mac(), now, config.mobility().guard());
        if (verdict != MobilityGuard.Verdict.ALLOW) {
            return new Plan.Refused(verdict == MobilityGuard.Verdict.FLAPPING ? "flapping" : "quarantined");
        }
        final var committed = learner.commit(move);
        if (committed.isEmpty()) {
            return new Plan.Superseded();
        }
        final var to = committed.orElseThrow();
        announcements.remove(VmKey.of(to));
        LOG.info("VM {} on VNI {} moved from {}/{}:{} to {}/{}:{} ({}, {})", old.mac(), old.vni(), old.cloud(),
            old.datapathId(), old.port(), to.cloud(), to.datapathId(), to.port(), decision.trigger(),
            decision.verification());
        final var network = config.networks().get(to.vni());
        final boolean reactive = network != null && network.mode() == VirtualNetworkSpec.Mode.REACTIVE;
        if (reactive) {
            // the baseline: forget the VM and every flow for it; its next packet teaches it again
            table.remove(to);
        }
        return new Plan.Applied(MigrationRecord.applied(history.nextMigrationId(), old, to, decision.trigger(),
            decision.verification(), decision.seen(), now), reactive);
    }

    /**
     * Ends a VM's quarantine.
     *
     * @param vm the VM
     * @return whether it was quarantined
     */
    public boolean release(final VmKey vm) {
        return guard.release(vm.vni(), vm.mac());
    }

    /**
     * Whether a VM is in quarantine.
     *
     * @param vm the VM
     * @param now the time
     * @return true while its moves are refused
     */
    public boolean quarantined(final VmKey vm, final Instant now) {
        return guard.isQuarantined(vm.vni(), vm.mac(), now);
    }
}
