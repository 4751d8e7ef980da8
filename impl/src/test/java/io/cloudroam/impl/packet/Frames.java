/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.packet;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Builds test frames byte by byte, the way a hypervisor or a VM's kernel would send them.
 */
final class Frames {
    static final String VM_MAC = "02:c0:00:00:00:01";
    static final String BROADCAST = "ff:ff:ff:ff:ff:ff";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Frames ethernet(final String dst, final String src, final int etherType) {
        return new Frames().mac(dst).mac(src).u16(etherType);
    }

    static Frames vlan(final String dst, final String src, final int vlan, final int etherType) {
        return new Frames().mac(dst).mac(src).u16(0x8100).u16(vlan).u16(etherType);
    }

    Frames mac(final String mac) {
        return bytes(HexFormat.of().parseHex(mac.replace(":", "")));
    }

    Frames ip4(final String ip) {
        for (var part : ip.split("\\.")) {
            out.write(Integer.parseInt(part));
        }
        return this;
    }

    Frames ip6(final String hex32) {
        return bytes(HexFormat.of().parseHex(hex32));
    }

    Frames u8(final int value) {
        out.write(value);
        return this;
    }

    Frames u16(final int value) {
        return u8(value >> 8 & 0xFF).u8(value & 0xFF);
    }

    Frames bytes(final byte[] value) {
        out.writeBytes(value);
        return this;
    }

    Frames zeros(final int count) {
        return bytes(new byte[count]);
    }

    byte[] build() {
        return out.toByteArray();
    }

    /** QEMU's announce_self RARP, padded to the Ethernet minimum. */
    static byte[] rarp() {
        return ethernet(BROADCAST, VM_MAC, 0x8035).u16(1).u16(0x0800).u8(6).u8(4).u16(3)
            .mac(VM_MAC).ip4("0.0.0.0").mac(VM_MAC).ip4("0.0.0.0").zeros(18).build();
    }

    static byte[] arp(final int operation, final String senderIp, final String targetIp) {
        return ethernet(BROADCAST, VM_MAC, 0x0806).u16(1).u16(0x0800).u8(6).u8(4).u16(operation)
            .mac(VM_MAC).ip4(senderIp).mac("00:00:00:00:00:00").ip4(targetIp).zeros(18).build();
    }

    static byte[] ipv4Udp() {
        return ethernet("02:c0:00:00:00:02", VM_MAC, 0x0800).u8(0x45).u8(0).u16(28).u16(1).u16(0).u8(64).u8(17)
            .u16(0).ip4("10.0.0.1").ip4("10.0.0.2").u16(7777).u16(7777).u16(8).u16(0).zeros(18).build();
    }

    /** Unsolicited neighbor advertisement with the override flag and a target link-layer option. */
    static byte[] neighborAdvertisement(final int flags, final int hopLimit) {
        return ethernet("33:33:00:00:00:01", VM_MAC, 0x86DD).u32(0x6000_0000).u16(32).u8(58).u8(hopLimit)
            .ip6("fd000000000000000000000000000001").ip6("ff020000000000000000000000000001")
            .u8(136).u8(0).u16(0).u8(flags).zeros(3).ip6("fd000000000000000000000000000001")
            .u8(2).u8(1).mac(VM_MAC).build();
    }

    Frames u32(final int value) {
        return u16(value >>> 16).u16(value & 0xFFFF);
    }
}
