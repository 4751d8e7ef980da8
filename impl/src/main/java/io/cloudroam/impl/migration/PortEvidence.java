/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.location.MacAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the management plane plugged a port for a VM that is elsewhere: the sign of a live
 * migration in progress, which lets the VM's first frame at that port move it without asking its
 * old port. libvirt and os-vif plug a migration's destination port before the VM runs there, with
 * the VM's identity in its {@code external_ids} ({@code attached-mac}, {@code iface-id}), and
 * remove the source port only after the VM left; a guest cannot write those. Only a port plugged
 * after the one the VM is at counts: the source port, still there a while after the move, is no
 * evidence for a frame that comes late from it.
 */
public final class PortEvidence {
    /** Verification: the destination port carries the VM's MAC as {@code attached-mac}. */
    public static final String ATTACHED_MAC = "destination-attached-mac";
    /** Verification: the destination port carries the {@code iface-id} of the VM's current port. */
    public static final String IFACE_ID = "destination-iface-id";

    // libvirt and os-vif write attached-mac, ovn-kubernetes attached_mac
    private static final List<String> MAC_KEYS = List.of("attached-mac", "attached_mac");
    private static final String IFACE_ID_KEY = "iface-id";

    /**
     * A VM port as its switch's OVSDB reports it.
     *
     * @param name its interface name
     * @param externalIds its {@code external_ids}
     * @param since when cloudroam first saw it; {@link Instant#EPOCH} when it was there before
     *        cloudroam looked (the first view of its switch)
     */
    public record Plugged(String name, Map<String, String> externalIds, Instant since) {
        /**
         * Checks and freezes.
         */
        public Plugged {
            requireNonNull(name);
            externalIds = Map.copyOf(externalIds);
            requireNonNull(since);
        }
    }

    private PortEvidence() {
    }

    /**
     * The VM identity a port carries: its {@code attached-mac} (or {@code attached_mac}).
     *
     * @param externalIds the port's {@code external_ids}
     * @return the MAC, if one is there and valid
     */
    public static Optional<MacAddress> attachedMac(final Map<String, String> externalIds) {
        for (var key : MAC_KEYS) {
            final var mac = MacAddress.tryParse(externalIds.getOrDefault(key, ""));
            if (mac.isPresent()) {
                return mac;
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code iface-id} a port carries.
     *
     * @param externalIds the port's {@code external_ids}
     * @return it, unless absent or empty
     */
    public static Optional<String> ifaceId(final Map<String, String> externalIds) {
        return Optional.ofNullable(externalIds.get(IFACE_ID_KEY)).filter(id -> !id.isEmpty());
    }

    /**
     * What shows that a VM seen at a destination port was plugged there for it.
     *
     * @param mac the VM's MAC
     * @param current the port the VM is at
     * @param destination the port it was seen at
     * @return {@link #ATTACHED_MAC} or {@link #IFACE_ID}; empty when the destination is no evidence
     */
    public static Optional<String> of(final MacAddress mac, final Plugged current, final Plugged destination) {
        if (!destination.since().isAfter(current.since())) {
            return Optional.empty();
        }
        final var ids = destination.externalIds();
        final var ifaceId = ids.get(IFACE_ID_KEY);
        final var currentIfaceId = current.externalIds().get(IFACE_ID_KEY);
        if (ifaceId != null && currentIfaceId != null && !ifaceId.equals(currentIfaceId)) {
            // another interface (a clone with the same MAC, say): not this VM's move
            return Optional.empty();
        }
        for (var key : MAC_KEYS) {
            if (MacAddress.tryParse(ids.getOrDefault(key, "")).filter(mac::equals).isPresent()) {
                return Optional.of(ATTACHED_MAC);
            }
        }
        return ifaceId != null && !ifaceId.isEmpty() && ifaceId.equals(currentIfaceId) ? Optional.of(IFACE_ID)
            : Optional.empty();
    }
}
