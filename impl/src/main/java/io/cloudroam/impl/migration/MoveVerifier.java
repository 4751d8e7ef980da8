/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.location.LocationLearner.Outcome.MoveCandidate;
import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.location.VmLocation;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a VM seen at a new port moved: at once when its old port is gone, an
 * orchestrator announced the move, or the new port was plugged for it while it was elsewhere (a
 * hypervisor's migration, {@link PortEvidence}); otherwise the VM is asked at its old port, and
 * the move is believed only if it stays silent there for verify-timeout (a forged announcement
 * must not take a live VM's traffic). Used from one thread.
 */
public final class MoveVerifier {
    /**
     * What to do with a move candidate.
     */
    public sealed interface Decision {
        /**
         * Apply the move now.
         *
         * @param move the move
         * @param trigger what revealed it
         * @param seen when
         * @param verification why it is believed ("old-port-gone", "announced", "old-port-silent", or the
         *        destination port's evidence, {@link PortEvidence})
         */
        record Apply(MoveCandidate move, MigrationRecord.Trigger trigger, Instant seen, String verification)
                implements Decision {
        }

        /**
         * Ask the VM at its old port; the deadline is armed.
         *
         * @param at where the table has it
         */
        record Probe(VmLocation at) implements Decision {
        }

        /**
         * Refuse the sighting.
         *
         * @param reason why ("quarantined")
         */
        record Refuse(String reason) implements Decision {
        }

        /**
         * Nothing to do: the move is being verified already (the rest of an announcement burst).
         */
        record Ignore() implements Decision {
        }
    }

    /**
     * A sighting the VM's answer at its old port disproved.
     *
     * @param move the move it proposed
     * @param trigger what it was
     * @param seen when
     */
    public record Disproved(MoveCandidate move, MigrationRecord.Trigger trigger, Instant seen) {
    }

    private record Pending(MoveCandidate move, MigrationRecord.Trigger trigger, Instant seen,
            Timers.Deadline deadline) {
    }

    private final Timers timers;
    private final Map<VmKey, Pending> pending = new HashMap<>();

    /**
     * Creates one.
     *
     * @param timers arms the verifications' deadlines
     */
    public MoveVerifier(final Timers timers) {
        this.timers = requireNonNull(timers);
    }

    /**
     * A VM was seen at a new port.
     *
     * @param move what the learner proposes
     * @param trigger what the frame was
     * @param seen when
     * @param quarantined whether the VM is in quarantine (it moved too often)
     * @param oldPortExists whether the port the table has it at still exists
     * @param announced whether an announcement names the new port's cloud
     * @param evidence what shows the new port was plugged for the VM ({@link PortEvidence}), if anything
     * @param verifyTimeout how long the old port must stay silent (zero: no verification)
     * @return what to do
     */
    public Decision candidate(final MoveCandidate move, final MigrationRecord.Trigger trigger, final Instant seen,
            final boolean quarantined, final boolean oldPortExists, final boolean announced,
            final Optional<String> evidence, final Duration verifyTimeout) {
        final var vm = VmKey.of(move.current());
        if (pending.containsKey(vm)) {
            return new Decision.Ignore();
        }
        if (quarantined) {
            return new Decision.Refuse("quarantined");
        }
        if (!oldPortExists || verifyTimeout.isZero()) {
            return new Decision.Apply(move, trigger, seen, "old-port-gone");
        }
        if (announced) {
            // the orchestrator said so: no probe at the old port
            return new Decision.Apply(move, trigger, seen, "announced");
        }
        if (evidence.isPresent()) {
            // the management plane plugged this port for the VM: its first frame here is the switchover
            return new Decision.Apply(move, trigger, seen, evidence.orElseThrow());
        }
        pending.put(vm, new Pending(move, trigger, seen, timers.moveDeadline(vm, verifyTimeout)));
        return new Decision.Probe(move.current());
    }

    /**
     * A verification's deadline passed: the old port stayed silent.
     *
     * @param vm the VM
     * @return the move to apply, unless the verification ended already
     */
    public Optional<Decision.Apply> deadlinePassed(final VmKey vm) {
        final var waiting = pending.remove(vm);
        return waiting == null ? Optional.empty()
            : Optional.of(new Decision.Apply(waiting.move(), waiting.trigger(), waiting.seen(), "old-port-silent"));
    }

    /**
     * The VM spoke where the table has it: a move being verified from there is disproved.
     *
     * @param location where it spoke (its table entry)
     * @return the disproved sighting, if one was being verified
     */
    public Optional<Disproved> aliveAt(final VmLocation location) {
        final var vm = VmKey.of(location);
        final var waiting = pending.get(vm);
        if (waiting == null || waiting.move().current().datapathId() != location.datapathId()
                || waiting.move().current().port() != location.port()) {
            return Optional.empty();
        }
        pending.remove(vm);
        waiting.deadline().cancel();
        return Optional.of(new Disproved(waiting.move(), waiting.trigger(), waiting.seen()));
    }

    /**
     * Whether a VM's move is being verified.
     *
     * @param vm the VM
     * @return true while its old port is asked
     */
    public boolean verifying(final VmKey vm) {
        return pending.containsKey(vm);
    }
}
