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

/**
 * Which flow of a switch: its table and id, and what it is for. A switch holds at most one flow
 * per key; the flow engine compares desired and installed flows key by key, and a scope
 * ({@link Scope}) says which keys a change can touch.
 */
public sealed interface FlowKey {
    /**
     * The table.
     *
     * @return the flow's table
     */
    short table();

    /**
     * The flow id, unique within the table and stable across recomputations.
     *
     * @return the id
     */
    String id();

    /**
     * "table/id", as the shell shows it.
     *
     * @return the text
     */
    default String text() {
        return table() + "/" + id();
    }

    /**
     * A flow every switch has whatever VMs there are: misses, classification of ports and tunnels,
     * flooding, latency probes.
     *
     * @param table its table
     * @param id its id
     */
    record Shared(short table, String id) implements FlowKey {
        /**
         * Checks the parts.
         */
        public Shared {
            requireNonNull(id, "id");
        }
    }

    /**
     * One of a VM's own flows.
     *
     * @param vm the VM
     * @param role which of its flows
     */
    record OfVm(VmKey vm, Role role) implements FlowKey {
        /**
         * Checks the parts.
         */
        public OfVm {
            requireNonNull(vm, "vm");
            requireNonNull(role, "role");
        }

        @Override
        public short table() {
            return role.table;
        }

        @Override
        public String id() {
            return "vm-" + vm.vni() + "-" + vm.mac() + role.suffix;
        }
    }

    /**
     * The ARP entry of an address: requests for it go to the controller, which answers for its holder.
     *
     * @param vni the virtual network
     * @param address the IPv4 address, dotted
     */
    record Arp(int vni, String address) implements FlowKey {
        /**
         * Checks the parts.
         */
        public Arp {
            requireNonNull(address, "address");
        }

        @Override
        public short table() {
            return Pipeline.ARP;
        }

        @Override
        public String id() {
            return "arp-" + vni + "-" + address;
        }
    }

    /** A VM's flows. */
    enum Role {
        /** Known source at its port: on to the ARP table. */
        SOURCE(Pipeline.SOURCE, ""),
        /** Its ARP frames copied to the controller (they tell its addresses). */
        SOURCE_ARP(Pipeline.SOURCE, "-arp"),
        /** Frames for it: to its port, or into the tunnel toward it. */
        DESTINATION(Pipeline.DESTINATION, ""),
        /** Frames for it arriving over a tunnel: relayed on. */
        RELAY(Pipeline.DESTINATION, "-relay"),
        /**
         * In the destination cloud of its prepared migration: the frames its current cloud copies here,
         * dropped until the move is applied (a guest not yet running here must not get them).
         */
        PREPARED(Pipeline.DESTINATION, "-prepared");

        private final short table;
        private final String suffix;

        Role(final short table, final String suffix) {
            this.table = table;
            this.suffix = suffix;
        }
    }
}
