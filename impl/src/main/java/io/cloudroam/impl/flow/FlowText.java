/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import io.cloudroam.impl.location.MacAddress;
import java.util.ArrayList;
import java.util.stream.Collectors;

/**
 * Writes a flow the way {@code ovs-ofctl -O OpenFlow13 dump-flows} does (same fields, same order),
 * so what cloudroam wants and what a switch holds can be compared line by line.
 */
public final class FlowText {
    private FlowText() {
    }

    /**
     * The match part.
     *
     * @param match the match
     * @return e.g. {@code in_port=1,metadata=0x64/0x1ffffff}; {@code *} for an empty match
     */
    public static String match(final FlowSpec.Match match) {
        final var parts = new ArrayList<String>();
        final boolean arp = match.ethType() != null && match.ethType() == 0x0806;
        if (arp) {
            parts.add("arp");
        }
        if (match.tunnelId() != null) {
            parts.add("tun_id=" + hex(match.tunnelId()));
        }
        if (match.metadata() != null) {
            parts.add("metadata=0x" + Long.toHexString(match.metadata()) + "/0x"
                + Long.toHexString(match.metadataMask()));
        }
        if (match.inPort() != null) {
            parts.add("in_port=" + match.inPort());
        }
        if (match.ethSrc() != null) {
            parts.add("dl_src=" + MacAddress.of(match.ethSrc()));
        }
        if (match.ethDst() != null) {
            parts.add("dl_dst=" + MacAddress.of(match.ethDst()));
        }
        if (match.ethType() != null && !arp) {
            parts.add("dl_type=" + hex(match.ethType()));
        }
        if (match.arpTpa() != null) {
            parts.add("arp_tpa=" + Ipv4.format(match.arpTpa()));
        }
        if (match.arpOp() != null) {
            parts.add("arp_op=" + match.arpOp());
        }
        return parts.isEmpty() ? "*" : String.join(",", parts);
    }

    /**
     * The instructions.
     *
     * @param flow the flow
     * @return e.g. {@code set_field:0x64->tun_id,output:3}; {@code drop} when there are none
     */
    public static String actions(final FlowSpec flow) {
        final var parts = new ArrayList<String>();
        parts.addAll(flow.actions().stream().map(FlowText::action).collect(Collectors.toList()));
        if (flow.metadata() != null) {
            parts.add("write_metadata:0x" + Long.toHexString(flow.metadata()) + "/0x"
                + Long.toHexString(flow.metadataMask()));
        }
        if (flow.gotoTable() != null) {
            parts.add("goto_table:" + flow.gotoTable());
        }
        return parts.isEmpty() ? "drop" : String.join(",", parts);
    }

    private static String action(final FlowSpec.Action action) {
        return switch (action) {
            case FlowSpec.Action.Output output -> output.port() == Pipeline.CONTROLLER ? "CONTROLLER:65535"
                : "output:" + output.port();
            case FlowSpec.Action.SetTunnelId tunnel -> "set_field:" + hex(tunnel.tunnelId()) + "->tun_id";
        };
    }

    /** Like C's {@code %#x}, as Open vSwitch prints: {@code 0x64}, but {@code 0}. */
    private static String hex(final long value) {
        return value == 0 ? "0" : "0x" + Long.toHexString(value);
    }
}
