/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.tunnel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.ovsdb.OvsdbClient;
import io.cloudroam.impl.ovsdb.SwitchView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Works out which VXLAN tunnel ports a cloud's integration bridges should have (one per remote
 * cloud sharing a virtual network with it, {@code key=flow}, BFD on) and turns the difference to
 * what OVSDB has into one RFC 7047 {@code transact}. Only ports carrying cloudroam's
 * {@code external_ids} marker are ever changed or removed.
 */
public final class TunnelPlanner {
    /** Open vSwitch interface names must fit the kernel's 15 characters. */
    static final int MAX_NAME = 15;
    private static final String PREFIX = "crv-";
    /**
     * BFD on every tunnel, a packet every 200 ms each way: a session goes down after three missed,
     * within 600 ms of the last packet (Open vSwitch's default, 1 s, took about 2.5 s to see a dead
     * link). 100 ms was tried once: on the lab's userspace WAN emulator the all-5-ms OverlayIT then
     * saw routes flip; a tunnel whose settings differ is replaced.
     */
    public static final Map<String, String> BFD = Map.of("enable", "true", "min_rx", "200", "min_tx", "200");

    private TunnelPlanner() {
    }

    /**
     * A tunnel port to create.
     *
     * @param bridgeUuid the bridge
     * @param name port and interface name
     * @param remoteCloud cloud at the other end
     * @param remoteIp its tunnel endpoint
     * @param localIp this cloud's tunnel endpoint
     */
    public record Add(String bridgeUuid, String name, String remoteCloud, String remoteIp, String localIp) {
        Map<String, String> options() {
            return Map.of("remote_ip", remoteIp, "local_ip", localIp, "key", "flow");
        }
    }

    /**
     * A tunnel port to remove.
     *
     * @param bridgeUuid the bridge
     * @param portUuid the port
     * @param name its name, for logs
     */
    public record Remove(String bridgeUuid, String portUuid, String name) {
    }

    /**
     * The changes for one cloud.
     *
     * @param adds ports to create
     * @param removes ports to remove
     */
    public record Plan(List<Add> adds, List<Remove> removes, List<String> loops) {
        /**
         * Freezes the lists.
         */
        public Plan {
            adds = List.copyOf(adds);
            removes = List.copyOf(removes);
            loops = List.copyOf(loops);
        }

        /**
         * A plan that touches tunnels only.
         *
         * @param adds tunnel ports to create
         * @param removes ports to remove
         */
        public Plan(final List<Add> adds, final List<Remove> removes) {
            this(adds, removes, List.of());
        }

        /**
         * Whether there is nothing to do.
         *
         * @return true when OVSDB already matches
         */
        public boolean isEmpty() {
            return adds.isEmpty() && removes.isEmpty() && loops.isEmpty();
        }
    }

    /**
     * The names of the two patch ports of a bridge's probe loop. Latency probes that arrive over a
     * tunnel go out of one and come back in by the other before they are sent to the controller:
     * crossing a patch port clears a frame's tunnel metadata, which openflowplugin could not decode
     * in a packet-in.
     *
     * @param bridgeUuid the bridge
     * @return the {@code out} then the {@code in} name
     */
    public static List<String> loopNames(final String bridgeUuid) {
        final var tag = bridgeUuid.replace("-", "");
        final var shortTag = tag.substring(0, Math.min(8, tag.length()));
        return List.of("crl-" + shortTag + "-o", "crl-" + shortTag + "-i");
    }

    /**
     * The tunnel port name toward a remote cloud: {@code crv-<cloud>}, or a checksum of the id when
     * that would not fit 15 characters.
     *
     * @param remoteCloud the remote cloud id
     * @return the name
     */
    public static String portName(final String remoteCloud) {
        if (PREFIX.length() + remoteCloud.length() <= MAX_NAME) {
            return PREFIX + remoteCloud;
        }
        final var crc = new CRC32();
        crc.update(remoteCloud.getBytes(StandardCharsets.UTF_8));
        return PREFIX + String.format("%08x", crc.getValue());
    }

    /**
     * Compares what OVSDB has with what the configuration needs.
     *
     * @param config the configuration in force
     * @param cloudId the cloud whose OVSDB this is
     * @param view what its OVSDB holds
     * @return the changes; ports that match are left alone
     */
    public static Plan plan(final CloudroamConfig config, final String cloudId, final SwitchView view) {
        final var cloud = config.clouds().get(cloudId);
        final var adds = new ArrayList<Add>();
        final var removes = new ArrayList<Remove>();
        final var loops = new ArrayList<String>();
        final var peers = cloud == null ? List.<String>of() : List.copyOf(config.tunnelPeersOf(cloudId));
        for (var bridge : view.bridges()) {
            final boolean ours = cloud != null && bridge.datapathId().map(cloud.switches()::contains).orElse(false);
            final var satisfied = new HashSet<String>();
            for (var iface : bridge.interfaces()) {
                final var remote = iface.remoteCloud();
                if (remote.isEmpty()) {
                    continue;
                }
                final var wanted = ours && peers.contains(remote.orElseThrow())
                    ? desired(bridge.uuid(), config, cloudId, remote.orElseThrow()) : null;
                if (wanted != null && matches(iface, wanted) && satisfied.add(wanted.remoteCloud())) {
                    continue;
                }
                removes.add(new Remove(bridge.uuid(), iface.portUuid(), iface.name()));
            }
            if (ours) {
                peers.stream().filter(peer -> !satisfied.contains(peer))
                    .forEach(peer -> adds.add(desired(bridge.uuid(), config, cloudId, peer)));
            }
            // the probe loop: wanted on our bridges with tunnels, exactly as loopNames says
            final var loopEnds = bridge.interfaces().stream().filter(iface -> iface.probeLoop().isPresent()).toList();
            final boolean wantLoop = ours && !peers.isEmpty();
            if (!wantLoop || !loopIntact(bridge.uuid(), loopEnds)) {
                loopEnds.forEach(iface -> removes.add(new Remove(bridge.uuid(), iface.portUuid(), iface.name())));
                if (wantLoop) {
                    loops.add(bridge.uuid());
                }
            }
        }
        return new Plan(adds, removes, loops);
    }

    private static boolean loopIntact(final String bridgeUuid, final List<SwitchView.Interface> ends) {
        final var names = loopNames(bridgeUuid);
        return ends.size() == 2 && ends.stream().allMatch(iface -> "patch".equals(iface.type())
            && (iface.name().equals(names.get(0)) && iface.probeLoop().orElseThrow().equals(SwitchView.LOOP_OUT)
                && Map.of("peer", names.get(1)).equals(iface.options())
            || iface.name().equals(names.get(1)) && iface.probeLoop().orElseThrow().equals(SwitchView.LOOP_IN)
                && Map.of("peer", names.get(0)).equals(iface.options())));
    }

    private static Add desired(final String bridgeUuid, final CloudroamConfig config, final String cloudId,
            final String peer) {
        return new Add(bridgeUuid, portName(peer), peer, config.clouds().get(peer).tunnelEndpoint(),
            config.clouds().get(cloudId).tunnelEndpoint());
    }

    private static boolean matches(final SwitchView.Interface iface, final Add wanted) {
        return iface.name().equals(wanted.name()) && "vxlan".equals(iface.type())
            && wanted.options().equals(iface.options()) && BFD.equals(iface.bfd());
    }

    /**
     * The {@code transact} parameters that carry out a plan atomically: removals first (a port
     * being replaced keeps its name), then insertions.
     *
     * @param plan a non-empty plan
     * @return the params array
     */
    public static JsonArray transaction(final Plan plan) {
        final var params = new JsonArray();
        params.add(OvsdbClient.DATABASE);
        for (var remove : plan.removes()) {
            params.add(mutatePorts(remove.bridgeUuid(), "delete", uuid("uuid", remove.portUuid())));
        }
        int index = 0;
        for (var add : plan.adds()) {
            final var ifaceRow = new JsonObject();
            ifaceRow.addProperty("name", add.name());
            ifaceRow.addProperty("type", "vxlan");
            ifaceRow.add("options", map(add.options()));
            ifaceRow.add("bfd", map(BFD));
            addPort(params, add.bridgeUuid(), ifaceRow, Map.of(SwitchView.REMOTE_CLOUD_KEY, add.remoteCloud()),
                "iface" + index, "port" + index++);
        }
        for (var bridge : plan.loops()) {
            final var names = loopNames(bridge);
            for (int end = 0; end < 2; end++) {
                final var ifaceRow = new JsonObject();
                ifaceRow.addProperty("name", names.get(end));
                ifaceRow.addProperty("type", "patch");
                ifaceRow.add("options", map(Map.of("peer", names.get(1 - end))));
                addPort(params, bridge, ifaceRow,
                    Map.of(SwitchView.PROBE_LOOP_KEY, end == 0 ? SwitchView.LOOP_OUT : SwitchView.LOOP_IN),
                    "iface" + index, "port" + index++);
            }
        }
        return params;
    }

    /** Inserts an interface row, a port holding it, and adds the port to a bridge. */
    private static void addPort(final JsonArray params, final String bridgeUuid, final JsonObject ifaceRow,
            final Map<String, String> externalIds, final String iface, final String port) {
        final var marker = map(externalIds);
        ifaceRow.add("external_ids", marker);
        params.add(insert("Interface", ifaceRow, iface));
        final var portRow = new JsonObject();
        portRow.addProperty("name", ifaceRow.get("name").getAsString());
        portRow.add("interfaces", uuid("named-uuid", iface));
        portRow.add("external_ids", marker);
        params.add(insert("Port", portRow, port));
        params.add(mutatePorts(bridgeUuid, "insert", uuid("named-uuid", port)));
    }

    private static JsonObject insert(final String table, final JsonObject row, final String uuidName) {
        final var op = new JsonObject();
        op.addProperty("op", "insert");
        op.addProperty("table", table);
        op.add("row", row);
        op.addProperty("uuid-name", uuidName);
        return op;
    }

    private static JsonObject mutatePorts(final String bridgeUuid, final String mutator, final JsonArray port) {
        final var op = new JsonObject();
        op.addProperty("op", "mutate");
        op.addProperty("table", "Bridge");
        final var where = new JsonArray();
        final var condition = new JsonArray();
        condition.add("_uuid");
        condition.add("==");
        condition.add(uuid("uuid", bridgeUuid));
        where.add(condition);
        op.add("where", where);
        final var mutation = new JsonArray();
        mutation.add("ports");
        mutation.add(mutator);
        final var set = new JsonArray();
        set.add("set");
        final var members = new JsonArray();
        members.add(port);
        set.add(members);
        mutation.add(set);
        final var mutations = new JsonArray();
        mutations.add(mutation);
        op.add("mutations", mutations);
        return op;
    }

    private static JsonArray uuid(final String kind, final String value) {
        final var result = new JsonArray();
        result.add(kind);
        result.add(value);
        return result;
    }

    private static JsonArray map(final Map<String, String> pairs) {
        final var entries = new JsonArray();
        pairs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            final var pair = new JsonArray();
            pair.add(entry.getKey());
            pair.add(entry.getValue());
            entries.add(pair);
        });
        final var result = new JsonArray();
        result.add("map");
        result.add(entries);
        return result;
    }
}
