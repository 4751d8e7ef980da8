/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.config.CloudroamConfig.VerifyStrategy;
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
 * hypervisor's migration, {@link PortEvidence}); otherwise the VM is asked at its old port. With
 * {@link VerifyStrategy#PROBE_THEN_APPLY} the move is believed only if the VM stays silent there for
 * verify-timeout (a forged announcement must not take a live VM's traffic). With
 * {@link VerifyStrategy#APPLY_THEN_PROBE} the move is applied at once and the old port asked meanwhile:
 * its answer within verify-timeout puts the VM back ({@link Decision.RollBack}), and that port's
 * next sightings of the VM are probed first for a while (a forger gets one window, not one per
 * frame). Used from one thread.
 */
public final class MoveVerifier {
    /** Verification of a move applied before its old port was asked. */
    public static final String APPLIED_THEN_PROBED = "applied-then-probed";
    /** Verification of a move back: the old port answered after a move applied before asking it. */
    public static final String OLD_PORT_ANSWERED = "old-port-answered";

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
         * Apply the move now and ask the VM at its old port; the deadline is armed.
         *
         * @param apply the move, verified {@link MoveVerifier#APPLIED_THEN_PROBED}
         * @param at where the table had it: the port to ask
         */
        record ApplyThenProbe(Apply apply, VmLocation at) implements Decision {
        }

        /**
         * The old port answered a move applied before it was asked: the VM goes back there.
         *
         * @param back the move back, verified {@link MoveVerifier#OLD_PORT_ANSWERED}
         * @param disproved the move that was applied, now disproved
         */
        record RollBack(Apply back, Disproved disproved) implements Decision {
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

    /** A port a move was rolled back from, probed first until a time. */
    private record Disputed(long datapathId, long port, Instant until) {
    }

    private final Timers timers;
    /** Moves waiting for their old port's silence (probe first). */
    private final Map<VmKey, Pending> pending = new HashMap<>();
    /** Moves applied whose old port is being asked (apply first). */
    private final Map<VmKey, Pending> applied = new HashMap<>();
    private final Map<VmKey, Disputed> disputed = new HashMap<>();

    /**
     * Creates one.
     *
     * @param timers arms the verifications' deadlines
     */
    public MoveVerifier(final Timers timers) {
        this.timers = requireNonNull(timers);
    }

    /**
     * How moves without evidence are verified.
     *
     * @param verifyTimeout how long the old port is asked (zero: no verification)
     * @param strategy probe first or apply first
     * @param disputeTime how long a port a move was rolled back from is probed first
     */
    public record Policy(Duration verifyTimeout, VerifyStrategy strategy, Duration disputeTime) {
        /**
         * Checks the parts.
         */
        public Policy {
            requireNonNull(verifyTimeout);
            requireNonNull(strategy);
            requireNonNull(disputeTime);
        }
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
     * @param policy how a move without evidence is verified
     * @param probeAnswer whether the frame answers the controller's probe (an ARP reply to its address)
     * @return what to do
     */
    public Decision candidate(final MoveCandidate move, final MigrationRecord.Trigger trigger, final Instant seen,
            final boolean quarantined, final boolean oldPortExists, final boolean announced,
            final Optional<String> evidence, final Policy policy, final boolean probeAnswer) {
        final var vm = VmKey.of(move.current());
        if (pending.containsKey(vm)) {
            return new Decision.Ignore();
        }
        final var asked = applied.get(vm);
        if (asked != null && samePort(asked.move().current(), move.proposed())) {
            if (!probeAnswer) {
                // a frame the VM sent there before it left, arriving late: only the answer to the probe counts
                return new Decision.Ignore();
            }
            applied.remove(vm);
            asked.deadline().cancel();
            final var spoofed = asked.move().proposed();
            disputed.put(vm, new Disputed(spoofed.datapathId(), spoofed.port(), seen.plus(policy.disputeTime())));
            return new Decision.RollBack(new Decision.Apply(move, trigger, seen, OLD_PORT_ANSWERED),
                new Disproved(asked.move(), asked.trigger(), asked.seen()));
        }
        if (asked != null) {
            // seen at yet another port: the move applied before stands, its old port is asked no more
            applied.remove(vm);
            asked.deadline().cancel();
        }
        if (quarantined) {
            return new Decision.Refuse("quarantined");
        }
        final var verifyTimeout = policy.verifyTimeout();
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
        if (policy.strategy() == VerifyStrategy.APPLY_THEN_PROBE && !disputed(vm, move.proposed(), seen)) {
            applied.put(vm, new Pending(move, trigger, seen, timers.moveDeadline(vm, verifyTimeout)));
            return new Decision.ApplyThenProbe(new Decision.Apply(move, trigger, seen, APPLIED_THEN_PROBED),
                move.current());
        }
        pending.put(vm, new Pending(move, trigger, seen, timers.moveDeadline(vm, verifyTimeout)));
        return new Decision.Probe(move.current());
    }

    private boolean disputed(final VmKey vm, final VmLocation at, final Instant now) {
        final var dispute = disputed.get(vm);
        if (dispute == null) {
            return false;
        }
        if (!now.isBefore(dispute.until())) {
            disputed.remove(vm);
            return false;
        }
        return dispute.datapathId() == at.datapathId() && dispute.port() == at.port();
    }

    private static boolean samePort(final VmLocation first, final VmLocation second) {
        return first.datapathId() == second.datapathId() && first.port() == second.port();
    }

    /**
     * A verification's deadline passed: the old port stayed silent.
     *
     * @param vm the VM
     * @return the move to apply, unless the verification ended already
     */
    public Optional<Decision.Apply> deadlinePassed(final VmKey vm) {
        if (applied.remove(vm) != null) {
            return Optional.empty(); // applied already; its old port stayed silent: it stands
        }
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
        if (waiting == null || !samePort(waiting.move().current(), location)) {
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
