/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.flow.Ipv4;
import io.cloudroam.impl.location.LocationLearner.AddressClaim;
import io.cloudroam.impl.location.VmLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A VM used an IPv4 address another VM of its network holds: a spoof, a duplicate address, or the
 * address moving on (a virtual IP failing over, a lease given to another VM). As for a move, the
 * holder is asked at its port: if it answers, the address stays with it and the claim is refused
 * ({@code address-in-use}); if it stays silent for verify-timeout, the address goes to the claimer.
 * Used from one thread.
 */
public final class AddressClaims {
    /**
     * A claimed address.
     *
     * @param vni its virtual network
     * @param address the address
     */
    public record Claimed(int vni, String address) {
        /**
         * Checks the parts.
         */
        public Claimed {
            requireNonNull(address, "address");
        }
    }

    /**
     * What to do with a claim.
     */
    public sealed interface Decision {
        /**
         * Give the address to the claimer now.
         *
         * @param claim the claim
         * @param verification why ("holder-port-gone", "unverified", "holder-silent")
         */
        record Transfer(AddressClaim claim, String verification) implements Decision {
        }

        /**
         * Ask the holder at its port for the address; the deadline is armed.
         *
         * @param holder where the holder is
         * @param address the address, as 32 bits
         */
        record Probe(VmLocation holder, int address) implements Decision {
        }

        /**
         * Nothing to do (being verified already, or not an IPv4 address).
         */
        record Ignore() implements Decision {
        }
    }

    private record Pending(AddressClaim claim, Timers.Deadline deadline) {
    }

    private final Timers timers;
    private final Map<Claimed, Pending> pending = new HashMap<>();

    /**
     * Creates one.
     *
     * @param timers arms the verifications' deadlines
     */
    public AddressClaims(final Timers timers) {
        this.timers = requireNonNull(timers);
    }

    /**
     * A VM claimed another's address.
     *
     * @param claim the claim
     * @param holderPortExists whether the holder's port still exists
     * @param verifyTimeout how long the holder must stay silent (zero: no verification)
     * @return what to do
     */
    public Decision claimed(final AddressClaim claim, final boolean holderPortExists, final Duration verifyTimeout) {
        final var key = new Claimed(claim.vni(), claim.address());
        final var ip4 = Ipv4.parse(claim.address());
        if (pending.containsKey(key) || ip4 == null) {
            return new Decision.Ignore(); // the learner reports IPv4 addresses only
        }
        if (!holderPortExists || verifyTimeout.isZero()) {
            return new Decision.Transfer(claim, holderPortExists ? "unverified" : "holder-port-gone");
        }
        pending.put(key, new Pending(claim, timers.claimDeadline(key, verifyTimeout)));
        return new Decision.Probe(claim.holder(), ip4);
    }

    /**
     * A claim's deadline passed: the holder stayed silent.
     *
     * @param claimed the address
     * @return the transfer, unless the verification ended already
     */
    public Optional<Decision.Transfer> deadlinePassed(final Claimed claimed) {
        final var waiting = pending.remove(claimed);
        return waiting == null ? Optional.empty()
            : Optional.of(new Decision.Transfer(waiting.claim(), "holder-silent"));
    }

    /**
     * A VM spoke where the table has it: the claims on its addresses being verified are refused.
     *
     * @param location where it spoke (its table entry)
     * @return the refused claims
     */
    public List<AddressClaim> aliveAt(final VmLocation location) {
        final var refused = new ArrayList<AddressClaim>();
        for (var iterator = pending.values().iterator(); iterator.hasNext(); ) {
            final var waiting = iterator.next();
            final var holder = waiting.claim().holder();
            if (holder.vni() == location.vni() && holder.mac().equals(location.mac())
                    && holder.datapathId() == location.datapathId() && holder.port() == location.port()) {
                iterator.remove();
                waiting.deadline().cancel();
                refused.add(waiting.claim());
            }
        }
        return refused;
    }
}
