/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.ovsdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one cloud's OVSDB says about its bridges and their interfaces, in the terms cloudroam
 * needs. An immutable snapshot.
 *
 * @param bridges the bridges, each with its interfaces
 */
public record SwitchView(List<Bridge> bridges) {
    /** The {@code external_ids} key that marks a tunnel port as cloudroam's and names its remote cloud. */
    public static final String REMOTE_CLOUD_KEY = "cloudroam-remote-cloud";
    /**
     * The {@code external_ids} key that marks one end of cloudroam's probe loop, a pair of patch
     * ports: {@value #LOOP_OUT} or {@value #LOOP_IN}.
     */
    public static final String PROBE_LOOP_KEY = "cloudroam-probe-loop";
    /** The end of the probe loop latency probes are sent into. */
    public static final String LOOP_OUT = "out";
    /** The end of the probe loop latency probes come back from, stripped of tunnel metadata. */
    public static final String LOOP_IN = "in";
    /** The {@code external_ids} key an orchestrator names a VM's interface with (libvirt, os-vif, OVN). */
    public static final String IFACE_ID_KEY = "iface-id";

    /** A view with nothing in it: not connected yet. */
    public static final SwitchView EMPTY = new SwitchView(List.of());

    /**
     * Freezes the list.
     */
    public SwitchView {
        bridges = List.copyOf(bridges);
    }

    /**
     * A bridge.
     *
     * @param uuid its row UUID
     * @param name its name
     * @param datapathId its datapath id, if vswitchd reported one yet
     * @param interfaces its interfaces
     */
    public record Bridge(String uuid, String name, Optional<Long> datapathId, List<Interface> interfaces) {
        /**
         * Freezes the list.
         */
        public Bridge {
            interfaces = List.copyOf(interfaces);
        }
    }

    /**
     * An interface of a bridge, with the port that holds it.
     *
     * @param portUuid UUID of its Port row
     * @param name interface name
     * @param type interface type ({@code ""} for a system port, {@code vxlan}, …)
     * @param ofport OpenFlow port number, once assigned (-1 means the port failed)
     * @param externalIds its {@code external_ids}
     * @param options its {@code options}
     * @param bfd its {@code bfd} settings
     * @param bfdStatus its {@code bfd_status}
     * @param linkState {@code up}, {@code down} or empty
     */
    public record Interface(String portUuid, String name, String type, Optional<Long> ofport,
            Map<String, String> externalIds, Map<String, String> options, Map<String, String> bfd,
            Map<String, String> bfdStatus, Optional<String> linkState) {
        /**
         * Freezes the maps.
         */
        public Interface {
            externalIds = Map.copyOf(externalIds);
            options = Map.copyOf(options);
            bfd = Map.copyOf(bfd);
            bfdStatus = Map.copyOf(bfdStatus);
        }

        /**
         * An interface without BFD settings.
         *
         * @param portUuid UUID of its Port row
         * @param name interface name
         * @param type interface type
         * @param ofport OpenFlow port number, once assigned
         * @param externalIds its {@code external_ids}
         * @param options its {@code options}
         * @param bfdStatus its {@code bfd_status}
         * @param linkState {@code up}, {@code down} or empty
         */
        public Interface(final String portUuid, final String name, final String type, final Optional<Long> ofport,
                final Map<String, String> externalIds, final Map<String, String> options,
                final Map<String, String> bfdStatus, final Optional<String> linkState) {
            this(portUuid, name, type, ofport, externalIds, options, Map.of(), bfdStatus, linkState);
        }

        /**
         * The name of the VM behind this interface as its cloud plugged it: the {@code iface-id}
         * its orchestrator set (libvirt, os-vif, OVN's ports), else the interface's own name.
         *
         * @return the name
         */
        public String vmName() {
            final var ifaceId = externalIds.get(IFACE_ID_KEY);
            return ifaceId == null || ifaceId.isBlank() ? name : ifaceId;
        }

        /**
         * The remote cloud, for a tunnel cloudroam created.
         *
         * @return the remote cloud id, or empty for any other interface
         */
        public Optional<String> remoteCloud() {
            return Optional.ofNullable(externalIds.get(REMOTE_CLOUD_KEY));
        }

        /**
         * Which end of cloudroam's probe loop this is.
         *
         * @return {@link #LOOP_OUT} or {@link #LOOP_IN}, or empty for any other interface
         */
        public Optional<String> probeLoop() {
            return Optional.ofNullable(externalIds.get(PROBE_LOOP_KEY));
        }

        /**
         * The usable OpenFlow port number.
         *
         * @return the number, empty while unassigned or failed
         */
        public Optional<Long> usablePort() {
            return ofport.filter(port -> port > 0);
        }
    }

    /**
     * Derives the view from monitored tables.
     *
     * @param tables Bridge, Port and Interface rows
     * @return the view
     */
    public static SwitchView of(final OvsdbTables tables) {
        final var bridges = new ArrayList<Bridge>();
        final var ports = tables.rows("Port");
        final var interfaces = tables.rows("Interface");
        for (var bridge : tables.rows("Bridge").entrySet()) {
            final var row = bridge.getValue();
            final var members = new ArrayList<Interface>();
            for (var portUuid : OvsdbTables.uuids(row, "ports")) {
                final var port = ports.get(portUuid);
                if (port == null) {
                    continue;
                }
                for (var ifaceUuid : OvsdbTables.uuids(port, "interfaces")) {
                    final var iface = interfaces.get(ifaceUuid);
                    if (iface != null) {
                        members.add(new Interface(portUuid, OvsdbTables.string(iface, "name").orElse(""),
                            OvsdbTables.string(iface, "type").orElse(""), OvsdbTables.integer(iface, "ofport"),
                            OvsdbTables.map(iface, "external_ids"), OvsdbTables.map(iface, "options"),
                            OvsdbTables.map(iface, "bfd"), OvsdbTables.map(iface, "bfd_status"),
                            OvsdbTables.string(iface, "link_state")));
                    }
                }
            }
            bridges.add(new Bridge(bridge.getKey(), OvsdbTables.string(row, "name").orElse(""),
                OvsdbTables.string(row, "datapath_id").flatMap(SwitchView::parseDatapathId), members));
        }
        return new SwitchView(bridges);
    }

    /**
     * The bridge with a datapath id.
     *
     * @param datapathId the datapath id
     * @return the bridge, if this OVSDB has it
     */
    public Optional<Bridge> bridge(final long datapathId) {
        return bridges.stream().filter(bridge -> bridge.datapathId().equals(Optional.of(datapathId))).findFirst();
    }

    private static Optional<Long> parseDatapathId(final String hex) {
        try {
            return Optional.of(Long.parseUnsignedLong(hex, 16));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
