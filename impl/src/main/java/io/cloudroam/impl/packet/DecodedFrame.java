/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.packet;

/**
 * What {@link FrameDecoder} found in one Ethernet frame: addresses as numbers, offsets into the
 * caller's buffer for anything longer. Holds no copy of the frame; valid only while the buffer is.
 *
 * @param kind the innermost protocol understood
 * @param dstMac destination MAC, 48 bits
 * @param srcMac source MAC, 48 bits
 * @param vlan 802.1Q VLAN id, or -1 when untagged
 * @param etherType EtherType after any VLAN tag
 * @param arpOperation ARP/RARP operation (1 request, 2 reply, 3 reverse request, 4 reverse reply), else 0
 * @param senderMac ARP/RARP sender hardware address, NA/NS link-layer option, else 0
 * @param senderIp4 ARP/RARP sender IPv4 address, IPv4 source, else 0
 * @param targetIp4 ARP/RARP target IPv4 address, IPv4 destination, else 0
 * @param ipProtocol IPv4 protocol or IPv6 next header, else -1
 * @param ip6Offset offset of the IPv6 source address (destination follows) in the buffer, else -1
 * @param ndType ICMPv6 type 135 (neighbor solicitation) or 136 (advertisement), else 0
 * @param ndTargetOffset offset of the ND target address in the buffer, else -1
 * @param ndFlags the NA flags byte (R, S, O in the top bits), else 0
 */
public record DecodedFrame(Kind kind, long dstMac, long srcMac, int vlan, int etherType, int arpOperation,
        long senderMac, int senderIp4, int targetIp4, int ipProtocol, int ip6Offset, int ndType, int ndTargetOffset,
        int ndFlags) {
    /** NA flag: the sender is a router. */
    public static final int NA_ROUTER = 0x80;
    /** NA flag: the advertisement answers a solicitation. */
    public static final int NA_SOLICITED = 0x40;
    /** NA flag: override existing cache entries. */
    public static final int NA_OVERRIDE = 0x20;

    /**
     * The innermost protocol a frame was decoded to.
     */
    public enum Kind {
        /** Ethernet with an EtherType we do not look into. */
        ETHERNET,
        /** ARP (0x0806). */
        ARP,
        /** RARP (0x8035), as QEMU's announce_self sends after a migration. */
        RARP,
        /** IPv4. */
        IPV4,
        /** IPv6 other than neighbor discovery. */
        IPV6,
        /** ICMPv6 neighbor solicitation or advertisement. */
        IPV6_ND
    }

    /**
     * Tells whether this is a gratuitous ARP: a request or reply whose sender and target IPv4
     * addresses are the same, which hypervisors other than QEMU send after a migration.
     *
     * @return {@code true} for a gratuitous ARP
     */
    public boolean isGratuitousArp() {
        return kind == Kind.ARP && (arpOperation == 1 || arpOperation == 2) && senderIp4 != 0
            && senderIp4 == targetIp4;
    }

    /**
     * Tells whether this is an unsolicited neighbor advertisement with the override flag, which a
     * migrated IPv6 host sends to announce itself.
     *
     * @return {@code true} for an unsolicited NA with O set
     */
    public boolean isUnsolicitedNeighborAdvertisement() {
        return kind == Kind.IPV6_ND && ndType == 136 && (ndFlags & NA_SOLICITED) == 0 && (ndFlags & NA_OVERRIDE) != 0;
    }
}
