/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.config.VirtualNetworkSpec;
import io.cloudroam.impl.flow.Ipv4;
import io.cloudroam.impl.location.LocationLearner;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.MobilityGuard;
import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.migration.AddressClaims;
import io.cloudroam.impl.migration.Announcement;
import io.cloudroam.impl.migration.Announcements;
import io.cloudroam.impl.migration.MigrationHistory;
import io.cloudroam.impl.migration.MigrationPlanner;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.migration.MoveVerifier;
import io.cloudroam.impl.migration.PortEvidence;
import io.cloudroam.impl.migration.PreparedMigrations;
import io.cloudroam.impl.migration.Timers;
import io.cloudroam.impl.packet.ArpFrames;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is where, and how VMs move: learning from sightings (the location table's one writer), the
 * verification of moves and address claims, announcements, quarantine, aging; each change marks
 * the VMs whose flows it touches. Confined to the fabric's thread.
 */
final class Mobility {
    private static final Logger LOG = LoggerFactory.getLogger(Mobility.class);

    private final LocationTable table;
    private final LocationLearner learner;
    private final Clock clock;
    private final PacketSender sender;
    private final StatePublisher publisher;
    private final Counters counters;
    private final Overlay overlay;
    private final FlowSync flows;
    private final MoveVerifier verifier;
    private final AddressClaims claims;
    private final Announcements announcements = new Announcements();
    private final MigrationHistory history;
    private final MigrationPlanner planner;
    private final PreparedMigrations prepared = new PreparedMigrations();
    /** The cloud each VM was first seen in, for triangle mode. */
    private final Map<VmKey, String> homes = new HashMap<>();

    Mobility(final LocationTable table, final Clock clock, final PacketSender sender, final StatePublisher publisher,
            final Counters counters, final Overlay overlay, final FlowSync flows, final MigrationHistory history,
            final Timers timers, final Consumer<FabricEvent> post) {
        this.table = requireNonNull(table);
        this.learner = new LocationLearner(table, claim -> post.accept(new FabricEvent.AddressClaimed(claim)));
        this.clock = requireNonNull(clock);
        this.sender = requireNonNull(sender);
        this.publisher = requireNonNull(publisher);
        this.counters = requireNonNull(counters);
        this.overlay = requireNonNull(overlay);
        this.flows = requireNonNull(flows);
        this.history = requireNonNull(history);
        this.verifier = new MoveVerifier(timers);
        this.claims = new AddressClaims(timers);
        this.planner = new MigrationPlanner(learner, table, new MobilityGuard(), announcements, history);
    }

    Map<VmKey, String> homes() {
        return homes;
    }

    /** The destination cloud of each prepared migration ({@link PreparedMigrations#clouds()}). */
    Map<VmKey, String> preparedClouds() {
        // switched off: what was prepared stops counting at once, and ends with its port or move
        return overlay.config().mobility().prepareMigrations() ? prepared.clouds() : Map.of();
    }

    /**
     * What an earlier run left: the VMs where they were.
     *
     * @param locations the locations
     */
    void restore(final List<VmLocation> locations) {
        for (var location : locations) {
            table.put(location);
            homes.putIfAbsent(VmKey.of(location), location.cloud());
        }
    }

    /**
     * A frame at a bound port.
     *
     * @param sighted where, when, what
     */
    void sighted(final FabricEvent.Sighted sighted) {
        final var sighting = sighted.sighting();
        final var before = table.find(sighting.vni(), MacAddress.of(sighted.frame().srcMac()));
        final var outcome = learner.learn(sighting, sighted.frame(), sighted.payload());
        switch (outcome) {
            case LocationLearner.Outcome.Learned learned -> {
                counters.increment(Counters.Kind.LOCATIONS_LEARNED);
                final var location = learned.location();
                homes.putIfAbsent(VmKey.of(location), location.cloud());
                publisher.locations(List.of(location));
                flows.dirty().vm(VmKey.of(location), location.ipAddresses());
            }
            case LocationLearner.Outcome.Refreshed refreshed -> {
                final var location = refreshed.location();
                publisher.locations(List.of(location));
                final var had = before.map(VmLocation::ipAddresses).orElse(Set.of());
                if (!location.ipAddresses().equals(had)) {
                    // a new address needs an ARP entry
                    flows.dirty().vm(VmKey.of(location), union(had, location.ipAddresses()));
                }
                aliveAt(location);
            }
            case LocationLearner.Outcome.MoveCandidate move -> candidate(move, sighted.trigger(), sighting.at(),
                sighted.frame().dstMac() == ArpFrames.PROBE_MAC);
            case LocationLearner.Outcome.Ignored ignored -> LOG.trace("packet-in ignored: {}", ignored.reason());
            case LocationLearner.Outcome.OverLimit over -> {
                counters.increment(Counters.Kind.LOCATIONS_REFUSED);
                LOG.trace("MAC not learned: {}", over.reason());
            }
        }
    }

    private static Set<String> union(final Set<String> first, final Set<String> second) {
        final var all = new HashSet<>(first);
        all.addAll(second);
        return all;
    }

    /** The VM answered at the place the table has for it: a pending move or address claim there is refused. */
    private void aliveAt(final VmLocation location) {
        for (var claim : claims.aliveAt(location)) {
            final var claimer = new VmLocation(claim.vni(), claim.claimer(), claim.sighting().cloud(),
                claim.sighting().datapathId(), claim.sighting().port(), Set.of(claim.address()), 0,
                claim.sighting().at(), claim.sighting().at());
            refuse("address-in-use", location, claimer, PacketInPath.triggerOf(claim.frame()), claim.sighting().at(),
                Optional.of(claim.address()));
        }
        verifier.aliveAt(location).ifPresent(disproved -> refuse("still-at-old-port", location,
            disproved.move().proposed(), disproved.trigger(), disproved.seen(), Optional.empty()));
    }

    private void candidate(final LocationLearner.Outcome.MoveCandidate move, final MigrationRecord.Trigger trigger,
            final Instant seen, final boolean probeAnswer) {
        final var old = move.current();
        final var vm = VmKey.of(old);
        final var mobility = overlay.config().mobility();
        final var decision = verifier.candidate(move, trigger, seen, planner.quarantined(vm, seen),
            overlay.portExists(old), announcements.expects(vm, move.proposed().cloud()),
            overlay.destinationEvidence(old, move.proposed()), new MoveVerifier.Policy(mobility.verifyTimeout(),
                mobility.verifyStrategy(), mobility.guard().quarantine()), probeAnswer);
        switch (decision) {
            case MoveVerifier.Decision.Apply apply -> apply(apply);
            // the VM may still be there: ask it at the old port, believe the move only if it stays silent
            case MoveVerifier.Decision.Probe probe -> probe(probe.at());
            case MoveVerifier.Decision.ApplyThenProbe first -> {
                // the move now; an answer from the old port puts the VM back
                apply(first.apply());
                probe(first.at());
            }
            case MoveVerifier.Decision.RollBack back -> {
                apply(back.back());
                final var disproved = back.disproved();
                LOG.warn("{} answered at its old port {} after a move to {} applied before asking it: moved back",
                    vm, back.back().move().proposed(), disproved.move().proposed());
                refuse("still-at-old-port", back.back().move().proposed(), disproved.move().proposed(),
                    disproved.trigger(), disproved.seen(), Optional.empty());
            }
            case MoveVerifier.Decision.Refuse refuse -> refuse(refuse.reason(), old, move.proposed(), trigger, seen,
                Optional.empty());
            case MoveVerifier.Decision.Ignore ignore -> LOG.trace("{} is being verified already", vm);
        }
    }

    private void probe(final VmLocation at) {
        at.ipAddresses().stream().map(Ipv4::parse).filter(java.util.Objects::nonNull).findFirst()
            .ifPresent(ip4 -> sender.send(at.datapathId(), at.port(), ArpFrames.probe(at.mac().bits(), ip4)));
    }

    /**
     * A move's verification deadline passed.
     *
     * @param vm the VM
     */
    void moveDeadline(final VmKey vm) {
        verifier.deadlinePassed(vm).ifPresent(this::apply);
    }

    private void apply(final MoveVerifier.Decision.Apply decision) {
        final var move = decision.move();
        switch (planner.apply(overlay.config(), decision, clock.instant())) {
            case MigrationPlanner.Plan.Applied applied -> {
                final var to = applied.record().to();
                // prepared toward the port it moved to: the record says since when
                final var record = prepared.end(VmKey.of(to))
                    .filter(there -> there.datapathId() == to.datapathId() && there.port() == to.port())
                    .map(there -> applied.record().preparedAt(there.since())).orElse(applied.record());
                if (applied.forgotten()) {
                    publisher.locationsRemoved(List.of(to));
                } else {
                    publisher.locations(List.of(to));
                }
                flows.migrate(record, union(move.current().ipAddresses(), to.ipAddresses()),
                    overlay.switchesOf(to.cloud()));
            }
            case MigrationPlanner.Plan.Refused refused -> refuse(refused.reason(), move.current(), move.proposed(),
                decision.trigger(), decision.seen(), Optional.empty());
            case MigrationPlanner.Plan.Superseded superseded -> LOG.debug("a newer move of {} won", move.current());
        }
    }

    private void refuse(final String reason, final VmLocation at, final VmLocation claimed,
            final MigrationRecord.Trigger trigger, final Instant seen, final Optional<String> address) {
        history.refuse(reason, at, claimed, trigger, seen, address);
        counters.increment(Counters.Kind.SIGHTINGS_REFUSED);
    }

    /**
     * A VM used an address another VM of its network holds.
     *
     * @param claim the claim
     */
    void claimed(final LocationLearner.AddressClaim claim) {
        switch (claims.claimed(claim, overlay.portExists(claim.holder()),
                overlay.config().mobility().verifyTimeout())) {
            case AddressClaims.Decision.Transfer transfer -> transfer(transfer);
            case AddressClaims.Decision.Probe probe -> sender.send(probe.holder().datapathId(), probe.holder().port(),
                ArpFrames.probe(probe.holder().mac().bits(), probe.address()));
            case AddressClaims.Decision.Ignore ignore -> LOG.trace("claim of {} ignored", claim.address());
        }
    }

    /**
     * An address claim's verification deadline passed.
     *
     * @param claimed the address
     */
    void claimDeadline(final AddressClaims.Claimed claimed) {
        claims.deadlinePassed(claimed).ifPresent(this::transfer);
    }

    private void transfer(final AddressClaims.Decision.Transfer transfer) {
        final var claim = transfer.claim();
        final var changed = learner.transfer(claim);
        if (!changed.isEmpty()) {
            LOG.info("Address {} on VNI {} moved from {} to {} ({})", claim.address(), claim.vni(),
                claim.holder().mac(), claim.claimer(), transfer.verification());
            publisher.locations(changed);
            changed.forEach(location -> flows.dirty().vm(VmKey.of(location),
                union(location.ipAddresses(), Set.of(claim.address()))));
        }
    }

    /** The once-a-second tick: lapsed announcements go, and the VMs not seen within the idle timeout. */
    void tick() {
        final var now = clock.instant();
        announcements.expire(now);
        final var timeout = overlay.config().locationIdleTimeout();
        if (timeout.isZero()) {
            return;
        }
        final var gone = learner.forgetUnseenSince(now.minus(timeout));
        if (!gone.isEmpty()) {
            LOG.info("Forgot {} VMs not seen for {} s: {}", gone.size(), timeout.toSeconds(),
                gone.stream().map(VmKey::of).toList());
            publisher.locationsRemoved(gone);
            for (var location : gone) {
                homes.remove(VmKey.of(location));
                prepared.end(VmKey.of(location));
                flows.dirty().vm(VmKey.of(location), location.ipAddresses());
            }
        }
    }

    /**
     * Records that a VM is about to move; see the {@code announce-migration} RPC.
     *
     * @param mac the VM's MAC
     * @param vni its virtual network, or {@code null} when the MAC is on one only
     * @param targetCloud where it goes
     * @param targetPort its interface there, or {@code null}
     * @return the outcome; nothing changes unless accepted
     */
    Announcement.Outcome announce(final MacAddress mac, final Integer vni, final String targetCloud,
            final String targetPort) {
        final var known = table.withMac(mac).stream().filter(location -> vni == null || location.vni() == vni)
            .toList();
        final var outcome = announcements.accept(overlay.config(), known, mac, vni, targetCloud, targetPort,
            clock.instant());
        if (outcome instanceof Announcement.Outcome.Accepted) {
            applyAnnouncedMoves(); // the VM may have left already
        }
        return outcome;
    }

    /** Applies every announced move whose VM left its old port and whose target port exists. */
    void applyAnnouncedMoves() {
        for (var announcement : announcements.all()) {
            final var current = table.find(announcement.vni(), announcement.mac());
            if (current.isEmpty() || overlay.portExists(current.orElseThrow())) {
                continue;
            }
            final var old = current.orElseThrow();
            overlay.targetPort(announcement).ifPresent(target -> {
                // one attempt: a refused move (quarantine) must not be retried on every OVSDB update
                announcements.remove(VmKey.of(old));
                final var proposed = new VmLocation(old.vni(), old.mac(), announcement.targetCloud(),
                    target.datapathId(), target.port(), old.ipAddresses(), (old.sequence() + 1) & 0xFFFF_FFFFL,
                    old.firstSeen(), clock.instant());
                apply(new MoveVerifier.Decision.Apply(new LocationLearner.Outcome.MoveCandidate(old, proposed),
                    MigrationRecord.Trigger.ANNOUNCED, clock.instant(), "old-port-gone"));
            });
        }
    }

    /**
     * Ends the quarantine of a MAC.
     *
     * @param mac the MAC
     * @param vni its virtual network, or {@code null} for every one it is known on
     * @return on how many virtual networks it was quarantined; empty when the MAC is unknown there
     */
    Optional<Integer> releaseQuarantine(final MacAddress mac, final Integer vni) {
        final var known = table.withMac(mac).stream().filter(location -> vni == null || location.vni() == vni)
            .toList();
        if (known.isEmpty()) {
            return Optional.empty();
        }
        int released = 0;
        for (var location : known) {
            if (planner.release(VmKey.of(location))) {
                released++;
                LOG.info("Quarantine of {} on VNI {} cleared", mac, location.vni());
            }
        }
        return Optional.of(released);
    }

    /**
     * The VMs at some ports of a switch: their flows change with those ports. A port plugged for a
     * VM alive in another cloud prepares its migration; a prepared migration whose destination
     * port went is cancelled (the VM stays where it is).
     *
     * @param datapathId the switch
     * @param ports the ports
     */
    void portsChanged(final long datapathId, final Set<Long> ports) {
        for (var port : ports) {
            for (var vm : table.at(datapathId, port)) {
                dirty(vm);
            }
            prepareToward(datapathId, port);
        }
    }

    private void dirty(final VmKey vm) {
        flows.dirty().vm(vm, table.find(vm).map(VmLocation::ipAddresses).orElse(Set.of()));
    }

    private void prepareToward(final long datapathId, final long port) {
        final var now = new HashMap<VmKey, PreparedMigrations.Destination>();
        final var bound = overlay.boundPort(datapathId, port);
        if (bound.isPresent() && overlay.config().mobility().prepareMigrations()) {
            final var at = bound.orElseThrow();
            for (var current : identified(at)) {
                final var network = overlay.config().networks().get(current.vni());
                if (network == null || network.mode() != VirtualNetworkSpec.Mode.OPTIMAL) {
                    continue; // the baselines (triangle, reactive) move as they always did
                }
                overlay.plugged(current.datapathId(), current.port())
                    .flatMap(from -> PreparedMigrations.destination(current, from, at.cloud(), datapathId, port,
                        at.plugged()))
                    .ifPresent(destination -> now.put(VmKey.of(current), destination));
            }
        }
        for (var vm : prepared.toward(datapathId, port)) {
            if (!now.containsKey(vm)) {
                prepared.end(vm);
                LOG.info("Migration of {} to port {} of {} no longer prepared: the port went or changed; it stays "
                    + "where it is", vm, port, datapathId);
                dirty(vm);
            }
        }
        now.forEach((vm, destination) -> {
            if (prepared.prepare(vm, destination)) {
                counters.increment(Counters.Kind.MIGRATIONS_PREPARED);
                LOG.info("Migration of {} to {} prepared ({} on port {} of {})",
                    vm, destination.cloud(), destination.evidence(), port, datapathId);
                dirty(vm);
            }
        });
    }

    /** The VMs on a port's virtual network whose identity the port carries (its attached-mac or iface-id). */
    private List<VmLocation> identified(final Overlay.BoundPort at) {
        final var ids = at.plugged().externalIds();
        final var result = new ArrayList<VmLocation>();
        PortEvidence.attachedMac(ids).ifPresent(mac -> table.find(at.vni(), mac).ifPresent(result::add));
        PortEvidence.ifaceId(ids).ifPresent(id -> {
            for (var other : overlay.portsWithIfaceId(id)) {
                for (var vm : table.at(other.datapathId(), other.port())) {
                    table.find(vm).filter(location -> location.vni() == at.vni() && !result.contains(location))
                        .ifPresent(result::add);
                }
            }
        });
        return result;
    }
}
