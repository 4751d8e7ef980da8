/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudroam.impl.flow.Ipv4;
import io.cloudroam.impl.location.MacAddress;
import org.junit.jupiter.api.Test;

class ArpFramesTest {
    private final FrameDecoder decoder = new FrameDecoder();

    @Test
    void answersTheRequesterWithTheOwnersMac() {
        final var request = decoder.decode(Frames.arp(1, "10.0.0.1", "10.0.0.3")).orElseThrow();
        final var owner = MacAddress.parse("02:c0:00:00:00:03").bits();
        final var bytes = ArpFrames.reply(request, owner);
        final var reply = decoder.decode(bytes).orElseThrow();
        assertEquals(DecodedFrame.Kind.ARP, reply.kind());
        assertEquals(2, reply.arpOperation());
        assertEquals(MacAddress.parse(Frames.VM_MAC).bits(), reply.dstMac());
        assertEquals(owner, reply.srcMac());
        assertEquals(owner, reply.senderMac());
        assertEquals("10.0.0.3", Ipv4.format(reply.senderIp4()));
        assertEquals("10.0.0.1", Ipv4.format(reply.targetIp4()));
        assertEquals(ArpFrames.MIN_FRAME, bytes.length);
        // target hardware address is the requester's
        assertEquals(MacAddress.parse(Frames.VM_MAC), MacAddress.of(bits(bytes, 32)));
    }

    @Test
    void refusesAnythingButARequest() {
        final var reply = decoder.decode(Frames.arp(2, "10.0.0.1", "10.0.0.3")).orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> ArpFrames.reply(reply, 1L));
        final var rarp = decoder.decode(Frames.rarp()).orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> ArpFrames.reply(rarp, 1L));
    }

    private static long bits(final byte[] frame, final int offset) {
        long result = 0;
        for (int i = 0; i < 6; i++) {
            result = result << 8 | frame[offset + i] & 0xFF;
        }
        return result;
    }

    @Test
    void aProbeAsksTheVmForItsOwnAddressFromNowhere() {
        final var vm = MacAddress.parse("02:c0:00:00:00:05").bits();
        final var probe = decoder.decode(ArpFrames.probe(vm, Ipv4.parse("10.0.0.5"))).orElseThrow();
        assertEquals(DecodedFrame.Kind.ARP, probe.kind());
        assertEquals(1, probe.arpOperation());
        assertEquals(vm, probe.dstMac(), "sent to the VM only, not broadcast");
        assertEquals(ArpFrames.PROBE_MAC, probe.srcMac());
        assertEquals(0, probe.senderIp4(), "RFC 5227 probe: sender address 0.0.0.0");
        assertEquals("10.0.0.5", Ipv4.format(probe.targetIp4()));
    }
}
