/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One configured cloud.
 *
 * @param id name of the cloud
 * @param tunnelEndpoint underlay address of its VXLAN tunnel endpoint, textual form
 * @param ovsdbAddress address of its OVSDB server, if configured
 * @param ovsdbPort TCP port of its OVSDB server
 * @param switches datapath ids of its integration bridges (unsigned 64 bits)
 */
public record CloudSpec(String id, String tunnelEndpoint, Optional<String> ovsdbAddress, int ovsdbPort,
        List<Long> switches) {
    /** Default OVSDB port (RFC 7047). */
    public static final int DEFAULT_OVSDB_PORT = 6640;

    /**
     * Freezes the components.
     */
    public CloudSpec {
        requireNonNull(id, "id");
        requireNonNull(tunnelEndpoint, "tunnelEndpoint");
        requireNonNull(ovsdbAddress, "ovsdbAddress");
        switches = List.copyOf(switches);
    }
}
