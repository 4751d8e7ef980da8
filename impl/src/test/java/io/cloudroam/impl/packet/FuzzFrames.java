/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.packet;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Fuzz inputs: random frames and mutations of real ones (bit flips, truncation or extension, byte
 * overwrites), shared by the decoder's and the fabric's fuzz tests.
 */
public final class FuzzFrames {
    private FuzzFrames() {
    }

    /**
     * A random frame of 0 to 119 bytes; half of those long enough carry an EtherType cloudroam
     * parses, so the inner decoders see random bodies too.
     *
     * @param random the source of randomness
     * @return the frame
     */
    public static byte[] random(final SplittableRandom random) {
        final var frame = new byte[random.nextInt(0, 120)];
        random.nextBytes(frame);
        if (frame.length >= 14 && random.nextBoolean()) {
            final int[] types = {0x0806, 0x8035, 0x0800, 0x86DD, 0x8100, 0x88B5};
            final int type = types[random.nextInt(types.length)];
            frame[12] = (byte) (type >> 8);
            frame[13] = (byte) type;
        }
        return frame;
    }

    /**
     * One to four random edits of a real frame.
     *
     * @param seed the real frame (not modified)
     * @param random the source of randomness
     * @return the mutated copy
     */
    public static byte[] mutate(final byte[] seed, final SplittableRandom random) {
        byte[] frame = seed.clone();
        final int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && frame.length > 0; e++) {
            switch (random.nextInt(3)) {
                case 0 -> {
                    final int at = random.nextInt(frame.length);
                    frame[at] ^= (byte) (1 << random.nextInt(8));
                }
                case 1 -> frame = Arrays.copyOf(frame,
                    random.nextInt(frame.length + 1) + (random.nextBoolean() ? 0 : 8));
                default -> frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
            }
        }
        return frame;
    }
}
