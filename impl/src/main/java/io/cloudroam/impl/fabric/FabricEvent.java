/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.flow.FlowEngine;
import io.cloudroam.impl.location.LocationLearner;
import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.migration.AddressClaims;
import io.cloudroam.impl.migration.MakeBeforeBreak;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.ovsdb.SwitchView;
import io.cloudroam.impl.packet.DecodedFrame;
import io.cloudroam.impl.topology.LatencyProbes;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Every input of the fabric's state, as its one thread takes them in ({@link FabricLoop}). Whatever
 * happens elsewhere (a packet-in, an OVSDB update, a switch's confirmation, a deadline) arrives as
 * one of these.
 */
sealed interface FabricEvent {
    /**
     * A new configuration is in force.
     *
     * @param config the configuration
     */
    record ConfigApplied(CloudroamConfig config) implements FabricEvent {
    }

    /**
     * A cloud's OVSDB reported its switch.
     *
     * @param cloud the cloud
     * @param view what its OVSDB holds now
     */
    record ViewArrived(String cloud, SwitchView view) implements FabricEvent {
    }

    /**
     * A tunnel transaction on a cloud's OVSDB ended.
     *
     * @param cloud the cloud
     * @param failure why it failed; empty when it did not
     */
    record TunnelTransactionDone(String cloud, Optional<String> failure) implements FabricEvent {
    }

    /**
     * A VM frame at a bound port: something to learn from.
     *
     * @param sighting where and when
     * @param frame the decoded frame
     * @param payload its bytes
     * @param trigger what it would reveal as a move
     */
    record Sighted(LocationLearner.Sighting sighting, DecodedFrame frame, byte[] payload,
            MigrationRecord.Trigger trigger) implements FabricEvent {
    }

    /**
     * A VM used an address another VM holds (reported by the learner).
     *
     * @param claim the claim
     */
    record AddressClaimed(LocationLearner.AddressClaim claim) implements FabricEvent {
    }

    /**
     * A latency probe came back.
     *
     * @param probe what it carried
     * @param cloud the cloud whose switch sent it up
     * @param arrivalNanos when
     */
    record ProbeAnswered(LatencyProbes.Probe probe, String cloud, long arrivalNanos) implements FabricEvent {
    }

    /**
     * A move's verification deadline passed.
     *
     * @param vm the VM
     */
    record MoveDeadline(VmKey vm) implements FabricEvent {
    }

    /**
     * An address claim's verification deadline passed.
     *
     * @param claimed the address
     */
    record ClaimDeadline(AddressClaims.Claimed claimed) implements FabricEvent {
    }

    /** The once-a-second tick: idle VMs and lapsed announcements go. */
    record Tick() implements FabricEvent {
    }

    /** Time for a round of latency probes. */
    record ProbeRound() implements FabricEvent {
    }

    /** Flow synchronisation stopped after its rounds with work left: the next batch goes on with it. */
    record SyncPending() implements FabricEvent {
    }

    /**
     * A switch confirmed a delta, or did not.
     *
     * @param delta what it was sent
     * @param failure why it failed; empty when it confirmed
     */
    record FlowsDone(FlowEngine.Delta delta, Optional<String> failure) implements FabricEvent {
    }

    /**
     * Every confirmation of a migration's phase came.
     *
     * @param migration the migration id
     * @param phase the phase
     * @param failure why a switch did not confirm, if one did not
     */
    record PhaseDone(long migration, MakeBeforeBreak.Phase phase, Optional<String> failure) implements FabricEvent {
    }

    /**
     * A switch reconnected: what it holds is no longer known.
     *
     * @param datapathId the switch
     */
    record SwitchReconnected(long datapathId) implements FabricEvent {
    }

    /**
     * An input that arrived after a delay ({@link FabricLoop#after}); it is taken only if its deadline
     * was not cancelled meanwhile: a timer can fire, and queue its input, just before the
     * verification it ends is decided by an input queued earlier.
     *
     * @param event the input
     * @param cancelled whether its deadline was cancelled
     */
    record Due(FabricEvent event, BooleanSupplier cancelled) implements FabricEvent {
    }

    /**
     * A question or an operator's request, answered on the fabric's thread.
     *
     * @param work what to do there
     * @param answer completes with its result
     * @param <T> the result type
     */
    record Request<T>(Callable<T> work, CompletableFuture<T> answer) implements FabricEvent {
    }
}
