/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.packet;

/**
 * ARP frames the controller sends: replies on behalf of known VMs (proxy ARP inside a VNI) and
 * probes that ask whether a VM still answers at a port.
 */
public final class ArpFrames {
    /** Source MAC of the controller's probes (locally administered); their answers are dropped. */
    public static final long PROBE_MAC = 0x02C1_0D00_0001L;

    /** Minimum Ethernet frame without FCS; shorter frames are padded with zeros. */
    static final int MIN_FRAME = 60;

    private ArpFrames() {
    }

    /**
     * The reply to an ARP request.
     *
     * @param request the decoded request (kind ARP, operation 1)
     * @param answerMac MAC of the VM that owns the requested address
     * @return the reply frame, addressed to the requester
     * @throws IllegalArgumentException when {@code request} is not an ARP request
     */
    public static byte[] reply(final DecodedFrame request, final long answerMac) {
        if (request.kind() != DecodedFrame.Kind.ARP || request.arpOperation() != 1) {
            throw new IllegalArgumentException("not an ARP request: " + request);
        }
        return arp(request.senderMac(), answerMac, 2, answerMac, request.targetIp4(), request.senderMac(),
            request.senderIp4());
    }

    /**
     * An ARP probe (RFC 5227: sender address 0.0.0.0) sent straight to a VM, asking for its own
     * address: a live VM answers to {@link #PROBE_MAC}.
     *
     * @param vmMac the VM's MAC
     * @param vmIp4 its IPv4 address
     * @return the request frame
     */
    public static byte[] probe(final long vmMac, final int vmIp4) {
        return arp(vmMac, PROBE_MAC, 1, PROBE_MAC, 0, 0, vmIp4);
    }

    /** An Ethernet/IPv4 ARP frame, padded to the Ethernet minimum. */
    private static byte[] arp(final long ethDst, final long ethSrc, final int operation, final long senderMac,
            final int senderIp4, final long targetMac, final int targetIp4) {
        final var frame = new byte[MIN_FRAME];
        putMac(frame, 0, ethDst);
        putMac(frame, 6, ethSrc);
        putShort(frame, 12, 0x0806);
        putShort(frame, 14, 1);
        putShort(frame, 16, 0x0800);
        frame[18] = 6;
        frame[19] = 4;
        putShort(frame, 20, operation);
        putMac(frame, 22, senderMac);
        putInt(frame, 28, senderIp4);
        putMac(frame, 32, targetMac);
        putInt(frame, 38, targetIp4);
        return frame;
    }

    private static void putMac(final byte[] frame, final int offset, final long mac) {
        for (int i = 0; i < 6; i++) {
            frame[offset + i] = (byte) (mac >>> 8 * (5 - i));
        }
    }

    private static void putShort(final byte[] frame, final int offset, final int value) {
        frame[offset] = (byte) (value >>> 8);
        frame[offset + 1] = (byte) value;
    }

    private static void putInt(final byte[] frame, final int offset, final int value) {
        putShort(frame, offset, value >>> 16);
        putShort(frame, offset + 2, value);
    }
}
