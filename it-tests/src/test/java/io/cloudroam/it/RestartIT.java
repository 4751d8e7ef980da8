/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller restarts on the real lab and distribution: Karaf is stopped and started again on the
 * same data directory while the switches keep running (fail mode secure). The switches' own flow
 * monitors ({@code lab flow-events}) count every flow change they apply, whoever sends it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartIT {
    private static final Logger LOG = LoggerFactory.getLogger(RestartIT.class);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Duration BOOT = Duration.ofMinutes(3);
    private static final Duration RECONNECT = Duration.ofSeconds(90);
    private static final List<String> SWITCHES = List.of("openflow:1", "openflow:2", "openflow:3");
    private static final Pattern CONNECTED = Pattern.compile("is_connected\\s*:\\s*true");
    private static final Pattern SINCE_CONNECT = Pattern.compile("sec_since_connect=\"(\\d+)\"");
    /** How long the switches are watched after the controller is back: several probe rounds. */
    private static final Duration WATCH_AFTER = Duration.ofSeconds(10);
    private static final String VM3 = "02:c0:00:00:00:03";

    private final Restconf restconf = new Restconf(KarafDistribution.RESTCONF_PORT, "admin", "admin");
    private ControllerAndLab session;
    private KarafDistribution karaf;
    private Lab lab;

    @BeforeAll
    void start() throws Exception {
        // the detour through c3 saves 60 ms: on this machine the lab's measured delays moved by up to
        // 20 ms while a restarted controller warmed up (a CI run: c2 -> c3 read 31 ms for seconds), which
        // with c1-c2 at 40 ms re-routed c2 -> c1 for real; a restart must not change routes, noise aside
        session = ControllerAndLab.start("restart-it", restconf, "--clouds", "3", "--vms", "6", "--wan",
            "c1-c2 80ms, c1-c3 10ms, c2-c3 10ms");
        karaf = session.karaf();
        lab = session.lab();
        final var put = restconf.put("/rests/data/cloudroam:cloudroam", lab.run("config"));
        assertTrue(put.status() == 201 || put.status() == 204, put::toString);
        poll("every VM located", () -> {
            for (var pair : List.of(List.of("vm1", "vm3"), List.of("vm5", "vm1"), List.of("vm3", "vm5"),
                    List.of("vm2", "vm4"), List.of("vm6", "vm2"), List.of("vm4", "vm6"))) {
                lab.ping(pair.get(0), pair.get(1), 1);
            }
            return locations().size() == 6;
        });
        poll("c2 routes to c1 through c3", () -> "c3".equals(restconf.nextHop("c2", "c1"))
            && "c3".equals(restconf.nextHop("c1", "c2")));
        // one migration, so that there is a history to keep
        lab.migrate("vm1", "c3");
        poll("vm1's move recorded", () -> migrationIds().size() == 1);
    }

    @AfterAll
    void stop() throws Exception {
        if (session != null) {
            lab.run("flow-events", "stop");
            session.close();
        }
    }

    @Test
    @Order(1)
    void aRestartedControllerSendsNothingToSwitchesThatKeptTheirFlowsAndForwardingNeverStops() throws Exception {
        final var locations = locations();
        final var history = migrationIds();
        quietSwitches();
        lab.run("flow-events", "start");
        final long reconciledBefore = reconciled();
        final var stream = background(() -> lab.run("stream", "vm5", "vm1", "--pps", "100", "--seconds", "45"));
        final int logLinesBefore = logLineCount();
        karaf.close();
        final long down = System.nanoTime();
        // nobody controls the switches: they forward with what they have
        assertEquals(0.0, lab.ping("vm5", "vm1", 3).get("loss_percent").getAsDouble(), "vm5 -> vm1, controller down");
        karaf.start();
        karaf.awaitReady(BOOT, () -> restconf.answers("/rests/operations", "cloudroam:locate-vm"));
        LOG.info("controller down and back in {} ms", (System.nanoTime() - down) / 1_000_000);
        poll("every switch connected and reconciled", () -> reconciled() >= reconciledBefore + 3);
        // the state of before the restart, from the datastore
        assertEquals(locations, locations(), "VM locations after the restart");
        assertEquals(history, migrationIds(), "migration history after the restart");
        assertEquals(6, tunnelCount(), "tunnels after the restart");
        // several probe rounds: a route that flips on the restart would show as flow changes
        final long until = System.nanoTime() + WATCH_AFTER.toNanos();
        while (System.nanoTime() < until) {
            assertEquals(0.0, lab.ping("vm2", "vm4", 1).get("loss_percent").getAsDouble(), "vm2 -> vm4 after restart");
        }
        final var events = lab.run("flow-events", "stop").getAsJsonObject("clouds");
        final var streamed = stream.join();
        LOG.info("controller restart: flow changes per switch {}; stream vm5 -> vm1 at 100 pps: {} sent, {} lost, "
            + "longest gap {} ms", totals(events), streamed.get("sent"), streamed.get("lost"),
            streamed.get("longest_gap_ms"));
        final var changed = events.keySet().stream()
            .filter(cloud -> events.getAsJsonObject(cloud).get("total").getAsInt() != 0).toList();
        final var account = changed.isEmpty() ? "" : String.join("\n", sinceRestart(logLinesBefore));
        assertEquals(List.of(), changed, () -> "switches applied flow changes although nothing changed: " + events
            + "; cloudroam since the restart:\n" + account);
        assertEquals(0, streamed.get("lost").getAsInt(), () -> "traffic lost across the restart: " + streamed);
    }

    @Test
    @Order(2)
    void aMigrationWhileTheControllerIsDownIsSeenWhenItReturns() throws Exception {
        final var before = migrationIds();
        karaf.close();
        lab.migrate("vm3", "c1");
        karaf.start();
        karaf.awaitReady(BOOT, () -> restconf.answers("/rests/operations", "cloudroam:locate-vm"));
        // vm3's own traffic shows it at its new port
        final var moved = poll("vm3's move recorded after the restart", () -> {
            lab.ping("vm3", "vm5", 1);
            final var ids = migrationIds();
            return ids.size() > before.size() ? ids : null;
        });
        final long last = before.stream().mapToLong(Long::longValue).max().orElse(0);
        assertEquals(last + 1, moved.get(moved.size() - 1), "the history goes on where it was");
        final var where = restconf.post("/rests/operations/cloudroam:locate-vm", Restconf.JSON,
            "{\"input\": {\"mac\": \"" + VM3 + "\"}}").json().getAsJsonObject("cloudroam:output");
        assertEquals("c1", where.get("cloud").getAsString(), where::toString);
        assertEquals(0.0, lab.ping("vm5", "vm3", 3).get("loss_percent").getAsDouble(), "vm5 -> vm3 in c1");
    }

    /**
     * The documented way to take cloudroam out and put it back (docs/install.md): uninstall, restart,
     * install, restart. The restarts are needed for OpenDaylight's sake, not cloudroam's: adding or
     * removing a YANG model at run time leaves openflowplugin's forwarding rules manager with stale
     * listeners, and sometimes AAA's encryption service down, and with it every web context,
     * RESTCONF included (seen here 2026-12-07: /rests unregistered from the uninstall until the next
     * install). Across all of it the switches keep forwarding with their flows.
     */
    @Test
    @Order(3)
    void uninstallingCloudroamLeavesOpenFlowAndTheFlowsAndReinstallingChangesNothing() throws Exception {
        final var locations = locations();
        final var history = migrationIds();
        quietSwitches();
        lab.run("flow-events", "start");
        final var uninstall = karaf.oneShot("karaf", "karaf",
            "feature:uninstall odl-cloudroam-ui odl-cloudroam-rest odl-cloudroam");
        assertEquals(0, uninstall.exit(), uninstall::toString);
        assertEquals(List.of(), installedCloudroamFeatures(), "cloudroam's features after the uninstall");
        // OpenFlow stays, forwarding goes on
        assertTrue(KarafDistribution.isListening(6653), "OpenFlow went with cloudroam");
        assertEquals(0.0, lab.ping("vm2", "vm4", 3).get("loss_percent").getAsDouble(), "vm2 -> vm4 without cloudroam");
        LOG.info("right after the uninstall, GET /rests/operations answers {}",
            restconf.get("/rests/operations").status());
        restart("none");
        assertEquals(List.of(), installedCloudroamFeatures(), "cloudroam's features after the restart");
        // OpenDaylight without cloudroam: RESTCONF serves, without cloudroam's RPCs
        final var operations = restconf.get("/rests/operations");
        assertEquals(200, operations.status(), operations::toString);
        assertFalse(operations.body().contains("cloudroam:"), operations::body);
        switchesConnected("every switch connected to OpenDaylight without cloudroam");
        assertEquals(0.0, lab.ping("vm2", "vm4", 3).get("loss_percent").getAsDouble(), "vm2 -> vm4 without cloudroam");
        final var install = karaf.oneShot("karaf", "karaf", "feature:install odl-cloudroam-ui");
        assertEquals(0, install.exit(), install::toString);
        restart("cloudroam:locate-vm");
        assertEquals(List.of("odl-cloudroam", "odl-cloudroam-rest", "odl-cloudroam-ui"), installedCloudroamFeatures(),
            "cloudroam's features after the install");
        assertEquals(locations, poll("VM locations back", () -> {
            final var now = locations();
            return now.size() == locations.size() ? now : null;
        }), "VM locations after the reinstall");
        assertEquals(history, migrationIds(), "migration history after the reinstall");
        switchesConnected("every switch connected to OpenDaylight with cloudroam again");
        // several probe rounds: a flow rewritten on the way back would show here
        final long until = System.nanoTime() + WATCH_AFTER.toNanos();
        while (System.nanoTime() < until) {
            assertEquals(0.0, lab.ping("vm2", "vm4", 1).get("loss_percent").getAsDouble(), "vm2 -> vm4, reinstalled");
        }
        final var events = lab.run("flow-events", "stop").getAsJsonObject("clouds");
        LOG.info("cloudroam uninstalled and installed again: flow changes per switch {}", totals(events));
        for (var cloud : events.keySet()) {
            assertEquals(0, events.getAsJsonObject(cloud).get("total").getAsInt(),
                () -> cloud + " applied flow changes across the reinstall: " + events.get(cloud));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Stops Karaf and starts it again, until RESTCONF serves {@code rpc} ("none": any answer). */
    private void restart(final String rpc) throws Exception {
        karaf.close();
        karaf.start();
        karaf.awaitReady(BOOT, rpc, () -> true);
    }

    /** cloudroam's features Karaf lists as installed, by name. */
    private List<String> installedCloudroamFeatures() throws Exception {
        final var listed = karaf.oneShot("karaf", "karaf", "feature:list -i");
        assertEquals(0, listed.exit(), listed::toString);
        return listed.output().lines().map(line -> line.split("\\|")[0].strip())
            .filter(name -> name.startsWith("odl-cloudroam")).sorted().toList();
    }

    /**
     * Waits until every switch says it is connected, and has been for a few seconds: the switches'
     * own account (Open vSwitch's controller status), not OpenDaylight's inventory, which is
     * openflowplugin's view of them. What the inventory lists is logged beside it.
     */
    private void switchesConnected(final String what) throws Exception {
        final var account = new StringBuilder();
        // Open vSwitch retries a lost controller with a backoff of up to 8 s
        ControllerAndLab.poll(what, RECONNECT, () -> {
            account.setLength(0);
            boolean steady = true;
            for (var cloud : List.of("c1", "c2", "c3")) {
                final var controller = lab.switchTool("vsctl", cloud, "--columns=is_connected,status", "list",
                    "controller").strip();
                account.append('\n').append(cloud).append(": ").append(controller);
                final var since = SINCE_CONNECT.matcher(controller);
                steady &= CONNECTED.matcher(controller).find() && controller.contains("state=ACTIVE")
                    && since.find() && Integer.parseInt(since.group(1)) >= 2;
            }
            return steady;
        }, () -> "the switches' own account:" + account);
        final var nodes = restconf.get("/rests/data/opendaylight-inventory:nodes?content=nonconfig");
        LOG.info("{}; OpenDaylight's inventory answers {} listing {}", what, nodes.status(),
            SWITCHES.stream().filter(nodes.body()::contains).toList());
    }

    /** Waits for a few seconds in which no switch applied a flow change (the routes have settled). */
    private void quietSwitches() throws Exception {
        poll("three seconds without flow changes", () -> {
            lab.run("flow-events", "start");
            final long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                lab.ping("vm5", "vm1", 1);
            }
            final var events = lab.run("flow-events", "stop").getAsJsonObject("clouds");
            return events.keySet().stream().allMatch(cloud -> events.getAsJsonObject(cloud).get("total").getAsInt()
                == 0);
        });
    }

    private int logLineCount() throws IOException {
        try (var lines = Files.lines(karaf.karafLog())) {
            return (int) lines.count();
        }
    }

    /**
     * What cloudroam itself logged about routes, tunnels, views and flows after a line of the Karaf
     * log: the account of a restart that changed flows.
     */
    private List<String> sinceRestart(final int skip) throws IOException {
        try (var lines = Files.lines(karaf.karafLog())) {
            return lines.skip(skip).filter(line -> line.contains("io.cloudroam.impl") && !line.contains("Bundle"))
                .filter(line -> List.of("Routing", "LatencyMonitor", "FrmFlowProgrammer", "SwitchReconciler",
                    "FabricCore", "Overlay", "OvsdbSession", "Mobility", "FlowSync", "WARN", "ERROR").stream()
                    .anyMatch(line::contains))
                .limit(200).toList();
        }
    }

    /** How many switch connections cloudroam reconciled, as its log says. */
    private long reconciled() throws IOException {
        return karaf.logLines("SwitchReconciler").stream().filter(line -> line.contains(" connected ")).count();
    }

    private static Map<String, Integer> totals(final JsonObject events) {
        final var result = new TreeMap<String, Integer>();
        events.keySet().forEach(cloud -> result.put(cloud, events.getAsJsonObject(cloud).get("total").getAsInt()));
        return result;
    }

    /** MAC to "cloud:port" of every located VM. */
    private Map<String, String> locations() throws Exception {
        final var result = new TreeMap<String, String>();
        final var response = restconf.get("/rests/data/cloudroam:vm-locations");
        if (response.status() == 200) {
            response.json().getAsJsonObject("cloudroam:vm-locations").getAsJsonArray("vm-location")
                .forEach(entry -> result.put(entry.getAsJsonObject().get("mac").getAsString(),
                    entry.getAsJsonObject().get("cloud").getAsString() + ":"
                        + entry.getAsJsonObject().get("port").getAsString()));
        }
        return result;
    }

    private List<Long> migrationIds() throws Exception {
        final var result = new ArrayList<Long>();
        final var response = restconf.get("/rests/data/cloudroam:migrations");
        if (response.status() == 200) {
            response.json().getAsJsonObject("cloudroam:migrations").getAsJsonArray("migration")
                .forEach(entry -> result.add(entry.getAsJsonObject().get("id").getAsLong()));
        }
        result.sort(Long::compare);
        return result;
    }

    private int tunnelCount() throws Exception {
        final var response = restconf.get("/rests/data/cloudroam:tunnels");
        return response.status() != 200 ? 0
            : response.json().getAsJsonObject("cloudroam:tunnels").getAsJsonArray("tunnel").size();
    }

    /** A lab command. */
    @FunctionalInterface
    private interface LabCall {
        JsonObject run() throws IOException, InterruptedException;
    }

    private static CompletableFuture<JsonObject> background(final LabCall task) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return task.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static <T> T poll(final String what, final Callable<T> probe) throws Exception {
        return ControllerAndLab.poll(what, CONVERGE, probe);
    }
}
