/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

/**
 * A direction of a tunnel as it was measured before.
 *
 * @param from sending cloud
 * @param to receiving cloud
 * @param latencyMicros smoothed one-way latency
 * @param metricMicros the latency routes used
 */
public record RestoredLink(String from, String to, long latencyMicros, long metricMicros) {
    /**
     * Checks the parts.
     */
    public RestoredLink {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
    }
}

