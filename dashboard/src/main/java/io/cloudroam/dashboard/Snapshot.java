/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plain copies of what the datastore holds, one record per list entry, free of YANG bindings so the
 * dashboard's logic is tested without OSGi or MD-SAL.
 */
public final class Snapshot {
    private Snapshot() {
        // records only
    }

    /**
     * A configured cloud.
     *
     * @param id its name
     * @param description free text
     * @param tunnelEndpoint underlay address
     * @param switches datapath ids of its bridges
     */
    public record Cloud(String id, String description, String tunnelEndpoint, List<String> switches) {
    }

    /**
     * A configured virtual network.
     *
     * @param vni its VNI
     * @param name its name, may be empty
     * @param mode optimal, triangle or reactive
     * @param clouds the clouds it spans
     */
    public record Network(long vni, String name, String mode, List<String> clouds) {
    }

    /**
     * One cloud's tunnel port toward another.
     *
     * @param cloud the cloud holding the port
     * @param remoteCloud the other end
     * @param portName the OVS port
     * @param state up, down or unknown
     * @param overlayMtu the largest VM IP packet it carries, 0 until measured
     */
    public record Tunnel(String cloud, String remoteCloud, String portName, String state, int overlayMtu) {
        /**
         * A tunnel whose path MTU is not measured.
         *
         * @param cloud the cloud holding the port
         * @param remoteCloud the other end
         * @param portName the OVS port
         * @param state up, down or unknown
         */
        public Tunnel(final String cloud, final String remoteCloud, final String portName, final String state) {
            this(cloud, remoteCloud, portName, state, 0);
        }
    }

    /**
     * A virtual network's MTU in force (operational /virtual-network-mtus).
     *
     * @param vni the network
     * @param mtu what its VMs should use
     * @param source configured, derived or default
     * @param narrow the tunnels that carry less, as "from→to overlay-mtu"
     */
    public record NetworkMtu(long vni, int mtu, String source, List<String> narrow) {
        /**
         * Freezes the list.
         */
        public NetworkMtu {
            narrow = List.copyOf(narrow);
        }
    }

    /**
     * One direction of a tunnel as the probes measured it.
     *
     * @param cloud sending cloud
     * @param remoteCloud receiving cloud
     * @param latencyMicros smoothed one-way latency, empty before the first sample
     * @param reachable whether probes get through
     */
    public record Link(String cloud, String remoteCloud, Optional<Long> latencyMicros, boolean reachable) {
    }

    /**
     * How traffic entering at {@code cloud} reaches VMs in {@code destination}.
     *
     * @param destination where the VMs are
     * @param cloud where the traffic enters
     * @param nextHop first cloud it is tunnelled to
     * @param costMicros path cost
     */
    public record Route(String destination, String cloud, String nextHop, long costMicros) {
    }

    /**
     * A located VM.
     *
     * @param vni its virtual network
     * @param mac its MAC address
     * @param name its name as its cloud plugged it ({@code iface-id} or interface name); empty if unknown
     * @param cloud where it is
     * @param port its OpenFlow port there
     * @param ips addresses it used
     */
    public record Vm(long vni, String mac, String name, String cloud, long port, List<String> ips) {
    }

    /**
     * An applied move.
     *
     * @param id sequential id
     * @param vni virtual network
     * @param mac the VM
     * @param fromCloud where it was
     * @param toCloud where it is
     * @param trigger what revealed it
     * @param verification why it was believed
     * @param signalSeen when the revealing packet arrived
     * @param verified when the move was verified and applied to the location table, if yet
     * @param flowsSent when its flow changes were handed to the switches, if yet
     * @param flowsConfirmed when every switch had the new flows, if yet
     * @param confirmedBy barrier or datastore-commit
     * @param flowsChanged flow changes it caused
     * @param switches switches touched
     * @param prepared when the destination was prepared (its port plugged with the VM's identity), if it was
     * @param newCloudConfirmed when the new cloud's switches had their part, if yet
     */
    public record Migration(long id, long vni, String mac, String fromCloud, String toCloud, String trigger,
            String verification, Instant signalSeen, Optional<Instant> verified, Optional<Instant> flowsSent,
            Optional<Instant> flowsConfirmed, String confirmedBy,
            long flowsChanged, int switches, Optional<Instant> prepared, Optional<Instant> newCloudConfirmed) {
    }

    /**
     * A refused sighting.
     *
     * @param id sequential id
     * @param vni virtual network
     * @param mac the contested MAC
     * @param reason why it was refused (for address-in-use, with the address and the claimer's MAC)
     * @param atCloud where the VM stays
     * @param claimedCloud where the refused sighting came from
     * @param seen when
     */
    public record Conflict(long id, long vni, String mac, String reason, String atCloud, String claimedCloud,
            Instant seen) {
    }

    /**
     * The clouds a packet crosses from {@code from} to VMs in {@code destination}, following the
     * routes' next hops; the direct tunnel when no route is known (probing off or not yet measured).
     *
     * @param routes the routes
     * @param from where the traffic enters
     * @param destination where the VM is
     * @return the clouds in order, both ends included
     */
    public static List<String> path(final List<Route> routes, final String from, final String destination) {
        final Map<String, String> next = new HashMap<>();
        for (var route : routes) {
            if (route.destination().equals(destination)) {
                next.put(route.cloud(), route.nextHop());
            }
        }
        final var path = new ArrayList<String>();
        path.add(from);
        var at = from;
        while (!at.equals(destination)) {
            final var hop = next.getOrDefault(at, destination);
            if (path.contains(hop)) {
                // a loop can only come from routes caught mid-update: show the direct tunnel
                return List.of(from, destination);
            }
            path.add(hop);
            at = hop;
        }
        return List.copyOf(path);
    }
}
