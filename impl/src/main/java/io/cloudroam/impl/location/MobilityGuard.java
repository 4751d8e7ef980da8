/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Flap detection: counts the moves of each (VNI, MAC) in a sliding window; one move too many
 * quarantines the MAC, and its moves are refused until the quarantine ends. A MAC that moves that
 * often is a duplicate MAC or a loop, not a migrating VM. Not thread-safe: one owner.
 */
public final class MobilityGuard {
    /**
     * The thresholds.
     *
     * @param flapMoves moves allowed within the window
     * @param window the window
     * @param quarantine how long a flapping MAC's moves are refused
     */
    public record Policy(int flapMoves, Duration window, Duration quarantine) {
        /** The defaults of the YANG model. */
        public static final Policy DEFAULT = new Policy(5, Duration.ofSeconds(30), Duration.ofSeconds(60));

        /**
         * Checks the values.
         */
        public Policy {
            if (flapMoves < 1 || window.isNegative() || window.isZero() || quarantine.isNegative()) {
                throw new IllegalArgumentException("bad flap policy " + flapMoves + "/" + window + "/" + quarantine);
            }
        }
    }

    /**
     * What to do with a move.
     */
    public enum Verdict {
        /** Apply it. */
        ALLOW,
        /** Refuse it: this move is one too many, the MAC is now quarantined. */
        FLAPPING,
        /** Refuse it: the MAC is in quarantine. */
        QUARANTINED
    }

    private final Map<String, ArrayDeque<Instant>> moves = new HashMap<>();
    private final Map<String, Instant> quarantinedUntil = new HashMap<>();

    /**
     * Judges a move that is about to be applied, and counts it if allowed.
     *
     * @param vni the virtual network
     * @param mac the MAC
     * @param now when
     * @param policy the thresholds in force
     * @return the verdict
     */
    public Verdict judge(final int vni, final MacAddress mac, final Instant now, final Policy policy) {
        requireNonNull(policy);
        final var key = vni + "/" + mac;
        final var until = quarantinedUntil.get(key);
        if (until != null) {
            if (now.isBefore(until)) {
                return Verdict.QUARANTINED;
            }
            quarantinedUntil.remove(key);
        }
        final var recent = moves.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(policy.window()))) {
            recent.pollFirst();
        }
        if (recent.size() >= policy.flapMoves()) {
            recent.clear();
            quarantinedUntil.put(key, now.plus(policy.quarantine()));
            return Verdict.FLAPPING;
        }
        recent.addLast(now);
        return Verdict.ALLOW;
    }

    /**
     * Ends a quarantine early.
     *
     * @param vni the virtual network
     * @param mac the MAC
     * @return whether the MAC was quarantined
     */
    public boolean release(final int vni, final MacAddress mac) {
        final var key = vni + "/" + mac;
        moves.remove(key);
        return quarantinedUntil.remove(key) != null;
    }

    /**
     * Whether a MAC is in quarantine.
     *
     * @param vni the virtual network
     * @param mac the MAC
     * @param now when
     * @return true while quarantined
     */
    public boolean isQuarantined(final int vni, final MacAddress mac, final Instant now) {
        final var until = quarantinedUntil.get(vni + "/" + mac);
        return until != null && now.isBefore(until);
    }
}
