/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

/**
 * Checks on VXLAN network identifiers.
 */
public final class VirtualNetworkId {
    /** Largest VNI: 24 bits. */
    public static final int MAX = 0xFF_FFFF;

    private VirtualNetworkId() {
        // no instances
    }

    /**
     * Checks that {@code vni} is a usable VXLAN network identifier (1 to 16777215).
     *
     * @param vni the identifier
     * @return {@code vni}
     * @throws IllegalArgumentException if it is out of range
     */
    public static int check(final long vni) {
        if (vni < 1 || vni > MAX) {
            throw new IllegalArgumentException("VNI must be between 1 and " + MAX + ", got " + vni);
        }
        return (int) vni;
    }
}
