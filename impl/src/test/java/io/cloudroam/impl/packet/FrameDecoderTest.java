/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.packet.DecodedFrame.Kind;
import io.cloudroam.impl.packet.FrameDecoder.Reject;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static final long VM = MacAddress.parse(Frames.VM_MAC).bits();

    private final FrameDecoder decoder = new FrameDecoder();

    @Test
    void rarpFromQemuAnnounceSelf() {
        final var frame = decoder.decode(Frames.rarp()).orElseThrow();
        assertEquals(Kind.RARP, frame.kind());
        assertEquals(VM, frame.srcMac());
        assertEquals(0xFFFF_FFFF_FFFFL, frame.dstMac());
        assertEquals(3, frame.arpOperation());
        assertEquals(VM, frame.senderMac());
        assertEquals(-1, frame.vlan());
    }

    @Test
    void gratuitousArpIsRecognised() {
        final var garp = decoder.decode(Frames.arp(1, "10.0.0.1", "10.0.0.1")).orElseThrow();
        assertEquals(Kind.ARP, garp.kind());
        assertEquals(0x0A00_0001, garp.senderIp4());
        assertTrue(garp.isGratuitousArp());
        assertFalse(decoder.decode(Frames.arp(1, "10.0.0.1", "10.0.0.2")).orElseThrow().isGratuitousArp());
        // an ARP probe (sender 0.0.0.0) is not an announcement
        assertFalse(decoder.decode(Frames.arp(1, "0.0.0.0", "0.0.0.0")).orElseThrow().isGratuitousArp());
    }

    @Test
    void vlanTaggedIpv4() {
        final var tagged = Frames.vlan("02:c0:00:00:00:02", Frames.VM_MAC, 0x2064, 0x0800).u8(0x45).u8(0).u16(20)
            .u16(0).u16(0).u8(64).u8(6).u16(0).ip4("10.0.0.1").ip4("10.0.0.2").build();
        final var frame = decoder.decode(tagged).orElseThrow();
        assertEquals(Kind.IPV4, frame.kind());
        assertEquals(0x064, frame.vlan());
        assertEquals(6, frame.ipProtocol());
        assertEquals(0x0A00_0002, frame.targetIp4());
    }

    @Test
    void ipv4WithEthernetPaddingBeyondTotalLength() {
        final var frame = decoder.decode(Frames.ipv4Udp()).orElseThrow();
        assertEquals(Kind.IPV4, frame.kind());
        assertEquals(17, frame.ipProtocol());
        assertEquals(0x0A00_0001, frame.senderIp4());
    }

    @Test
    void unsolicitedNeighborAdvertisement() {
        final var bytes = Frames.neighborAdvertisement(DecodedFrame.NA_OVERRIDE, 255);
        final var frame = decoder.decode(bytes).orElseThrow();
        assertEquals(Kind.IPV6_ND, frame.kind());
        assertEquals(136, frame.ndType());
        assertEquals(VM, frame.senderMac());
        assertTrue(frame.isUnsolicitedNeighborAdvertisement());
        assertEquals(0x01, bytes[frame.ndTargetOffset() + 15]);
        assertEquals((byte) 0xfd, bytes[frame.ip6Offset()]);
        final var solicited = decoder.decode(Frames.neighborAdvertisement(
            DecodedFrame.NA_SOLICITED | DecodedFrame.NA_OVERRIDE, 255)).orElseThrow();
        assertFalse(solicited.isUnsolicitedNeighborAdvertisement());
    }

    @Test
    void otherEtherTypesAreEthernetOnly() {
        final var frame = decoder.decode(Frames.ethernet(Frames.BROADCAST, Frames.VM_MAC, 0x88CC).zeros(46).build())
            .orElseThrow();
        assertEquals(Kind.ETHERNET, frame.kind());
        assertEquals(0x88CC, frame.etherType());
    }

    @Test
    void malformedFramesAreCountedNotThrown() {
        assertTrue(decoder.decode(new byte[13]).isEmpty());
        assertTrue(decoder.decode(Arrays.copyOf(Frames.rarp(), 30)).isEmpty());
        assertEquals(2, decoder.rejected(Reject.TRUNCATED));

        final var badArp = Frames.arp(1, "10.0.0.1", "10.0.0.1");
        badArp[18] = 8; // hardware length 8
        assertTrue(decoder.decode(badArp).isEmpty());
        assertEquals(1, decoder.rejected(Reject.BAD_ARP));

        final var badIp = Frames.ipv4Udp();
        badIp[14] = 0x44; // IHL 4
        assertTrue(decoder.decode(badIp).isEmpty());
        assertEquals(1, decoder.rejected(Reject.BAD_IPV4));

        final var forged = Frames.neighborAdvertisement(DecodedFrame.NA_OVERRIDE, 64); // hop limit not 255
        assertTrue(decoder.decode(forged).isEmpty());
        final var zeroOption = Frames.neighborAdvertisement(DecodedFrame.NA_OVERRIDE, 255);
        zeroOption[zeroOption.length - 7] = 0; // option length 0
        assertTrue(decoder.decode(zeroOption).isEmpty());
        assertEquals(2, decoder.rejected(Reject.BAD_ND));
        assertEquals(0, decoder.decoded());
    }

    @Test
    void offsetsOutsideTheBufferAreTruncation() {
        final var frame = Frames.rarp();
        assertTrue(decoder.decode(frame, 10, frame.length).isEmpty());
        assertTrue(decoder.decode(frame, -1, 20).isEmpty());
        assertTrue(decoder.decode(frame, 0, -5).isEmpty());
        assertEquals(3, decoder.rejected(Reject.TRUNCATED));
        assertEquals(Kind.RARP, decoder.decode(frame, 0, frame.length).orElseThrow().kind());
    }
}
