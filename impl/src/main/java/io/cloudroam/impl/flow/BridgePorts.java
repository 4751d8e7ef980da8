/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.flow;

import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.PortBindingIndex;
import io.cloudroam.impl.ovsdb.SwitchView;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What flow compilation needs to know about one integration bridge's ports: which are bound to
 * which virtual network, which tunnel leads to which cloud, where the probe loop is, and which
 * ports are usable at all. Made once per OVSDB view (and configuration) of its cloud, not once per
 * compilation: finding a port's binding costs a lookup per port, and a switch can have thousands.
 *
 * @param portVni bound VM ports: OpenFlow port to VNI
 * @param tunnels tunnel ports by remote cloud
 * @param loopOut the probe loop's outgoing end, if present
 * @param loopIn the probe loop's incoming end, if present
 * @param usable every port with a usable OpenFlow number
 */
public record BridgePorts(SortedMap<Long, Integer> portVni, SortedMap<String, Long> tunnels, Optional<Long> loopOut,
        Optional<Long> loopIn, Set<Long> usable) {
    /**
     * Freezes the collections.
     */
    public BridgePorts {
        portVni = Collections.unmodifiableSortedMap(new TreeMap<>(portVni));
        tunnels = Collections.unmodifiableSortedMap(new TreeMap<>(tunnels));
        usable = Set.copyOf(usable);
    }

    /**
     * Reads a bridge.
     *
     * @param cloud the bridge's cloud id
     * @param bridge the bridge, as its cloud's OVSDB reports it
     * @param bound the configuration's port bindings
     * @return its ports
     */
    public static BridgePorts of(final String cloud, final SwitchView.Bridge bridge, final PortBindingIndex bound) {
        final var portVni = new TreeMap<Long, Integer>();
        final var tunnels = new TreeMap<String, Long>();
        final var usable = new HashSet<Long>();
        Long loopOut = null;
        Long loopIn = null;
        for (var iface : bridge.interfaces()) {
            final var ofport = iface.usablePort();
            if (ofport.isEmpty()) {
                continue;
            }
            final long port = ofport.orElseThrow();
            usable.add(port);
            final var remote = iface.remoteCloud();
            if (remote.isPresent()) {
                tunnels.put(remote.orElseThrow(), port);
                continue;
            }
            final var loopEnd = iface.probeLoop();
            if (loopEnd.isPresent()) {
                if (SwitchView.LOOP_OUT.equals(loopEnd.orElseThrow())) {
                    loopOut = port;
                } else {
                    loopIn = port;
                }
                continue;
            }
            bound.vniOfPort(cloud, iface.name(), iface.externalIds().get("iface-id"))
                .ifPresent(vni -> portVni.put(port, vni));
        }
        return new BridgePorts(portVni, tunnels, Optional.ofNullable(loopOut), Optional.ofNullable(loopIn), usable);
    }

    /**
     * Reads every configured switch whose bridge its cloud's view reports.
     *
     * @param config configuration in force
     * @param views each cloud's OVSDB view, by cloud id
     * @param bound the configuration's port bindings
     * @return ports by datapath id
     */
    public static Map<Long, BridgePorts> of(final CloudroamConfig config, final Map<String, SwitchView> views,
            final PortBindingIndex bound) {
        final var result = new HashMap<Long, BridgePorts>();
        for (var cloud : config.clouds().values()) {
            result.putAll(of(config, cloud.id(), views.getOrDefault(cloud.id(), SwitchView.EMPTY), bound));
        }
        return result;
    }

    /**
     * Reads the configured switches of one cloud whose bridges its view reports.
     *
     * @param config configuration in force
     * @param cloud the cloud id
     * @param view its OVSDB view
     * @param bound the configuration's port bindings
     * @return ports by datapath id
     */
    public static Map<Long, BridgePorts> of(final CloudroamConfig config, final String cloud, final SwitchView view,
            final PortBindingIndex bound) {
        final var result = new HashMap<Long, BridgePorts>();
        final var spec = config.clouds().get(cloud);
        if (spec != null) {
            for (var dpid : spec.switches()) {
                view.bridge(dpid).ifPresent(bridge -> result.put(dpid, of(cloud, bridge, bound)));
            }
        }
        return result;
    }

    /**
     * Whether two readings of a bridge lead to the same clouds the same way: same tunnels, same probe loop.
     * Then a change between them concerns VM ports only.
     *
     * @param other the other reading
     * @return true when tunnels and probe loop are the same
     */
    public boolean sameLinks(final BridgePorts other) {
        return tunnels.equals(other.tunnels) && loopOut.equals(other.loopOut) && loopIn.equals(other.loopIn);
    }

    /**
     * The VM ports whose binding or usability differ between two readings of a bridge.
     *
     * @param other the other reading
     * @return the OpenFlow ports that differ
     */
    public Set<Long> changedPorts(final BridgePorts other) {
        final var changed = new HashSet<Long>();
        final var all = new HashSet<>(usable);
        all.addAll(other.usable);
        all.addAll(portVni.keySet());
        all.addAll(other.portVni.keySet());
        for (var port : all) {
            if (usable.contains(port) != other.usable.contains(port)
                    || !Objects.equals(portVni.get(port), other.portVni.get(port))) {
                changed.add(port);
            }
        }
        return changed;
    }
}
