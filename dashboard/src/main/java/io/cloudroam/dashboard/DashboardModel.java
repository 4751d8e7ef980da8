/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.dashboard;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.cloudroam.dashboard.Snapshot.Cloud;
import io.cloudroam.dashboard.Snapshot.Conflict;
import io.cloudroam.dashboard.Snapshot.Link;
import io.cloudroam.dashboard.Snapshot.Migration;
import io.cloudroam.dashboard.Snapshot.Network;
import io.cloudroam.dashboard.Snapshot.NetworkMtu;
import io.cloudroam.dashboard.Snapshot.Route;
import io.cloudroam.dashboard.Snapshot.Tunnel;
import io.cloudroam.dashboard.Snapshot.Vm;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What the dashboard shows, kept up to date section by section and rendered as one JSON document.
 *
 * <p>Each migration's path before and after is fixed when the dashboard first sees the migration,
 * from the routes known at that moment: later WAN changes re-route traffic but do not rewrite
 * history. Thread-safe: sections are replaced under the object's lock.
 */
public final class DashboardModel {
    /** Migrations (and conflicts) kept in the document: the newest. */
    static final int HISTORY = 200;

    private static final Gson GSON = new Gson();

    private final Supplier<Instant> clock;
    private final Map<Long, JsonArray> pathsByMigration = new HashMap<>();
    private List<Cloud> clouds = List.of();
    private List<Network> networks = List.of();
    private List<NetworkMtu> networkMtus = List.of();
    private List<Tunnel> tunnels = List.of();
    private List<Link> links = List.of();
    private List<Route> routes = List.of();
    private List<Vm> vms = List.of();
    private List<Migration> migrations = List.of();
    private List<Conflict> conflicts = List.of();
    private Map<String, Long> counters = Map.of();
    private long version;

    /**
     * Creates an empty model.
     *
     * @param clock the time written into each document
     */
    public DashboardModel(final Supplier<Instant> clock) {
        this.clock = clock;
    }

    /**
     * Replaces the configuration sections.
     *
     * @param newClouds configured clouds
     * @param newNetworks configured virtual networks
     */
    public synchronized void config(final List<Cloud> newClouds, final List<Network> newNetworks) {
        clouds = List.copyOf(newClouds);
        networks = List.copyOf(newNetworks);
        version++;
    }

    /**
     * Replaces the networks' MTUs in force.
     *
     * @param newMtus one per configured network
     */
    public synchronized void networkMtus(final List<NetworkMtu> newMtus) {
        networkMtus = List.copyOf(newMtus);
        version++;
    }

    /**
     * Replaces the tunnel ports.
     *
     * @param newTunnels every cloud's tunnel ports
     */
    public synchronized void tunnels(final List<Tunnel> newTunnels) {
        tunnels = List.copyOf(newTunnels);
        version++;
    }

    /**
     * Replaces the measured links and the routes.
     *
     * @param newLinks both directions of every tunnel
     * @param newRoutes the routes computed from them
     */
    public synchronized void routing(final List<Link> newLinks, final List<Route> newRoutes) {
        links = List.copyOf(newLinks);
        routes = List.copyOf(newRoutes);
        version++;
    }

    /**
     * Replaces the VM locations.
     *
     * @param newVms every located VM
     */
    public synchronized void vms(final List<Vm> newVms) {
        vms = List.copyOf(newVms);
        version++;
    }

    /**
     * Replaces the migration history; migrations not seen before get their paths fixed now.
     *
     * @param newMigrations the history, any order
     */
    public synchronized void migrations(final Collection<Migration> newMigrations) {
        final var sorted = newMigrations.stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
        migrations = sorted.subList(Math.max(0, sorted.size() - HISTORY), sorted.size());
        final var kept = new LinkedHashSet<Long>();
        for (var migration : migrations) {
            kept.add(migration.id());
            pathsByMigration.computeIfAbsent(migration.id(), id -> paths(migration));
        }
        pathsByMigration.keySet().retainAll(kept);
        version++;
    }

    /**
     * Replaces the refused sightings.
     *
     * @param newConflicts the history, any order
     */
    public synchronized void conflicts(final Collection<Conflict> newConflicts) {
        final var sorted = newConflicts.stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
        conflicts = sorted.subList(Math.max(0, sorted.size() - HISTORY), sorted.size());
        version++;
    }

    /**
     * Replaces the counters.
     *
     * @param newCounters counter name to count, in the order to show them
     */
    public synchronized void counters(final Map<String, Long> newCounters) {
        counters = new LinkedHashMap<>(newCounters);
        version++;
    }

    /**
     * How many times a section was replaced: a document with the same version is the same.
     *
     * @return the version
     */
    public synchronized long version() {
        return version;
    }

    /**
     * The document the dashboard renders.
     *
     * @return JSON text
     */
    public synchronized String toJson() {
        final var doc = new JsonObject();
        doc.addProperty("version", version);
        doc.addProperty("generated", clock.get().toString());
        final var cloudArray = new JsonArray();
        for (var cloud : clouds) {
            final var obj = new JsonObject();
            obj.addProperty("id", cloud.id());
            obj.addProperty("description", cloud.description());
            obj.addProperty("tunnelEndpoint", cloud.tunnelEndpoint());
            obj.add("switches", strings(cloud.switches()));
            obj.addProperty("vms", vms.stream().filter(vm -> vm.cloud().equals(cloud.id())).count());
            cloudArray.add(obj);
        }
        doc.add("clouds", cloudArray);
        final var networkArray = new JsonArray();
        for (var network : networks) {
            final var obj = new JsonObject();
            obj.addProperty("vni", network.vni());
            obj.addProperty("name", network.name());
            obj.addProperty("mode", network.mode());
            obj.add("clouds", strings(network.clouds()));
            obj.addProperty("vms", vms.stream().filter(vm -> vm.vni() == network.vni()).count());
            networkMtus.stream().filter(mtu -> mtu.vni() == network.vni()).findFirst().ifPresent(mtu -> {
                obj.addProperty("mtu", mtu.mtu());
                obj.addProperty("mtuSource", mtu.source());
                obj.add("narrowTunnels", strings(mtu.narrow()));
            });
            networkArray.add(obj);
        }
        doc.add("networks", networkArray);
        doc.add("edges", edges());
        doc.add("routes", routesJson());
        doc.add("paths", currentPaths());
        final var vmArray = new JsonArray();
        for (var vm : vms) {
            final var obj = new JsonObject();
            obj.addProperty("vni", vm.vni());
            obj.addProperty("mac", vm.mac());
            obj.addProperty("name", vm.name());
            obj.addProperty("cloud", vm.cloud());
            obj.addProperty("port", vm.port());
            obj.add("ips", strings(vm.ips()));
            vmArray.add(obj);
        }
        doc.add("vms", vmArray);
        final var migrationArray = new JsonArray();
        for (var migration : migrations) {
            migrationArray.add(migrationJson(migration));
        }
        doc.add("migrations", migrationArray);
        final var conflictArray = new JsonArray();
        for (var conflict : conflicts) {
            final var obj = new JsonObject();
            obj.addProperty("id", conflict.id());
            obj.addProperty("vni", conflict.vni());
            obj.addProperty("mac", conflict.mac());
            obj.addProperty("reason", conflict.reason());
            obj.addProperty("atCloud", conflict.atCloud());
            obj.addProperty("claimedCloud", conflict.claimedCloud());
            obj.addProperty("seen", conflict.seen().toString());
            conflictArray.add(obj);
        }
        doc.add("conflicts", conflictArray);
        final var counterObject = new JsonObject();
        counters.forEach(counterObject::addProperty);
        doc.add("counters", counterObject);
        return GSON.toJson(doc);
    }

    /**
     * One entry per pair of clouds with a tunnel: its state from both ends and the latency each way.
     */
    private JsonArray edges() {
        final Map<String, JsonObject> byPair = new TreeMap<>();
        for (var tunnel : tunnels) {
            final var edge = edge(byPair, tunnel.cloud(), tunnel.remoteCloud());
            edge.addProperty(side(edge, tunnel.cloud()) + "State", tunnel.state());
            if (tunnel.overlayMtu() > 0) {
                edge.addProperty(side(edge, tunnel.cloud()) + "OverlayMtu", tunnel.overlayMtu());
            }
        }
        for (var link : links) {
            final var edge = edge(byPair, link.cloud(), link.remoteCloud());
            final var side = side(edge, link.cloud());
            link.latencyMicros().ifPresent(micros -> edge.addProperty(side + "LatencyMs", micros / 1000.0));
            edge.addProperty(side + "Reachable", link.reachable());
        }
        final var array = new JsonArray();
        for (var edge : byPair.values()) {
            edge.addProperty("state", edgeState(edge));
            array.add(edge);
        }
        return array;
    }

    private static JsonObject edge(final Map<String, JsonObject> byPair, final String one, final String other) {
        final var a = one.compareTo(other) <= 0 ? one : other;
        final var b = a.equals(one) ? other : one;
        return byPair.computeIfAbsent(a + "\u0000" + b, key -> {
            final var obj = new JsonObject();
            obj.addProperty("a", a);
            obj.addProperty("b", b);
            return obj;
        });
    }

    /** "ab" for the direction a → b (reported by a), "ba" for b → a. */
    private static String side(final JsonObject edge, final String cloud) {
        return edge.get("a").getAsString().equals(cloud) ? "ab" : "ba";
    }

    /**
     * down when either end's tunnel is down or probes stopped getting through either way; up when
     * both ends report up; unknown otherwise (no verdict yet, or one end has no port yet).
     */
    private static String edgeState(final JsonObject edge) {
        for (var side : List.of("ab", "ba")) {
            final var state = edge.get(side + "State");
            final var reachable = edge.get(side + "Reachable");
            if (state != null && "down".equals(state.getAsString())
                || reachable != null && !reachable.getAsBoolean()) {
                return "down";
            }
        }
        final var ab = edge.get("abState");
        final var ba = edge.get("baState");
        return ab != null && ba != null && "up".equals(ab.getAsString()) && "up".equals(ba.getAsString())
            ? "up" : "unknown";
    }

    private JsonArray routesJson() {
        final var array = new JsonArray();
        for (var route : routes) {
            final var obj = new JsonObject();
            obj.addProperty("destination", route.destination());
            obj.addProperty("cloud", route.cloud());
            obj.addProperty("nextHop", route.nextHop());
            obj.addProperty("costMs", route.costMicros() / 1000.0);
            array.add(obj);
        }
        return array;
    }

    /**
     * For every ordered pair of clouds, the clouds traffic from the first to VMs in the second
     * crosses now: what the map marks as carrying the selected network's or VM's traffic.
     */
    private JsonArray currentPaths() {
        final var array = new JsonArray();
        for (var from : clouds) {
            for (var to : clouds) {
                if (!from.id().equals(to.id())) {
                    final var obj = new JsonObject();
                    obj.addProperty("from", from.id());
                    obj.addProperty("to", to.id());
                    obj.add("clouds", strings(Snapshot.path(routes, from.id(), to.id())));
                    array.add(obj);
                }
            }
        }
        return array;
    }

    private JsonObject migrationJson(final Migration migration) {
        final var obj = new JsonObject();
        obj.addProperty("id", migration.id());
        obj.addProperty("vni", migration.vni());
        obj.addProperty("mac", migration.mac());
        obj.addProperty("fromCloud", migration.fromCloud());
        obj.addProperty("toCloud", migration.toCloud());
        obj.addProperty("trigger", migration.trigger());
        obj.addProperty("verification", migration.verification());
        obj.addProperty("signalSeen", migration.signalSeen().toString());
        // each phase as the time since the signal: verified, flows sent, flows confirmed
        migration.verified().ifPresent(at -> obj.addProperty("verifiedMs", sinceSignal(migration, at)));
        migration.flowsSent().ifPresent(at -> obj.addProperty("flowsSentMs", sinceSignal(migration, at)));
        migration.flowsConfirmed().ifPresent(at -> obj.addProperty("reconvergenceMs", sinceSignal(migration, at)));
        // prepared before the signal: negative
        migration.prepared().ifPresent(at -> obj.addProperty("preparedMs", sinceSignal(migration, at)));
        migration.newCloudConfirmed().ifPresent(at -> obj.addProperty("newCloudMs", sinceSignal(migration, at)));
        obj.addProperty("confirmedBy", migration.confirmedBy());
        obj.addProperty("flowsChanged", migration.flowsChanged());
        obj.addProperty("switches", migration.switches());
        obj.add("paths", pathsByMigration.getOrDefault(migration.id(), new JsonArray()));
        return obj;
    }

    private static double sinceSignal(final Migration migration, final Instant at) {
        return Duration.between(migration.signalSeen(), at).toNanos() / 1e6;
    }

    /**
     * For every other cloud of the VM's virtual network, the clouds its traffic to the VM crossed
     * before the move and crosses after, by the routes known now.
     */
    private synchronized JsonArray paths(final Migration migration) {
        final var array = new JsonArray();
        final var allClouds = clouds.stream().map(Cloud::id).toList();
        final var sources = networks.stream().filter(network -> network.vni() == migration.vni()).findFirst()
            .map(Network::clouds).orElse(allClouds);
        for (var source : sources) {
            if (source.equals(migration.toCloud())) {
                continue;
            }
            final var obj = new JsonObject();
            obj.addProperty("cloud", source);
            obj.add("before", strings(Snapshot.path(routes, source, migration.fromCloud())));
            obj.add("after", strings(Snapshot.path(routes, source, migration.toCloud())));
            array.add(obj);
        }
        return array;
    }

    private static JsonArray strings(final Collection<String> values) {
        final var array = new JsonArray();
        values.forEach(array::add);
        return array;
    }
}
