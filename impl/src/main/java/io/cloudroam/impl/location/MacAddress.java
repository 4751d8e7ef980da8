/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

import java.util.HexFormat;

/**
 * A 48-bit IEEE 802 MAC address held as a {@code long}, so tables keyed by MAC need no string
 * hashing or allocation on the packet-in path.
 */
public final class MacAddress implements Comparable<MacAddress> {
    private static final long MASK = 0xFFFF_FFFF_FFFFL;
    private static final HexFormat HEX = HexFormat.of();

    private final long bits;

    private MacAddress(final long bits) {
        this.bits = bits;
    }

    /**
     * Returns the address whose low 48 bits are {@code bits}.
     *
     * @param bits the address; bits above the 48th must be zero
     * @return the address
     * @throws IllegalArgumentException if bits above the 48th are set
     */
    public static MacAddress of(final long bits) {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("MAC address wider than 48 bits: 0x" + Long.toHexString(bits));
        }
        return new MacAddress(bits);
    }

    /**
     * Parses a MAC address, without failing.
     *
     * @param text the text
     * @return the address, empty when {@code text} is not one
     */
    public static java.util.Optional<MacAddress> tryParse(final String text) {
        try {
            return java.util.Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Parses the colon-separated form ({@code 02:00:0a:00:00:01}), in either case.
     *
     * @param text the address
     * @return the address
     * @throws IllegalArgumentException with a message naming the input if it is not a MAC address
     */
    public static MacAddress parse(final String text) {
        if (text == null || text.length() != 17) {
            throw invalid(text);
        }
        long value = 0;
        for (int i = 0; i < 17; i += 3) {
            if (i > 0 && text.charAt(i - 1) != ':') {
                throw invalid(text);
            }
            final int hi = Character.digit(text.charAt(i), 16);
            final int lo = Character.digit(text.charAt(i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw invalid(text);
            }
            value = value << 8 | hi << 4 | lo;
        }
        return new MacAddress(value);
    }

    private static IllegalArgumentException invalid(final String text) {
        return new IllegalArgumentException("not a MAC address (expected six colon-separated hex octets, "
            + "like 02:00:0a:00:00:01): '" + text + "'");
    }

    /**
     * Returns the 48 address bits.
     *
     * @return the address as a number
     */
    public long bits() {
        return bits;
    }

    /**
     * Tells whether this is a group (multicast or broadcast) address.
     *
     * @return {@code true} for group addresses
     */
    public boolean isMulticast() {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    @Override
    public int compareTo(final MacAddress other) {
        return Long.compare(bits, other.bits);
    }

    @Override
    public boolean equals(final Object obj) {
        return obj instanceof MacAddress other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits);
    }

    /** Returns the lower-case colon-separated form. */
    @Override
    public String toString() {
        final String hex = HEX.toHexDigits(bits).substring(4);
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(hex, i, i + 2);
        }
        return sb.toString();
    }
}
