/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl;

import io.cloudroam.impl.config.CloudSpec;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.PortBindingSpec;
import io.cloudroam.impl.config.VirtualNetworkSpec;
import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.ovsdb.SwitchView;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small three-cloud world for the tests of the pure layers: clouds c1..c3 with switch i and
 * tunnel endpoint 192.0.2.i; VNI 100 spans all three, VNI 300 only c1 and c2.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /**
     * Flows keyed by "table/id", as the shell shows them.
     *
     * @param flows flows by key
     * @return the same by text
     */
    public static Map<String, FlowSpec> text(final Map<FlowKey, FlowSpec> flows) {
        final var result = new java.util.HashMap<String, FlowSpec>();
        flows.forEach((key, flow) -> result.put(key.text(), flow));
        return result;
    }

    public static CloudSpec cloud(final int index) {
        return new CloudSpec("c" + index, "192.0.2." + index, Optional.of("127.0.0.1"), 16640 + index,
            List.of((long) index));
    }

    public static CloudroamConfig config(final PortBindingSpec... bindings) {
        return CloudroamConfig.of(List.of(cloud(1), cloud(2), cloud(3)),
            List.of(new VirtualNetworkSpec(100, "blue", List.of("c1", "c2", "c3")),
                new VirtualNetworkSpec(300, "red", List.of("c1", "c2"))), List.of(bindings));
    }

    public static SwitchView.Interface vmPort(final String name, final long ofport, final String ifaceId) {
        return new SwitchView.Interface("port-" + name, name, "", Optional.of(ofport),
            ifaceId == null ? Map.of() : Map.of("iface-id", ifaceId), Map.of(), Map.of(), Optional.of("up"));
    }

    public static SwitchView.Interface tunnel(final int from, final int to, final long ofport) {
        return new SwitchView.Interface("port-crv-c" + to, "crv-c" + to, "vxlan", Optional.of(ofport),
            Map.of(SwitchView.REMOTE_CLOUD_KEY, "c" + to),
            Map.of("remote_ip", "192.0.2." + to, "local_ip", "192.0.2." + from, "key", "flow"),
            io.cloudroam.impl.tunnel.TunnelPlanner.BFD, Map.of("state", "up"), Optional.of("up"));
    }

    /** The two ends of cloud i's probe loop, as cloudroam creates them on bridge "bridge-i". */
    public static SwitchView.Interface[] probeLoop(final int index, final long outPort, final long inPort) {
        final var names = io.cloudroam.impl.tunnel.TunnelPlanner.loopNames("bridge-" + index);
        return new SwitchView.Interface[] {
            new SwitchView.Interface("port-" + names.get(0), names.get(0), "patch", Optional.of(outPort),
                Map.of(SwitchView.PROBE_LOOP_KEY, SwitchView.LOOP_OUT), Map.of("peer", names.get(1)), Map.of(),
                Optional.of("up")),
            new SwitchView.Interface("port-" + names.get(1), names.get(1), "patch", Optional.of(inPort),
                Map.of(SwitchView.PROBE_LOOP_KEY, SwitchView.LOOP_IN), Map.of("peer", names.get(0)), Map.of(),
                Optional.of("up"))};
    }

    /** Cloud i's view: bridge br-int with datapath id i, the given interfaces. */
    public static SwitchView view(final int index, final SwitchView.Interface... interfaces) {
        return new SwitchView(List.of(new SwitchView.Bridge("bridge-" + index, "br-int", Optional.of((long) index),
            new ArrayList<>(List.of(interfaces)))));
    }

    public static VmLocation vm(final int vni, final String mac, final int cloud, final long port,
            final String... addresses) {
        final var at = Instant.parse("2026-11-25T12:00:00Z");
        return new VmLocation(vni, MacAddress.parse(mac), "c" + cloud, cloud, port, Set.of(addresses), 0, at, at);
    }

    /** A broadcast ARP request, 60 bytes. */
    public static byte[] arpRequest(final String senderMac, final String senderIp, final String targetIp) {
        final var frame = ByteBuffer.allocate(60);
        frame.put(mac("ff:ff:ff:ff:ff:ff")).put(mac(senderMac)).putShort((short) 0x0806).putShort((short) 1)
            .putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1).put(mac(senderMac))
            .put(ip(senderIp)).put(new byte[6]).put(ip(targetIp));
        return frame.array();
    }

    /** A RARP reverse request as QEMU announces a migrated VM, 60 bytes. */
    public static byte[] rarp(final String vmMac) {
        final var frame = ByteBuffer.allocate(60);
        frame.put(mac("ff:ff:ff:ff:ff:ff")).put(mac(vmMac)).putShort((short) 0x8035).putShort((short) 1)
            .putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 3).put(mac(vmMac))
            .put(new byte[4]).put(mac(vmMac)).put(new byte[4]);
        return frame.array();
    }

    /** A MAC address's six bytes. */
    public static byte[] mac(final String text) {
        final long bits = MacAddress.parse(text).bits();
        final var bytes = new byte[6];
        for (int i = 0; i < 6; i++) {
            bytes[i] = (byte) (bits >>> 8 * (5 - i));
        }
        return bytes;
    }

    /** A dotted IPv4 address's four bytes. */
    public static byte[] ip(final String text) {
        final var parts = text.split("\\.");
        return new byte[] {(byte) Integer.parseInt(parts[0]), (byte) Integer.parseInt(parts[1]),
            (byte) Integer.parseInt(parts[2]), (byte) Integer.parseInt(parts[3])};
    }
}
