/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.migration;

import io.cloudroam.impl.location.MacAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * An orchestrator's word that a VM is about to move to a cloud.
 *
 * @param vni the VM's virtual network
 * @param mac the VM's MAC
 * @param fromCloud where it was when announced
 * @param targetCloud where it goes
 * @param targetPort its interface there (name or iface-id), when known
 * @param expires when the announcement lapses
 */
public record Announcement(int vni, MacAddress mac, String fromCloud, String targetCloud,
        Optional<String> targetPort, Instant expires) {

    /** How long an announcement waits for its move. */
    public static final java.time.Duration LIFETIME = java.time.Duration.ofSeconds(120);

    /**
     * What an announcement call came to.
     */
    public sealed interface Outcome {
        /**
         * Accepted.
         *
         * @param announcement what is now expected
         */
        record Accepted(Announcement announcement) implements Outcome {
        }

        /**
         * No VM with that MAC (on that virtual network) is known.
         */
        record UnknownVm() implements Outcome {
        }

        /**
         * The input does not make sense; nothing changed.
         *
         * @param message what is wrong, naming the input leaf
         */
        record Invalid(String message) implements Outcome {
        }
    }
}
