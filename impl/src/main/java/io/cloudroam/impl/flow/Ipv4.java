/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import org.eclipse.jdt.annotation.Nullable;

/**
 * Dotted-quad IPv4 text to and from 32-bit integers, without name resolution.
 */
public final class Ipv4 {
    private Ipv4() {
    }

    /**
     * Parses a dotted quad.
     *
     * @param text the text
     * @return the address as an int, or {@code null} when the text is not a dotted-quad IPv4 address
     */
    public static @Nullable Integer parse(final String text) {
        final var parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int result = 0;
        for (var part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return null;
            }
            final int octet = Integer.parseInt(part);
            if (octet > 255) {
                return null;
            }
            result = result << 8 | octet;
        }
        return result;
    }

    /**
     * Formats an address.
     *
     * @param address the address
     * @return the dotted quad
     */
    public static String format(final int address) {
        return (address >>> 24) + "." + (address >> 16 & 0xFF) + "." + (address >> 8 & 0xFF) + "." + (address & 0xFF);
    }
}
