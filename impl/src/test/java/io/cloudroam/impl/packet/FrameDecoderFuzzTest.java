/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.packet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.packet.FrameDecoder.Reject;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property: no input makes the decoder throw, and every input is either decoded or counted as
 * rejected. Random frames and mutations of real ones (bit flips, truncation, byte splices).
 * The default run tries {@value #DEFAULT_CASES} cases; {@code -Pfuzz} (cloudroam.fuzz.cases)
 * raises that to a million or more.
 */
class FrameDecoderFuzzTest {
    private static final int DEFAULT_CASES = 50_000;
    private static final List<byte[]> SEEDS = List.of(Frames.rarp(), Frames.arp(1, "10.0.0.1", "10.0.0.1"),
        Frames.arp(2, "10.0.0.2", "10.0.0.1"), Frames.ipv4Udp(),
        Frames.neighborAdvertisement(DecodedFrame.NA_OVERRIDE, 255),
        Frames.vlan("02:c0:00:00:00:02", Frames.VM_MAC, 100, 0x0806).u16(1).u16(0x0800).u8(6).u8(4).u16(1)
            .zeros(20).build());

    @Test
    void neverThrowsAndAccountsForEveryFrame() {
        final int cases = Integer.getInteger("cloudroam.fuzz.cases", DEFAULT_CASES);
        final long seed = Long.getLong("cloudroam.fuzz.seed", 20261125L);
        final var random = new SplittableRandom(seed);
        final var decoder = new FrameDecoder();
        for (int i = 0; i < cases; i++) {
            final byte[] frame = i % 4 == 0 ? FuzzFrames.random(random)
                : FuzzFrames.mutate(SEEDS.get(i % SEEDS.size()), random);
            final int offset = random.nextInt(4) == 0 ? random.nextInt(frame.length + 1) : 0;
            final int length = random.nextInt(8) == 0 ? random.nextInt(-2, frame.length + 3) : frame.length - offset;
            final var copy = frame.clone();
            final int index = i;
            assertDoesNotThrow(() -> decoder.decode(frame, offset, length), () -> "seed " + seed + " case " + index
                + " threw on " + Arrays.toString(frame) + " offset " + offset + " length " + length);
            assertTrue(Arrays.equals(copy, frame), "decoder wrote into its input");
        }
        long rejected = 0;
        for (var reason : Reject.values()) {
            rejected += decoder.rejected(reason);
        }
        assertEquals(cases, decoder.decoded() + rejected);
        assertTrue(decoder.decoded() > 0 && rejected > 0, "fuzzing exercised only one outcome");
    }
}
