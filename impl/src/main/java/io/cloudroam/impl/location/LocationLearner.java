/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.location;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.packet.DecodedFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Learns where VMs are from their own packets: a decoded packet-in and the port it came in on
 * either teaches a new (VNI, MAC), refreshes a known one, or proposes a move.
 *
 * <p>A move is only proposed ({@link Outcome.MoveCandidate}); the table changes when the caller
 * {@link #commit commits} it, so whoever decides about moves (today: commit at once; later: verify
 * that the old port is gone first) sits between detection and effect.
 */
public final class LocationLearner {
    /** At most this many IP addresses are remembered per VM interface; more are ignored. */
    public static final int MAX_ADDRESSES = 8;
    /**
     * At most this many MACs are learned on one switch port (a VM with nested containers has a
     * few; a port with more is flooding made-up addresses).
     */
    public static final int MAX_MACS_PER_PORT = 256;
    /** At most this many (VNI, MAC) entries are learned in all. */
    public static final int MAX_LOCATIONS = 1_000_000;

    /**
     * Where a frame was seen.
     *
     * @param vni virtual network of the ingress port
     * @param cloud cloud of the switch
     * @param datapathId the switch
     * @param port the ingress OpenFlow port
     * @param at when
     */
    public record Sighting(int vni, String cloud, long datapathId, long port, Instant at) {
        /**
         * Validates the components.
         */
        public Sighting {
            VirtualNetworkId.check(vni);
            requireNonNull(cloud, "cloud");
            requireNonNull(at, "at");
        }
    }

    /**
     * What a sighting meant.
     */
    public sealed interface Outcome {
        /**
         * A (VNI, MAC) seen for the first time; already in the table.
         *
         * @param location where it is
         */
        record Learned(VmLocation location) implements Outcome {
        }

        /**
         * A known VM seen where it was; its last-seen time and addresses are updated in the table.
         *
         * @param location where it is
         */
        record Refreshed(VmLocation location) implements Outcome {
        }

        /**
         * A known VM seen at another port; nothing changed yet.
         *
         * @param current where the table has it
         * @param proposed where it would be after the move, with the next sequence number
         */
        record MoveCandidate(VmLocation current, VmLocation proposed) implements Outcome {
        }

        /**
         * Nothing to learn from this frame.
         *
         * @param reason why, for counters and logs
         */
        record Ignored(String reason) implements Outcome {
        }

        /**
         * A new MAC not learned: its port already has {@link #MAX_MACS_PER_PORT}, or the table
         * holds {@link #MAX_LOCATIONS}. Known VMs are never evicted to make room.
         *
         * @param reason which limit
         */
        record OverLimit(String reason) implements Outcome {
        }
    }

    /**
     * A VM used an IPv4 address another VM of its network holds. The address was not added to the
     * claimer's entry; whoever decides (the fabric: ask the holder, transfer if it stays silent)
     * calls {@link #transfer} or leaves it.
     *
     * @param vni virtual network
     * @param address the address
     * @param holder where the holder is
     * @param claimer the MAC that used the address
     * @param sighting where the claimer was seen using it
     * @param frame the frame it used it in
     */
    public record AddressClaim(int vni, String address, VmLocation holder, MacAddress claimer, Sighting sighting,
            DecodedFrame frame) {
        /**
         * Checks the parts.
         */
        public AddressClaim {
            requireNonNull(address, "address");
            requireNonNull(holder, "holder");
            requireNonNull(claimer, "claimer");
            requireNonNull(sighting, "sighting");
            requireNonNull(frame, "frame");
        }
    }

    /** A claim is reported again after this long, not with every frame of the claimer. */
    static final Duration CLAIM_REPORT_INTERVAL = Duration.ofSeconds(10);
    /** At most this many claims are remembered for {@link #CLAIM_REPORT_INTERVAL}; the oldest go first. */
    private static final int CLAIMS_REMEMBERED = 4096;

    private final LocationTable table;
    private final Consumer<AddressClaim> claims;
    private final Map<List<Object>, Instant> claimReported = new LinkedHashMap<>();

    /**
     * Creates a learner over {@code table} that keeps addresses with their first holder and tells
     * nobody about other claims.
     *
     * @param table the location table it reads and updates
     */
    public LocationLearner(final LocationTable table) {
        this(table, claim -> { });
    }

    /**
     * Creates a learner over {@code table}.
     *
     * @param table the location table it reads and updates
     * @param claims told (under this learner's lock: hand off, do not block) when a VM uses an IPv4
     *        address another VM of its network holds, at most once per {@link #CLAIM_REPORT_INTERVAL}
     *        for the same address and claimer
     */
    public LocationLearner(final LocationTable table, final Consumer<AddressClaim> claims) {
        this.table = requireNonNull(table);
        this.claims = requireNonNull(claims);
    }

    /**
     * Learns from one frame.
     *
     * @param sighting where and when the frame was seen
     * @param frame the decoded frame
     * @param buffer the frame's bytes, for IPv6 addresses the decoder points into
     * @return what it meant
     */
    // synchronized with commit: each decision reads, then writes the table; interleaved with another
    // switch's sighting of the same MAC it could undo a move
    public synchronized Outcome learn(final Sighting sighting, final DecodedFrame frame, final byte[] buffer) {
        if (frame.srcMac() == 0 || (frame.srcMac() & 0x0100_0000_0000L) != 0) {
            return new Outcome.Ignored("source MAC is zero or a group address");
        }
        final var mac = MacAddress.of(frame.srcMac());
        final var address = addressOf(frame, buffer).filter(claimed -> mayHave(claimed, mac, sighting, frame));
        final var known = table.find(sighting.vni(), mac);
        if (known.isEmpty() && table.macsAt(sighting.datapathId(), sighting.port()) >= MAX_MACS_PER_PORT) {
            return new Outcome.OverLimit("switch " + sighting.datapathId() + " port " + sighting.port() + " has "
                + MAX_MACS_PER_PORT + " MACs");
        }
        if (known.isEmpty() && table.size() >= MAX_LOCATIONS) {
            return new Outcome.OverLimit("the location table holds " + MAX_LOCATIONS + " entries");
        }
        if (known.isEmpty()) {
            final var learned = new VmLocation(sighting.vni(), mac, sighting.cloud(), sighting.datapathId(),
                sighting.port(), address.map(Set::of).orElse(Set.of()), 0, sighting.at(), sighting.at());
            table.put(learned);
            return new Outcome.Learned(learned);
        }
        final var current = known.orElseThrow();
        final var addresses = merged(current.ipAddresses(), address);
        if (sameAttachment(current, sighting)) {
            final var refreshed = new VmLocation(current.vni(), mac, current.cloud(), current.datapathId(),
                current.port(), addresses, current.sequence(), current.firstSeen(), latest(current, sighting));
            table.put(refreshed);
            return new Outcome.Refreshed(refreshed);
        }
        return new Outcome.MoveCandidate(current, new VmLocation(current.vni(), mac, sighting.cloud(),
            sighting.datapathId(), sighting.port(), addresses, (current.sequence() + 1) & 0xFFFF_FFFFL,
            current.firstSeen(), sighting.at()));
    }

    /**
     * Applies a proposed move, unless another move won since it was proposed. What else changed
     * meanwhile (an address given to or taken from the VM while its move was verified) is kept:
     * the VM moves as it is now, with the addresses the announcing frame added.
     *
     * @param candidate the proposal from {@link #learn}
     * @return the location the table now holds for the VM; empty when another move won
     */
    public synchronized Optional<VmLocation> commit(final Outcome.MoveCandidate candidate) {
        final var now = table.find(candidate.current().vni(), candidate.current().mac());
        if (now.isEmpty() || now.orElseThrow().sequence() != candidate.current().sequence()) {
            return Optional.empty();
        }
        final var current = now.orElseThrow();
        final var proposed = candidate.proposed();
        var addresses = current.ipAddresses();
        for (var added : proposed.ipAddresses()) {
            if (!candidate.current().ipAddresses().contains(added)) {
                addresses = merged(addresses, Optional.of(added));
            }
        }
        final var moved = new VmLocation(current.vni(), current.mac(), proposed.cloud(), proposed.datapathId(),
            proposed.port(), addresses, proposed.sequence(), current.firstSeen(), proposed.lastSeen());
        table.put(moved);
        return Optional.of(moved);
    }

    /**
     * Forgets the VMs not seen since {@code cutoff}.
     *
     * @param cutoff the oldest last-seen time that is kept
     * @return the locations removed
     */
    public synchronized List<VmLocation> forgetUnseenSince(final Instant cutoff) {
        final var gone = table.all().stream().filter(location -> location.lastSeen().isBefore(cutoff)).toList();
        return gone.stream().filter(table::remove).toList();
    }

    /**
     * Whether {@code mac} may have {@code address}: nobody else on its network holds it. Otherwise the
     * claim is reported (not with every frame) and the address stays with its holder.
     */
    private boolean mayHave(final String address, final MacAddress mac, final Sighting sighting,
            final DecodedFrame frame) {
        if (address.indexOf(':') >= 0) {
            return true; // IPv6: no proxy answers for it, and every interface has its own link-local address
        }
        final var holder = table.holderOf(sighting.vni(), address).filter(other -> !other.equals(mac))
            .flatMap(other -> table.find(sighting.vni(), other));
        if (holder.isEmpty()) {
            return true;
        }
        final var key = List.<Object>of(sighting.vni(), address, mac);
        final var reported = claimReported.get(key);
        if (reported == null || !sighting.at().isBefore(reported.plus(CLAIM_REPORT_INTERVAL))) {
            claimReported.remove(key);
            claimReported.put(key, sighting.at());
            if (claimReported.size() > CLAIMS_REMEMBERED) {
                claimReported.remove(claimReported.keySet().iterator().next());
            }
            claims.accept(new AddressClaim(sighting.vni(), address, holder.orElseThrow(), mac, sighting, frame));
        }
        return false;
    }

    /**
     * Gives an address to its claimer: its holder did not answer for it.
     *
     * @param claim the claim, as reported
     * @return the entries that changed (the holder without the address, the claimer with it); empty
     *         when the table changed meanwhile (the holder dropped or lost the address, the claimer left)
     */
    public synchronized List<VmLocation> transfer(final AddressClaim claim) {
        final var holder = table.holderOf(claim.vni(), claim.address())
            .flatMap(mac -> table.find(claim.vni(), mac));
        final var claimer = table.find(claim.vni(), claim.claimer());
        if (holder.isEmpty() || !holder.orElseThrow().mac().equals(claim.holder().mac()) || claimer.isEmpty()
                || claimer.orElseThrow().ipAddresses().size() >= MAX_ADDRESSES) {
            return List.of();
        }
        final var from = holder.orElseThrow();
        final var kept = new HashSet<>(from.ipAddresses());
        kept.remove(claim.address());
        final var released = new VmLocation(from.vni(), from.mac(), from.cloud(), from.datapathId(), from.port(),
            kept, from.sequence(), from.firstSeen(), from.lastSeen());
        table.put(released);
        final var to = claimer.orElseThrow();
        final var taken = new VmLocation(to.vni(), to.mac(), to.cloud(), to.datapathId(), to.port(),
            merged(to.ipAddresses(), Optional.of(claim.address())), to.sequence(), to.firstSeen(), to.lastSeen());
        table.put(taken);
        claimReported.remove(List.<Object>of(claim.vni(), claim.address(), claim.claimer()));
        return List.of(released, taken);
    }

    private static boolean sameAttachment(final VmLocation location, final Sighting sighting) {
        return location.datapathId() == sighting.datapathId() && location.port() == sighting.port()
            && location.cloud().equals(sighting.cloud());
    }

    private static Instant latest(final VmLocation location, final Sighting sighting) {
        return sighting.at().isAfter(location.lastSeen()) ? sighting.at() : location.lastSeen();
    }

    private static Set<String> merged(final Set<String> known, final Optional<String> address) {
        if (address.isEmpty() || known.contains(address.orElseThrow()) || known.size() >= MAX_ADDRESSES) {
            return known;
        }
        final var all = new HashSet<>(known);
        all.add(address.orElseThrow());
        return all;
    }

    /** The IP address the sender claims as its own, if the frame carries one. */
    static Optional<String> addressOf(final DecodedFrame frame, final byte[] buffer) {
        return switch (frame.kind()) {
            case ARP -> frame.senderMac() == frame.srcMac() ? ipv4(frame.senderIp4()) : Optional.empty();
            case IPV4 -> ipv4(frame.senderIp4());
            case IPV6_ND -> frame.ndType() == 136 ? ipv6(buffer, frame.ndTargetOffset()) : ipv6(buffer,
                frame.ip6Offset());
            case IPV6 -> ipv6(buffer, frame.ip6Offset());
            default -> Optional.empty();
        };
    }

    private static Optional<String> ipv4(final int address) {
        if (address == 0) {
            return Optional.empty();
        }
        return Optional.of((address >>> 24) + "." + (address >> 16 & 0xFF) + "." + (address >> 8 & 0xFF) + "."
            + (address & 0xFF));
    }

    private static Optional<String> ipv6(final byte[] buffer, final int offset) {
        if (offset < 0 || offset + 16 > buffer.length) {
            return Optional.empty();
        }
        final int[] groups = new int[8];
        boolean unspecified = true;
        for (int i = 0; i < 8; i++) {
            groups[i] = (buffer[offset + 2 * i] & 0xFF) << 8 | buffer[offset + 2 * i + 1] & 0xFF;
            unspecified &= groups[i] == 0;
        }
        // the unspecified address is what duplicate address detection sends from
        return unspecified ? Optional.empty() : Optional.of(rfc5952(groups));
    }

    /** Text form of RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    static String rfc5952(final int[] groups) {
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int runEnd = i;
            while (runEnd < 8 && groups[runEnd] == 0) {
                runEnd++;
            }
            if (runEnd - i > bestLength) {
                bestStart = i;
                bestLength = runEnd - i;
            }
            i = runEnd == i ? i + 1 : runEnd;
        }
        final var sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
