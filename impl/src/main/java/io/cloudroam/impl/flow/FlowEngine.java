/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.location.VmKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Keeps every switch's flows equal to the desired state, sending only the difference (as OVN's
 * ofctrl does). Desired flows come from one compiler for any scope; they are compared with what
 * was sent (confirmed or on its way), so nothing is sent twice. What is installed is what the
 * switches confirmed; a switch whose changes failed, or that reconnected, is forgotten and
 * rebuilt from nothing at its next synchronisation. Switches confirm their deltas in order.
 * Pure: the caller sends the deltas and reports
 * how they ended. Used from one thread.
 */
public final class FlowEngine {
    /**
     * What one synchronisation sends one switch.
     *
     * @param datapathId the switch
     * @param upserts flows to add or replace
     * @param removals flows to remove
     */
    public record Delta(long datapathId, Map<FlowKey, FlowSpec> upserts, Map<FlowKey, FlowSpec> removals) {
        /**
         * Freezes the parts.
         */
        public Delta {
            upserts = Map.copyOf(upserts);
            removals = Map.copyOf(removals);
        }

        /**
         * How many flows change.
         *
         * @return upserts and removals
         */
        public int size() {
            return upserts.size() + removals.size();
        }
    }

    private final BiFunction<FlowInputs, Scope, SortedMap<Long, Map<FlowKey, FlowSpec>>> compiler;
    /** What was sent, confirmed or not: what the next difference is taken against. */
    private final Map<Long, Map<FlowKey, FlowSpec>> sent = new HashMap<>();
    /** The shared flows among those sent, per switch (few: the switch's ports, tunnels and networks). */
    private final Map<Long, Set<FlowKey>> shared = new HashMap<>();
    /** Deltas sent and not yet confirmed, oldest first, with what they replaced (null: nothing). */
    private final Map<Long, ArrayDeque<Map.Entry<Delta, Map<FlowKey, FlowSpec>>>> unconfirmed = new HashMap<>();

    /**
     * Creates an engine over {@link FlowCompiler#compile(FlowInputs, Scope)}.
     */
    public FlowEngine() {
        this(FlowCompiler::compile);
    }

    /**
     * Creates an engine over a compiler (a test may give a broken one).
     *
     * @param compiler desired flows of a scope, as {@link FlowCompiler#compile(FlowInputs, Scope)}
     */
    public FlowEngine(final BiFunction<FlowInputs, Scope, SortedMap<Long, Map<FlowKey, FlowSpec>>> compiler) {
        this.compiler = requireNonNull(compiler);
    }

    /**
     * The differences within a scope, recorded as sent.
     *
     * @param in what the flows are computed from
     * @param scope what changed
     * @param held VMs whose own flows may change only on some switches for now (a migration's
     *        first phase: the new cloud before the others); elsewhere they are left as they are
     * @return what to send each switch that has changes, in switch order
     */
    public List<Delta> synchronise(final FlowInputs in, final Scope scope, final Map<VmKey, Set<Long>> held) {
        final var deltas = new ArrayList<Delta>();
        compiler.apply(in, scope).forEach((dpid, want) -> {
            final var have = sent.computeIfAbsent(dpid, d -> new HashMap<>());
            final var upserts = new LinkedHashMap<FlowKey, FlowSpec>();
            final var removals = new LinkedHashMap<FlowKey, FlowSpec>();
            want.forEach((key, flow) -> {
                if (!flow.equals(have.get(key)) && mayChange(key, dpid, held)) {
                    upserts.put(key, flow);
                }
            });
            for (var key : candidates(dpid, scope, have)) {
                final var flow = have.get(key);
                if (flow != null && !want.containsKey(key) && mayChange(key, dpid, held)) {
                    removals.put(key, flow);
                }
            }
            if (!upserts.isEmpty() || !removals.isEmpty()) {
                deltas.add(record(dpid, have, new Delta(dpid, upserts, removals)));
            }
        });
        return deltas;
    }

    /**
     * The flows a switch was sent that a scope covers, found without looking at the others: a
     * migration's cost must not grow with the flows of every other VM.
     */
    private Iterable<FlowKey> candidates(final long dpid, final Scope scope, final Map<FlowKey, FlowSpec> have) {
        if (scope.wholeOf(dpid)) {
            return List.copyOf(have.keySet());
        }
        final var keys = new ArrayList<FlowKey>();
        if (scope.sharedOn(dpid)) {
            keys.addAll(shared.getOrDefault(dpid, Set.of()));
        }
        for (var vm : scope.vms()) {
            for (var role : FlowKey.Role.values()) {
                keys.add(new FlowKey.OfVm(vm, role));
            }
        }
        scope.addresses().forEach((vni, addresses) -> addresses.forEach(address ->
            keys.add(new FlowKey.Arp(vni, address))));
        return keys;
    }

    private Delta record(final long dpid, final Map<FlowKey, FlowSpec> have, final Delta delta) {
        final var replaced = new HashMap<FlowKey, FlowSpec>();
        final var sharedHere = shared.computeIfAbsent(dpid, d -> new HashSet<>());
        delta.removals().keySet().forEach(key -> {
            replaced.put(key, have.remove(key));
            if (key instanceof FlowKey.Shared) {
                sharedHere.remove(key);
            }
        });
        delta.upserts().forEach((key, flow) -> {
            replaced.put(key, have.put(key, flow));
            if (key instanceof FlowKey.Shared) {
                sharedHere.add(key);
            }
        });
        unconfirmed.computeIfAbsent(dpid, d -> new ArrayDeque<>()).addLast(Map.entry(delta, replaced));
        return delta;
    }

    private static boolean mayChange(final FlowKey key, final long dpid, final Map<VmKey, Set<Long>> held) {
        if (held.isEmpty() || !(key instanceof FlowKey.OfVm own)) {
            return true;
        }
        final var only = held.get(own.vm());
        return only == null || only.contains(dpid);
    }

    /**
     * The removal of every flow sent to switches no longer configured.
     *
     * @param configured the switches of the configuration in force
     * @return what to send each of the others
     */
    public List<Delta> retain(final Set<Long> configured) {
        final var deltas = new ArrayList<Delta>();
        for (var dpid : List.copyOf(sent.keySet())) {
            if (!configured.contains(dpid)) {
                final var flows = sent.remove(dpid);
                unconfirmed.remove(dpid);
                shared.remove(dpid);
                if (!flows.isEmpty()) {
                    deltas.add(new Delta(dpid, Map.of(), flows));
                }
            }
        }
        return deltas;
    }

    /**
     * The removal of every flow sent anywhere (the flow programming method changes: the old one's
     * flows go, the new one starts from nothing).
     *
     * @return what to send each switch
     */
    public List<Delta> clear() {
        return retain(Set.of());
    }

    /**
     * A switch confirmed a delta.
     *
     * @param delta what it was sent
     */
    public void confirmed(final Delta delta) {
        final var waiting = unconfirmed.get(delta.datapathId());
        if (waiting != null) {
            // by identity: an equal delta sent later is a change of its own
            waiting.removeIf(entry -> entry.getKey() == delta);
        }
    }

    /**
     * A switch is forgotten: its changes failed or it reconnected. Its next synchronisation
     * compares with nothing and sends every flow it should have.
     *
     * @param datapathId the switch
     */
    public void forget(final long datapathId) {
        sent.remove(datapathId);
        unconfirmed.remove(datapathId);
        shared.remove(datapathId);
    }

    /**
     * What each switch confirmed: what was sent, without the changes still on their way.
     *
     * @return a copy, by datapath id
     */
    public SortedMap<Long, Map<FlowKey, FlowSpec>> installed() {
        final var copy = new TreeMap<Long, Map<FlowKey, FlowSpec>>();
        sent.forEach((dpid, flows) -> {
            final var confirmed = new HashMap<>(flows);
            final var waiting = unconfirmed.getOrDefault(dpid, new ArrayDeque<>());
            for (var it = waiting.descendingIterator(); it.hasNext(); ) {
                it.next().getValue().forEach((key, before) -> {
                    if (before == null) {
                        confirmed.remove(key);
                    } else {
                        confirmed.put(key, before);
                    }
                });
            }
            copy.put(dpid, Map.copyOf(confirmed));
        });
        return copy;
    }

    /**
     * What was sent to each switch, confirmed or not: what the engine takes the switches to hold.
     *
     * @return a copy, by datapath id
     */
    public SortedMap<Long, Map<FlowKey, FlowSpec>> sent() {
        final var copy = new TreeMap<Long, Map<FlowKey, FlowSpec>>();
        sent.forEach((dpid, flows) -> copy.put(dpid, Map.copyOf(flows)));
        return copy;
    }

    /**
     * How many deltas wait for their switch's confirmation.
     *
     * @return the count, over every switch
     */
    public int unconfirmed() {
        return unconfirmed.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
