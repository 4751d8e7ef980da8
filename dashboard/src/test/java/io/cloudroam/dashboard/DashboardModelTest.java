/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cloudroam.dashboard.Snapshot.Cloud;
import io.cloudroam.dashboard.Snapshot.Link;
import io.cloudroam.dashboard.Snapshot.Migration;
import io.cloudroam.dashboard.Snapshot.Network;
import io.cloudroam.dashboard.Snapshot.NetworkMtu;
import io.cloudroam.dashboard.Snapshot.Route;
import io.cloudroam.dashboard.Snapshot.Tunnel;
import io.cloudroam.dashboard.Snapshot.Vm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class DashboardModelTest {
    private static final Instant T0 = Instant.parse("2026-11-28T06:00:00Z");
    private static final String MAC = "02:00:00:00:01:01";

    /** c2 reaches c1 through c3 (10 + 10 beats 40), c3 and c1 reach each other directly. */
    private static final List<Route> VIA_C3 = List.of(
        new Route("c1", "c2", "c3", 22_000), new Route("c1", "c3", "c1", 11_000),
        new Route("c3", "c1", "c3", 11_000), new Route("c3", "c2", "c3", 11_000),
        new Route("c2", "c1", "c3", 22_000), new Route("c2", "c3", "c2", 11_000));

    private final DashboardModel model = new DashboardModel(() -> T0);

    private JsonObject doc() {
        return JsonParser.parseString(model.toJson()).getAsJsonObject();
    }

    private static List<String> strings(final JsonArray array) {
        return StreamSupport.stream(array.spliterator(), false).map(e -> e.getAsString()).toList();
    }

    private void threeClouds() {
        model.config(List.of(new Cloud("c1", "", "10.0.0.1", List.of("1")), new Cloud("c2", "", "10.0.0.2", List.of()),
            new Cloud("c3", "", "10.0.0.3", List.of())), List.of(new Network(100, "blue", "optimal",
                List.of("c1", "c2", "c3"))));
    }

    private static Migration move(final long id, final String from, final String to) {
        return new Migration(id, 100, MAC, from, to, "rarp", "old-port-gone", T0,
            Optional.of(T0.plusNanos(2_500_000)), Optional.of(T0.plusNanos(3_000_000)),
            Optional.of(T0.plusNanos(12_345_000)), "datastore-commit", 6, 3, Optional.of(T0.minusSeconds(2)),
            Optional.of(T0.plusNanos(8_000_000)));
    }

    @Test
    void pathFollowsNextHopsAndFallsBackToTheDirectTunnel() {
        assertEquals(List.of("c2", "c3", "c1"), Snapshot.path(VIA_C3, "c2", "c1"));
        assertEquals(List.of("c3", "c1"), Snapshot.path(VIA_C3, "c3", "c1"));
        assertEquals(List.of("c1"), Snapshot.path(VIA_C3, "c1", "c1"));
        assertEquals(List.of("c2", "c1"), Snapshot.path(List.of(), "c2", "c1"));
        // a loop (routes caught mid-update) is shown as the direct tunnel, not followed forever
        assertEquals(List.of("c2", "c1"), Snapshot.path(List.of(new Route("c1", "c2", "c3", 1),
            new Route("c1", "c3", "c2", 1)), "c2", "c1"));
    }

    @Test
    void everyPairOfCloudsHasItsCurrentPathWhichFollowsTheRoutes() {
        threeClouds();
        assertEquals(List.of("c2", "c1"), pathOf(doc(), "c2", "c1"), "no routes yet: the direct tunnel");
        model.routing(List.of(), VIA_C3);
        final var doc = doc();
        assertEquals(6, doc.getAsJsonArray("paths").size(), "one per ordered pair of clouds");
        assertEquals(List.of("c2", "c3", "c1"), pathOf(doc, "c2", "c1"));
        assertEquals(List.of("c1", "c3", "c2"), pathOf(doc, "c1", "c2"));
        assertEquals(List.of("c3", "c1"), pathOf(doc, "c3", "c1"));
        // a new route shows in the next document; a destination without routes, the direct tunnel
        model.routing(List.of(), List.of(new Route("c1", "c2", "c1", 5_000)));
        assertEquals(List.of("c2", "c1"), pathOf(doc(), "c2", "c1"));
        assertEquals(List.of("c1", "c2"), pathOf(doc(), "c1", "c2"));
    }

    private static List<String> pathOf(final JsonObject doc, final String from, final String to) {
        for (var element : doc.getAsJsonArray("paths")) {
            final var path = element.getAsJsonObject();
            if (path.get("from").getAsString().equals(from) && path.get("to").getAsString().equals(to)) {
                return strings(path.getAsJsonArray("clouds"));
            }
        }
        return List.of();
    }

    @Test
    void migrationCarriesReconvergenceAndThePathsBeforeAndAfter() {
        threeClouds();
        model.routing(List.of(), VIA_C3);
        model.migrations(List.of(move(1, "c1", "c3")));
        final var migration = doc().getAsJsonArray("migrations").get(0).getAsJsonObject();
        assertEquals(12.345, migration.get("reconvergenceMs").getAsDouble(), 1e-9);
        assertEquals(-2000.0, migration.get("preparedMs").getAsDouble(), 1e-9, "prepared before the signal");
        assertEquals(8.0, migration.get("newCloudMs").getAsDouble(), 1e-9);
        assertEquals(2.5, migration.get("verifiedMs").getAsDouble(), 1e-9, "each phase, since the signal");
        assertEquals(3.0, migration.get("flowsSentMs").getAsDouble(), 1e-9);
        final var paths = migration.getAsJsonArray("paths");
        // every cloud of the VNI but the destination: c1 (it was local there) and c2
        assertEquals(2, paths.size());
        final var fromC2 = paths.get(1).getAsJsonObject();
        assertEquals("c2", fromC2.get("cloud").getAsString());
        assertEquals(List.of("c2", "c3", "c1"), strings(fromC2.getAsJsonArray("before")));
        assertEquals(List.of("c2", "c3"), strings(fromC2.getAsJsonArray("after")));
        assertEquals(List.of("c1"), strings(paths.get(0).getAsJsonObject().getAsJsonArray("before")));
    }

    @Test
    void pathsAreFixedWhenTheMigrationIsFirstSeen() {
        threeClouds();
        model.routing(List.of(), VIA_C3);
        model.migrations(List.of(move(1, "c1", "c3")));
        // the WAN changes afterwards: c2 now reaches c3 through c1
        model.routing(List.of(), List.of(new Route("c3", "c2", "c1", 30_000), new Route("c1", "c2", "c1", 20_000)));
        model.migrations(List.of(move(1, "c1", "c3"), move(2, "c3", "c1")));
        final var migrations = doc().getAsJsonArray("migrations");
        final var first = migrations.get(0).getAsJsonObject().getAsJsonArray("paths").get(1).getAsJsonObject();
        assertEquals(List.of("c2", "c3"), strings(first.getAsJsonArray("after")));
        // the second (c3 -> c1) uses the routes of its own time; its sources are c2 and c3
        final var second = migrations.get(1).getAsJsonObject().getAsJsonArray("paths").get(0).getAsJsonObject();
        assertEquals("c2", second.get("cloud").getAsString());
        assertEquals(List.of("c2", "c1", "c3"), strings(second.getAsJsonArray("before")));
    }

    @Test
    void historyKeepsTheNewestMigrations() {
        threeClouds();
        final var many = new ArrayList<Migration>();
        for (long id = DashboardModel.HISTORY + 10; id >= 1; id--) {
            many.add(move(id, "c1", "c2"));
        }
        model.migrations(many);
        final var migrations = doc().getAsJsonArray("migrations");
        assertEquals(DashboardModel.HISTORY, migrations.size());
        assertEquals(11, migrations.get(0).getAsJsonObject().get("id").getAsLong());
        assertEquals(DashboardModel.HISTORY + 10,
            migrations.get(migrations.size() - 1).getAsJsonObject().get("id").getAsLong());
    }

    @Test
    void edgeJoinsBothEndsStateAndLatencies() {
        threeClouds();
        model.tunnels(List.of(new Tunnel("c1", "c2", "crt-c2", "up"), new Tunnel("c2", "c1", "crt-c1", "up"),
            new Tunnel("c1", "c3", "crt-c3", "up"), new Tunnel("c3", "c1", "crt-c1", "unknown"),
            new Tunnel("c2", "c3", "crt-c3", "up"), new Tunnel("c3", "c2", "crt-c2", "up")));
        model.routing(List.of(new Link("c2", "c1", Optional.of(40_100L), true),
            new Link("c1", "c2", Optional.of(39_900L), true), new Link("c2", "c3", Optional.empty(), false)),
            List.of());
        final var edges = doc().getAsJsonArray("edges");
        assertEquals(3, edges.size());
        final var c1c2 = edges.get(0).getAsJsonObject();
        assertEquals("c1", c1c2.get("a").getAsString());
        assertEquals(39.9, c1c2.get("abLatencyMs").getAsDouble(), 1e-9);
        assertEquals(40.1, c1c2.get("baLatencyMs").getAsDouble(), 1e-9);
        assertEquals("up", c1c2.get("state").getAsString());
        // one end has no BFD verdict yet
        assertEquals("unknown", edges.get(1).getAsJsonObject().get("state").getAsString());
        // both ends up, but probes stopped getting through one way
        assertEquals("down", edges.get(2).getAsJsonObject().get("state").getAsString());
    }

    @Test
    void networksShowTheirMtuAndTunnelsWhatTheyCarry() {
        threeClouds();
        model.tunnels(List.of(new Tunnel("c1", "c2", "crt-c2", "up", 1350), new Tunnel("c2", "c1", "crt-c1", "up")));
        model.networkMtus(List.of(new NetworkMtu(100, 1450, "configured", List.of("c1→c2 1350"))));
        final var doc = doc();
        final var network = doc.getAsJsonArray("networks").get(0).getAsJsonObject();
        assertEquals(1450, network.get("mtu").getAsInt());
        assertEquals("configured", network.get("mtuSource").getAsString());
        assertEquals("c1→c2 1350", network.getAsJsonArray("narrowTunnels").get(0).getAsString());
        final var edge = doc.getAsJsonArray("edges").get(0).getAsJsonObject();
        assertEquals(1350, edge.get("abOverlayMtu").getAsInt());
        assertFalse(edge.has("baOverlayMtu"), "not measured: not shown");
    }

    @Test
    void cloudsAndNetworksCountTheirVms() {
        threeClouds();
        model.vms(List.of(new Vm(100, MAC, "web-1", "c3", 2, List.of("10.1.0.1")),
            new Vm(100, "02:00:00:00:01:02", "", "c1", 3, List.of())));
        final var doc = doc();
        assertEquals(List.of(1L, 0L, 1L), StreamSupport.stream(doc.getAsJsonArray("clouds").spliterator(), false)
            .map(c -> c.getAsJsonObject().get("vms").getAsLong()).toList());
        assertEquals(2, doc.getAsJsonArray("networks").get(0).getAsJsonObject().get("vms").getAsLong());
        assertEquals("c3", doc.getAsJsonArray("vms").get(0).getAsJsonObject().get("cloud").getAsString());
        assertEquals("web-1", doc.getAsJsonArray("vms").get(0).getAsJsonObject().get("name").getAsString());
        assertEquals("", doc.getAsJsonArray("vms").get(1).getAsJsonObject().get("name").getAsString(), "unknown");
    }

    @Test
    void countersKeepTheirOrder() {
        final var counts = new LinkedHashMap<String, Long>();
        counts.put("packet-ins", 12L);
        counts.put("moves-applied", 1L);
        model.counters(counts);
        final var json = doc().getAsJsonObject("counters");
        assertEquals(List.of("packet-ins", "moves-applied"), List.copyOf(json.keySet()));
        assertEquals(12, json.get("packet-ins").getAsLong());
    }

    @Test
    void versionChangesWithEverySection() {
        final var before = model.version();
        threeClouds();
        model.vms(List.of());
        assertFalse(model.version() == before);
        assertEquals(before + 2, model.version());
    }
}
