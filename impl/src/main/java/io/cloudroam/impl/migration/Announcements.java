/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.location.MacAddress;
import io.cloudroam.impl.location.VmKey;
import io.cloudroam.impl.location.VmLocation;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migrations an orchestrator announced ({@code announce-migration}), each waiting for its move
 * until it lapses. Used from one thread.
 */
public final class Announcements {
    private static final Logger LOG = LoggerFactory.getLogger(Announcements.class);

    private final Map<VmKey, Announcement> byVm = new HashMap<>();

    /**
     * Takes an announcement, or says why not; nothing changes unless it is accepted.
     *
     * @param config the configuration in force
     * @param known the locations of the VMs with that MAC (on that virtual network, when given)
     * @param mac the VM's MAC
     * @param vni its virtual network, or {@code null} when the MAC is on one only
     * @param targetCloud where it goes
     * @param targetPort its interface there, or {@code null}
     * @param now the time
     * @return the outcome
     */
    public Announcement.Outcome accept(final CloudroamConfig config, final Collection<VmLocation> known,
            final MacAddress mac, final Integer vni, final String targetCloud, final String targetPort,
            final Instant now) {
        if (known.isEmpty()) {
            return new Announcement.Outcome.UnknownVm();
        }
        if (known.size() > 1) {
            return new Announcement.Outcome.Invalid("MAC " + mac + " is on virtual networks "
                + known.stream().map(VmLocation::vni).sorted().toList() + ": give 'vni'");
        }
        final var location = known.iterator().next();
        if (!config.clouds().containsKey(targetCloud)) {
            return new Announcement.Outcome.Invalid("target-cloud '" + targetCloud + "' is not a configured cloud");
        }
        if (!config.cloudsOf(location.vni()).contains(targetCloud)) {
            return new Announcement.Outcome.Invalid("target-cloud '" + targetCloud + "' is not in virtual network "
                + location.vni());
        }
        if (location.cloud().equals(targetCloud)) {
            return new Announcement.Outcome.Invalid("target-cloud '" + targetCloud + "': VM " + mac
                + " is in that cloud already");
        }
        final var announcement = new Announcement(location.vni(), mac, location.cloud(), targetCloud,
            Optional.ofNullable(targetPort).filter(port -> !port.isEmpty()), now.plus(Announcement.LIFETIME));
        byVm.put(VmKey.of(location), announcement);
        LOG.info("Migration of {} on VNI {} from {} to {} announced", mac, location.vni(), location.cloud(),
            targetCloud);
        return new Announcement.Outcome.Accepted(announcement);
    }

    /**
     * The announcement waiting for a VM.
     *
     * @param vm the VM
     * @return it, if there is one
     */
    public Optional<Announcement> of(final VmKey vm) {
        return Optional.ofNullable(byVm.get(vm));
    }

    /**
     * Whether an announcement names this move's target.
     *
     * @param vm the VM
     * @param targetCloud where it was seen
     * @return true when one waits for exactly that
     */
    public boolean expects(final VmKey vm, final String targetCloud) {
        final var announced = byVm.get(vm);
        return announced != null && announced.targetCloud().equals(targetCloud);
    }

    /**
     * Drops a VM's announcement (its move happened, or was tried once).
     *
     * @param vm the VM
     */
    public void remove(final VmKey vm) {
        byVm.remove(vm);
    }

    /**
     * Drops the announcements that lapsed.
     *
     * @param now the time
     * @return those dropped
     */
    public List<Announcement> expire(final Instant now) {
        final var lapsed = byVm.values().stream().filter(a -> a.expires().isBefore(now)).toList();
        for (var announcement : lapsed) {
            LOG.info("Announced migration of {} on VNI {} to {} lapsed", announcement.mac(), announcement.vni(),
                announcement.targetCloud());
            byVm.remove(new VmKey(announcement.vni(), announcement.mac()));
        }
        return lapsed;
    }

    /**
     * Every waiting announcement.
     *
     * @return a copy
     */
    public List<Announcement> all() {
        return List.copyOf(byVm.values());
    }
}
