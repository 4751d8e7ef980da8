/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.flow.FlowEngine;
import io.cloudroam.impl.flow.FlowInputs;
import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.flow.Scope;
import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.migration.MakeBeforeBreak;
import io.cloudroam.impl.migration.MigrationHistory;
import io.cloudroam.impl.migration.MigrationRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the switches what changed: inputs mark what they touch ({@link #dirty()}), and after each
 * batch of inputs one synchronisation compiles and compares that scope and hands the difference to
 * the flow programmer; a migration's flows go make-before-break. Confined to the fabric's thread.
 */
final class FlowSync {
    private static final Logger LOG = LoggerFactory.getLogger(FlowSync.class);
    /** Synchronisations one batch may run (a migration phase with nothing to send asks for the next at once). */
    private static final int ROUNDS = 8;

    private final Function<CloudroamConfig.FlowProgramming, FlowProgrammer> programmers;
    private final FlowEngine engine;
    private final MakeBeforeBreak phases = new MakeBeforeBreak();
    private final Supplier<FlowInputs> inputs;
    private final Consumer<FabricEvent> post;
    private final MigrationHistory history;
    private final Counters counters;
    private final Clock clock;
    private final Scope dirty = new Scope();
    private CloudroamConfig.FlowProgramming method = CloudroamConfig.EMPTY.flowProgramming();

    FlowSync(final Function<CloudroamConfig.FlowProgramming, FlowProgrammer> programmers, final FlowEngine engine,
            final Supplier<FlowInputs> inputs, final Consumer<FabricEvent> post, final MigrationHistory history,
            final Counters counters, final Clock clock) {
        this.programmers = requireNonNull(programmers);
        this.engine = requireNonNull(engine);
        this.inputs = requireNonNull(inputs);
        this.post = requireNonNull(post);
        this.history = requireNonNull(history);
        this.counters = requireNonNull(counters);
        this.clock = requireNonNull(clock);
    }

    /** What the next synchronisation covers; inputs add to it. */
    Scope dirty() {
        return dirty;
    }

    /**
     * The flow programming method of a new configuration: when it changes, the old method's flows go
     * and the new one starts from nothing.
     *
     * @param wanted the method
     */
    void method(final CloudroamConfig.FlowProgramming wanted) {
        if (wanted == method) {
            return;
        }
        if (method.recorded() && wanted.recorded()) {
            // the same flows in the same record: the switches keep them, later changes take the new way
            LOG.info("Flow programming switched from {} to {}; the flows stay", method, wanted);
            method = wanted;
            return;
        }
        final var old = programmers.apply(method);
        for (var delta : engine.clear()) {
            old.apply(delta.datapathId(), List.of(), delta.removals().values());
        }
        LOG.info("Flow programming switched from {} to {}", method, wanted);
        method = wanted;
        dirty.all();
    }

    /**
     * Switches no longer configured lose cloudroam's flows.
     *
     * @param configured the switches of the configuration in force
     */
    void retain(final Set<Long> configured) {
        send(engine.retain(configured));
    }

    /**
     * A migration was applied to the location table: its flows change make-before-break.
     *
     * @param record the migration
     * @param addresses the VM's addresses
     * @param newCloud the switches of its new cloud
     */
    void migrate(final MigrationRecord record, final Set<String> addresses, final Set<Long> newCloud) {
        phases.start(record, newCloud, clock.instant());
        dirty.vm(VmKey.of(record.to()), addresses);
    }

    /**
     * A switch is forgotten (it failed a change or reconnected): rebuilt at the next synchronisation.
     *
     * @param datapathId the switch
     */
    void forget(final long datapathId) {
        engine.forget(datapathId);
        programmers.apply(method).forget(datapathId);
        dirty.wholeSwitch(datapathId);
    }

    /** One synchronisation of what is dirty (more if a migration's next phase is due at once). */
    void synchronise() {
        for (int round = 0; round < ROUNDS && !dirty.isEmpty(); round++) {
            final var scope = dirty.take();
            final var sent = send(engine.synchronise(inputs.get(), scope, phases.held()));
            final var result = phases.synchronised(sent, programmers.apply(method).confirmation(), clock.instant());
            result.reports().forEach(this::report);
            result.dispatched().forEach(this::await);
            result.next().forEach(this::follow);
        }
        if (!dirty.isEmpty()) {
            // other inputs get their turn first; the loop comes back to this work on its own
            LOG.warn("Flow synchronisation still has {} after {} rounds; it goes on after the inputs waiting",
                dirty, ROUNDS);
            post.accept(new FabricEvent.SyncPending());
        }
    }

    private List<MakeBeforeBreak.Sent> send(final List<FlowEngine.Delta> deltas) {
        final var programmer = programmers.apply(method);
        final var sent = new ArrayList<MakeBeforeBreak.Sent>();
        for (var delta : deltas) {
            LOG.debug("Switch {}: {} flows to add or change, {} to remove", delta.datapathId(), delta.upserts().size(),
                delta.removals().size());
            counters.add(Counters.Kind.FLOW_CHANGES, delta.size());
            final var confirmation = programmer.apply(delta.datapathId(), delta.upserts().values(),
                delta.removals().values());
            // the switch is taken to hold the delta once it is also recorded; a migration's next
            // phase waits only for the switch
            confirmation.both().whenComplete((ok, failure) -> post.accept(new FabricEvent.FlowsDone(delta,
                Optional.ofNullable(failure).map(FlowSync::reason))));
            sent.add(new MakeBeforeBreak.Sent(delta, confirmation.applied()));
        }
        return sent;
    }

    private static String reason(final Throwable failure) {
        final var cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
            : failure;
        return String.valueOf(cause.getMessage() != null ? cause.getMessage() : cause);
    }

    private void await(final MakeBeforeBreak.Dispatched phase) {
        CompletableFuture.allOf(phase.confirmations().toArray(CompletableFuture[]::new)).whenComplete((ok, failure) ->
            post.accept(new FabricEvent.PhaseDone(phase.migration(), phase.phase(),
                Optional.ofNullable(failure).map(FlowSync::reason))));
    }

    private void follow(final MakeBeforeBreak.Next next) {
        switch (next) {
            case MakeBeforeBreak.Next.Everywhere everywhere -> dirty.vm(everywhere.vm(), Set.of());
            case MakeBeforeBreak.Next.Done done -> history.report(done.record());
        }
    }

    private void report(final MigrationRecord sent) {
        counters.increment(Counters.Kind.MOVES_APPLIED);
        history.report(sent);
    }

    /**
     * A switch confirmed a delta, or did not: one that did not is forgotten and rebuilt.
     *
     * @param delta the delta
     * @param failure why not, if not
     */
    void flowsDone(final FlowEngine.Delta delta, final Optional<String> failure) {
        if (failure.isEmpty()) {
            engine.confirmed(delta);
            return;
        }
        LOG.warn("Switch {}: {} flow changes not confirmed ({}); its flows are rebuilt", delta.datapathId(),
            delta.size(), failure.orElseThrow());
        forget(delta.datapathId());
    }

    /**
     * Every confirmation of a migration's phase came.
     *
     * @param migration the migration
     * @param phase the phase
     * @param failure why a switch did not confirm, if one did not
     */
    void phaseDone(final long migration, final MakeBeforeBreak.Phase phase, final Optional<String> failure) {
        failure.ifPresent(why -> LOG.warn("Migration {}: {} phase not confirmed ({}); going on", migration, phase,
            why));
        phases.phaseDone(migration, phase, failure, clock.instant()).ifPresent(this::follow);
    }

    /** What each switch confirmed. */
    SortedMap<Long, Map<FlowKey, FlowSpec>> installed() {
        return engine.installed();
    }

    /** Whether nothing waits: no dirt, no confirmation, no migration between its phases. */
    boolean idle() {
        return dirty.isEmpty() && engine.unconfirmed() == 0 && phases.inProgress() == 0;
    }
}
