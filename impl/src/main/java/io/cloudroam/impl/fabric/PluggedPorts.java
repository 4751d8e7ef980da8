/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import io.cloudroam.impl.migration.PortEvidence;
import io.cloudroam.impl.ovsdb.SwitchView;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every VM port of every switch with its {@code external_ids} and when it was plugged, from the
 * OVSDB views: what tells a migration's destination port from the ports that were there before.
 * A port keeps the time it was first seen while its interface (its name at that OpenFlow port)
 * stays; a port in the first view of its switch, or in the first after a view with no bridges (a
 * lost session), was plugged before cloudroam looked. Confined to the fabric's thread.
 */
final class PluggedPorts {
    private static final String IFACE_ID = "iface-id";

    private final Map<Long, Map<Long, PortEvidence.Plugged>> bySwitch = new HashMap<>();
    /** The ports carrying each iface-id (a migration's two ports share one). */
    private final Map<String, Set<Overlay.Port>> byIfaceId = new HashMap<>();

    /**
     * A cloud's OVSDB reported its switches.
     *
     * @param previous the cloud's view before, or {@code null} for its first
     * @param view the view
     * @param now the time
     */
    void view(final SwitchView previous, final SwitchView view, final Instant now) {
        final boolean first = previous == null || previous.bridges().isEmpty();
        final var present = new HashSet<Long>();
        for (var bridge : view.bridges()) {
            if (bridge.datapathId().isEmpty()) {
                continue;
            }
            final long dpid = bridge.datapathId().orElseThrow();
            present.add(dpid);
            final var was = bySwitch.getOrDefault(dpid, Map.of());
            final var is = new HashMap<Long, PortEvidence.Plugged>();
            for (var iface : bridge.interfaces()) {
                if (iface.usablePort().isEmpty() || iface.remoteCloud().isPresent() || iface.probeLoop().isPresent()) {
                    continue;
                }
                final long port = iface.usablePort().orElseThrow();
                final var before = was.get(port);
                final Instant since;
                if (before != null && before.name().equals(iface.name())) {
                    since = before.since();
                } else {
                    since = first ? Instant.EPOCH : now;
                }
                is.put(port, new PortEvidence.Plugged(iface.name(), iface.externalIds(), since));
            }
            replace(dpid, is);
        }
        if (previous != null) {
            for (var bridge : previous.bridges()) {
                bridge.datapathId().filter(dpid -> !present.contains(dpid)).ifPresent(dpid -> replace(dpid, null));
            }
        }
    }

    private void replace(final long dpid, final Map<Long, PortEvidence.Plugged> ports) {
        final var was = ports == null ? bySwitch.remove(dpid) : bySwitch.put(dpid, ports);
        index(dpid, was, false);
        index(dpid, ports, true);
    }

    private void index(final long dpid, final Map<Long, PortEvidence.Plugged> ports, final boolean add) {
        if (ports == null) {
            return;
        }
        ports.forEach((port, plugged) -> {
            final var ifaceId = plugged.externalIds().get(IFACE_ID);
            if (ifaceId == null || ifaceId.isEmpty()) {
                return;
            }
            final var at = new Overlay.Port(dpid, port);
            if (add) {
                byIfaceId.computeIfAbsent(ifaceId, id -> new HashSet<>()).add(at);
            } else {
                byIfaceId.computeIfPresent(ifaceId, (id, all) -> all.remove(at) && all.isEmpty() ? null : all);
            }
        });
    }

    /**
     * The ports whose {@code external_ids} carry an {@code iface-id}.
     *
     * @param ifaceId the iface-id
     * @return the ports, by switch and number
     */
    Set<Overlay.Port> withIfaceId(final String ifaceId) {
        return Set.copyOf(byIfaceId.getOrDefault(ifaceId, Set.of()));
    }

    /**
     * A port as last reported.
     *
     * @param datapathId its switch
     * @param port its OpenFlow port number
     * @return it, unless its switch does not report it (any more)
     */
    Optional<PortEvidence.Plugged> at(final long datapathId, final long port) {
        return Optional.ofNullable(bySwitch.getOrDefault(datapathId, Map.of()).get(port));
    }
}
