/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.eclipse.jdt.annotation.Nullable;

/**
 * One OpenFlow 1.3 flow in cloudroam's own terms, independent of the OpenFlow plugin's model.
 * Instructions run in OpenFlow order: apply-actions, write-metadata, goto-table.
 *
 * @param table table id
 * @param priority priority
 * @param id flow id, unique within its table and stable across recomputations
 * @param match what it matches
 * @param actions apply-actions, in order; empty for none
 * @param metadata metadata to write, or {@code null}
 * @param metadataMask mask for {@code metadata}
 * @param gotoTable table to continue in, or {@code null}
 */
public record FlowSpec(short table, int priority, String id, Match match, List<Action> actions,
        @Nullable Long metadata, long metadataMask, @Nullable Short gotoTable) {
    /**
     * Checks and freezes the components.
     */
    public FlowSpec {
        requireNonNull(id, "id");
        requireNonNull(match, "match");
        actions = List.copyOf(actions);
    }

    /**
     * The cookie cloudroam puts on its flows: one recognisable prefix, the table in the low bits.
     *
     * @return the cookie
     */
    public long cookie() {
        return Pipeline.COOKIE_BASE | table;
    }

    /**
     * What a flow matches; {@code null} fields are wildcards.
     *
     * @param inPort OpenFlow ingress port
     * @param metadata metadata value
     * @param metadataMask metadata mask (all ones for an exact match)
     * @param tunnelId VXLAN network identifier on a tunnel port
     * @param ethSrc source MAC as 48 bits
     * @param ethDst destination MAC as 48 bits
     * @param ethType EtherType
     * @param arpOp ARP operation (needs ethType 0x0806)
     * @param arpTpa ARP target IPv4 address (needs ethType 0x0806), exact
     */
    public record Match(@Nullable Long inPort, @Nullable Long metadata, long metadataMask, @Nullable Long tunnelId,
            @Nullable Long ethSrc, @Nullable Long ethDst, @Nullable Integer ethType, @Nullable Integer arpOp,
            @Nullable Integer arpTpa) {
        /** Matches everything. */
        public static final Match ANY = new Match(null, null, 0, null, null, null, null, null, null);

        /**
         * Adds an ingress port.
         *
         * @param port the port
         * @return a copy with the port set
         */
        public Match inPort(final long port) {
            return new Match(port, metadata, metadataMask, tunnelId, ethSrc, ethDst, ethType, arpOp, arpTpa);
        }

        /**
         * Adds a metadata match.
         *
         * @param value the value
         * @param mask the mask
         * @return a copy with the metadata set
         */
        public Match metadata(final long value, final long mask) {
            return new Match(inPort, value, mask, tunnelId, ethSrc, ethDst, ethType, arpOp, arpTpa);
        }

        /**
         * Adds a tunnel id.
         *
         * @param vni the VNI
         * @return a copy with the tunnel id set
         */
        public Match tunnelId(final long vni) {
            return new Match(inPort, metadata, metadataMask, vni, ethSrc, ethDst, ethType, arpOp, arpTpa);
        }

        /**
         * Adds a source MAC.
         *
         * @param mac 48 bits
         * @return a copy with the source MAC set
         */
        public Match ethSrc(final long mac) {
            return new Match(inPort, metadata, metadataMask, tunnelId, mac, ethDst, ethType, arpOp, arpTpa);
        }

        /**
         * Adds a destination MAC.
         *
         * @param mac 48 bits
         * @return a copy with the destination MAC set
         */
        public Match ethDst(final long mac) {
            return new Match(inPort, metadata, metadataMask, tunnelId, ethSrc, mac, ethType, arpOp, arpTpa);
        }

        /**
         * Adds an EtherType.
         *
         * @param type the EtherType
         * @return a copy matching that EtherType
         */
        public Match ethType(final int type) {
            return new Match(inPort, metadata, metadataMask, tunnelId, ethSrc, ethDst, type, arpOp, arpTpa);
        }

        /**
         * Adds the ARP EtherType.
         *
         * @return a copy matching ARP frames
         */
        public Match arp() {
            return new Match(inPort, metadata, metadataMask, tunnelId, ethSrc, ethDst, 0x0806, arpOp, arpTpa);
        }

        /**
         * Adds an ARP request for a target address.
         *
         * @param targetIp4 the IPv4 address asked for
         * @return a copy matching ARP requests for it
         */
        public Match arpRequestFor(final int targetIp4) {
            return new Match(inPort, metadata, metadataMask, tunnelId, ethSrc, ethDst, 0x0806, 1, targetIp4);
        }
    }

    /**
     * An apply-action.
     */
    public sealed interface Action {
        /**
         * Output to a port ({@link Pipeline#CONTROLLER} for a packet-in of the whole frame).
         *
         * @param port the OpenFlow port number
         */
        record Output(long port) implements Action {
        }

        /**
         * Set the tunnel id (the VNI of an outgoing VXLAN frame).
         *
         * @param tunnelId the VNI
         */
        record SetTunnelId(long tunnelId) implements Action {
        }
    }
}
