/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import io.cloudroam.impl.location.VmKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a change can touch, and so what a flow synchronisation compiles and compares: every flow of
 * some switches, the shared flows of others, some VMs' own flows and some addresses' ARP entries on
 * every switch. Changes mark what they touch; the union is synchronised once. Mutable: the one
 * thread that owns the state builds it, {@link #take()} hands it over.
 */
public final class Scope {
    private Set<Long> whole = new HashSet<>();
    private Set<Long> shared = new HashSet<>();
    private Set<VmKey> vms = new HashSet<>();
    private Map<Integer, Set<String>> addresses = new HashMap<>();
    private boolean everything;

    /**
     * Every flow of every switch.
     *
     * @return this
     */
    public Scope all() {
        everything = true;
        return this;
    }

    /**
     * Every flow of a switch.
     *
     * @param datapathId the switch
     * @return this
     */
    public Scope wholeSwitch(final long datapathId) {
        whole.add(datapathId);
        return this;
    }

    /**
     * The flows of a switch that belong to no VM (its ports changed).
     *
     * @param datapathId the switch
     * @return this
     */
    public Scope sharedOf(final long datapathId) {
        shared.add(datapathId);
        return this;
    }

    /**
     * A VM's flows on every switch, and the ARP entries of the addresses it has or had.
     *
     * @param vm the VM
     * @param itsAddresses its addresses before and after the change
     * @return this
     */
    public Scope vm(final VmKey vm, final Set<String> itsAddresses) {
        vms.add(vm);
        if (!itsAddresses.isEmpty()) {
            addresses.computeIfAbsent(vm.vni(), v -> new HashSet<>()).addAll(itsAddresses);
        }
        return this;
    }

    /**
     * Whether nothing is marked.
     *
     * @return true when a synchronisation would have nothing to do
     */
    public boolean isEmpty() {
        return !everything && whole.isEmpty() && shared.isEmpty() && vms.isEmpty() && addresses.isEmpty();
    }

    /**
     * Whether every flow of every switch is marked.
     *
     * @return true after {@link #all()}
     */
    public boolean everything() {
        return everything;
    }

    /**
     * Whether every flow of a switch is marked.
     *
     * @param datapathId the switch
     * @return true for {@link #all()} and {@link #wholeSwitch}
     */
    public boolean wholeOf(final long datapathId) {
        return everything || whole.contains(datapathId);
    }

    /**
     * Whether a switch's shared flows are marked.
     *
     * @param datapathId the switch
     * @return true for {@link #all()}, {@link #wholeSwitch} and {@link #sharedOf}
     */
    public boolean sharedOn(final long datapathId) {
        return wholeOf(datapathId) || shared.contains(datapathId);
    }

    /**
     * The VMs marked.
     *
     * @return their keys (when {@link #everything()}, only those marked one by one)
     */
    public Set<VmKey> vms() {
        return vms;
    }

    /**
     * The addresses marked, by virtual network.
     *
     * @return them (when {@link #everything()}, only those marked one by one)
     */
    public Map<Integer, Set<String>> addresses() {
        return addresses;
    }

    /**
     * Whether a flow of a switch is within this scope: a synchronisation compares exactly these.
     *
     * @param datapathId the switch
     * @param key the flow
     * @return true when the change can have touched it
     */
    public boolean covers(final long datapathId, final FlowKey key) {
        if (wholeOf(datapathId)) {
            return true;
        }
        return switch (key) {
            case FlowKey.Shared ignored -> shared.contains(datapathId);
            case FlowKey.OfVm ofVm -> vms.contains(ofVm.vm());
            case FlowKey.Arp arp -> addresses.getOrDefault(arp.vni(), Set.of()).contains(arp.address());
        };
    }

    /**
     * Hands what is marked over and starts empty again.
     *
     * @return a scope with what this one had
     */
    public Scope take() {
        final var taken = new Scope();
        taken.everything = everything;
        taken.whole = whole;
        taken.shared = shared;
        taken.vms = vms;
        taken.addresses = addresses;
        // new sets, not cleared ones: a set that once held every VM keeps its capacity, and clearing
        // it costs as much every time (0.3 ms a synchronisation at 100,000 VMs)
        everything = false;
        whole = new HashSet<>();
        shared = new HashSet<>();
        vms = new HashSet<>();
        addresses = new HashMap<>();
        return taken;
    }

    @Override
    public String toString() {
        return everything ? "everything" : "switches " + whole + ", shared flows of " + shared + ", VMs " + vms
            + ", addresses " + addresses;
    }
}
