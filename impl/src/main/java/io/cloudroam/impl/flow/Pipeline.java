/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

/**
 * The tables and constants of cloudroam's OpenFlow 1.3 pipeline on every integration bridge.
 *
 * <pre>
 * 0  classify     VM port → VNI in metadata; tunnel port + tunnel_id → VNI and the from-tunnel bit
 * 10 source       known (VNI, MAC, port) → 20 (its ARP with a copy to the controller); from a tunnel
 *                 → 20; else a copy to the controller, → 20
 * 20 ARP          requests for known IPv4 addresses from VM ports → the controller answers
 * 30 destination  (VNI, dst MAC) → the local port, or set tunnel_id and out the tunnel to its cloud
 * 40 flood        the VNI's local ports, plus its remote clouds when the frame came from a VM port
 * </pre>
 */
public final class Pipeline {
    /** Classification table. */
    public static final short CLASSIFY = 0;
    /** Source learning table. */
    public static final short SOURCE = 10;
    /** ARP table. */
    public static final short ARP = 20;
    /** Destination table. */
    public static final short DESTINATION = 30;
    /** Flood table. */
    public static final short FLOOD = 40;

    /** Metadata bits holding the VNI. */
    public static final long VNI_MASK = 0xFF_FFFFL;
    /** Metadata bit set for frames that arrived over a tunnel. */
    public static final long FROM_TUNNEL = 1L << 24;
    /** Metadata mask covering the VNI and the from-tunnel bit. */
    public static final long METADATA_MASK = VNI_MASK | FROM_TUNNEL;
    /** The OpenFlow 1.3 CONTROLLER reserved port. */
    public static final long CONTROLLER = 0xFFFF_FFFDL;
    /** Every cloudroam flow cookie starts with these bits ("C10D" in the top 16). */
    public static final long COOKIE_BASE = 0xC10D_0000_0000_0000L;
    /** The bits of a cookie that {@link #COOKIE_BASE} sets. */
    public static final long COOKIE_MASK = 0xFFFF_0000_0000_0000L;

    /** Priority of specific entries. */
    static final int SPECIFIC = 100;
    /** Priority of the from-tunnel bypass in the source table. */
    static final int BYPASS = 50;
    /** Priority of each table's miss entry. */
    static final int MISS = 0;

    private Pipeline() {
    }

    /**
     * Whether a flow cookie is cloudroam's (other applications' flows on the same switch are left
     * alone).
     *
     * @param cookie the cookie
     * @return true when it carries {@link #COOKIE_BASE}
     */
    public static boolean isOurCookie(final long cookie) {
        return (cookie & COOKIE_MASK) == COOKIE_BASE;
    }
}
