/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.packet;

/**
 * Builds the ARP reply the controller sends on behalf of a known VM (proxy ARP inside a VNI).
 */
public final class ArpReply {
    /** Minimum Ethernet frame without FCS; shorter frames are padded with zeros. */
    static final int MIN_FRAME = 60;

    private ArpReply() {
    }

    /**
     * The reply to an ARP request.
     *
     * @param request the decoded request (kind ARP, operation 1)
     * @param answerMac MAC of the VM that owns the requested address
     * @return the reply frame, addressed to the requester
     * @throws IllegalArgumentException when {@code request} is not an ARP request
     */
    public static byte[] to(final DecodedFrame request, final long answerMac) {
        if (request.kind() != DecodedFrame.Kind.ARP || request.arpOperation() != 1) {
            throw new IllegalArgumentException("not an ARP request: " + request);
        }
        final var frame = new byte[MIN_FRAME];
        putMac(frame, 0, request.senderMac());
        putMac(frame, 6, answerMac);
        putShort(frame, 12, 0x0806);
        putShort(frame, 14, 1);
        putShort(frame, 16, 0x0800);
        frame[18] = 6;
        frame[19] = 4;
        putShort(frame, 20, 2);
        putMac(frame, 22, answerMac);
        putInt(frame, 28, request.targetIp4());
        putMac(frame, 32, request.senderMac());
        putInt(frame, 38, request.senderIp4());
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
