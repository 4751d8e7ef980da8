/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
 * The core overlay end to end: the real distribution, the real lab (3 clouds, VNIs 100 and 200,
 * VMs in every cloud), cloudroam configured over RESTCONF and doing everything else itself —
 * tunnels over OVSDB, flows through the OpenFlow plugin, locations from packet-ins, ARP answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverlayIT {
    private static final Logger LOG = LoggerFactory.getLogger(OverlayIT.class);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    /** VNI 100: vm1 (c1), vm3 (c3), vm5 (c2); VNI 200: vm2 (c2), vm4 (c1), vm6 (c3). */
    private static final Map<Integer, List<String>> BY_VNI = Map.of(100, List.of("vm1", "vm3", "vm5"),
        200, List.of("vm2", "vm4", "vm6"));
    private static final String LOCATIONS = "/rests/data/cloudroam:vm-locations";

    private final Restconf restconf = new Restconf(KarafDistribution.RESTCONF_PORT, "admin", "admin");
    private ControllerAndLab session;
    private KarafDistribution karaf;
    private Lab lab;
    private JsonObject labConfig;
    private Thread visibility;
    /** When each VM's MAC first showed in vm-locations, as seen by polling every few milliseconds. */
    private final Map<String, Instant> visibleAt = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    void start() throws Exception {
        session = ControllerAndLab.start("overlay-it", restconf, "--clouds", "3", "--vms", "6", "--wan",
            "all 5ms");
        karaf = session.karaf();
        lab = session.lab();
        labConfig = lab.run("config");
    }

    @AfterAll
    void stop() throws Exception {
        if (session != null) {
            session.close();
        }
    }

    @Test
    @Order(1)
    void cloudroamCreatesTheTunnelsNotTheLab() throws Exception {
        for (var cloud : List.of("c1", "c2", "c3")) {
            assertEquals(Set.of(), tunnelPorts(cloud), "the lab itself made tunnels in " + cloud);
        }
        visibility = Thread.ofPlatform().name("vm-locations-poller").start(this::watchLocations);
        final var put = restconf.put("/rests/data/cloudroam:cloudroam", labConfig);
        assertTrue(put.status() == 201 || put.status() == 204, put::toString);
        poll("a tunnel to each other cloud on every switch", () -> tunnelPorts("c1").equals(Set.of("crv-c2", "crv-c3"))
            && tunnelPorts("c2").equals(Set.of("crv-c1", "crv-c3"))
            && tunnelPorts("c3").equals(Set.of("crv-c1", "crv-c2")));
        poll("six tunnels with port numbers in the operational datastore", () -> {
            final var tunnels = restconf.get("/rests/data/cloudroam:tunnels");
            return tunnels.status() == 200 && tunnels.json().getAsJsonObject("cloudroam:tunnels")
                .getAsJsonArray("tunnel").asList().stream().filter(t -> t.getAsJsonObject().has("ofport")).count() == 6;
        });
    }

    @Test
    @Order(2)
    void everyVmIsLocatedWithinOneSecondOfItsFirstPacket() throws Exception {
        // the lab's VMs are quiet (IPv4 only): a ping within each VNI makes every one of them send
        lab.ping("vm6", "vm2", 1);
        lab.ping("vm4", "vm2", 1);
        lab.ping("vm1", "vm3", 1);
        lab.ping("vm5", "vm3", 1);
        visibility.join(Duration.ofSeconds(60));
        assertEquals(6, visibleAt.size(), "seen: " + visibleAt.keySet());
        for (var entry : visibleAt.entrySet()) {
            final var vm = "vm" + Integer.parseInt(entry.getKey().substring(entry.getKey().length() - 2), 16);
            final var location = location(vm);
            final var expected = labVm(vm);
            assertEquals(expected.get("cloud").getAsString(), location.get("cloud").getAsString(), vm);
            final var cloud = expected.get("cloud").getAsString();
            assertEquals(Long.parseLong(cloud.substring(1)), location.get("switch").getAsLong(), vm);
            assertEquals(ofport(cloud, expected.get("port").getAsString()), location.get("port").getAsLong(), vm);
            final var latency = Duration.between(Instant.parse(location.get("first-seen").getAsString()),
                entry.getValue());
            LOG.info("{}: first packet-in to visible in vm-locations: {} ms", vm, latency.toMillis());
            assertTrue(latency.compareTo(Duration.ofSeconds(1)) <= 0, vm + " visible after " + latency);
        }
    }

    @Test
    @Order(3)
    void everyPairInAVniPingsAcrossCloudsAndNothingCrossesVnis() throws Exception {
        // sniffers on VNI 200's VMs while VNI 100 talks (flooded ARP included)
        final var sniffers = new ArrayList<java.util.concurrent.CompletableFuture<JsonObject>>();
        for (var vm : BY_VNI.get(200)) {
            sniffers.add(lab.capture(vm, 6));
        }
        pingAll(BY_VNI.get(100));
        for (int i = 0; i < sniffers.size(); i++) {
            final var seen = sniffers.get(i).join().getAsJsonObject("sources").keySet();
            final var leaked = seen.stream().filter(this::isVni100Mac).toList();
            assertEquals(List.of(), leaked, BY_VNI.get(200).get(i) + " saw frames of VNI 100");
        }
        pingAll(BY_VNI.get(200));
        for (var a : BY_VNI.get(100)) {
            for (var b : BY_VNI.get(200)) {
                assertEquals(100.0, lab.ping(a, b, 2).get("loss_percent").getAsDouble(), a + " reached " + b);
            }
        }
    }

    @Test
    @Order(4)
    void arpForAKnownVmIsAnsweredLocallyAndNeverCrossesTheWan() throws Exception {
        // positive control: an address nobody has is flooded within the VNI, so across the WAN
        var wan = lab.capture("wan", 3);
        lab.run("exec", "vm1", "ping", "-c", "1", "-W", "1", "10.0.99.99");
        assertTrue(wan.join().get("arp_broadcasts").getAsInt() > 0,
            "an ARP for an unknown address did not reach the other clouds: the capture is blind");
        // vm1 forgets vm3's MAC and asks again: the controller answers on c1
        lab.run("exec", "vm1", "ip", "neigh", "flush", "dev", "eth0");
        wan = lab.capture("wan", 3);
        assertEquals(0.0, lab.ping("vm1", "vm3", 2).get("loss_percent").getAsDouble());
        assertEquals(0, wan.join().get("arp_broadcasts").getAsInt(), "ARP broadcast crossed the WAN");
    }

    @Test
    @Order(5)
    void theShellShowsCloudsVmsTunnelsAndFlows() throws Exception {
        final var clouds = karaf.console("cloudroam:clouds");
        for (var cloud : List.of("c1", "c2", "c3")) {
            assertTrue(clouds.lines().anyMatch(line -> line.contains(cloud) && line.contains("connected")), clouds);
        }
        final var vms = karaf.console("cloudroam:vms --vni 200");
        assertTrue(vms.contains("02:c0:00:00:00:06") && vms.contains("10.0.0.6"), vms);
        assertTrue(!vms.contains("02:c0:00:00:00:01"), "VNI 100's vm1 listed under --vni 200:\n" + vms);
        final var tunnels = karaf.console("cloudroam:tunnels");
        assertEquals(6, tunnels.lines().filter(line -> line.contains("crv-c")).count(), tunnels);
        final var networks = karaf.console("cloudroam:networks");
        for (var vni : List.of("100", "200")) {
            assertTrue(networks.lines().anyMatch(line -> line.contains(vni) && line.contains("1450")
                && line.contains("configured") && line.contains("c1,c2,c3")), networks);
        }
        // the shell lists exactly the flows c2's switch holds, in ovs-ofctl's own words
        final var listed = karaf.console("cloudroam:flows openflow:2").lines()
            .map(line -> line.split("\\s*\\|\\s*"))
            .filter(cells -> cells.length == 5 && cells[0].strip().matches("\\d+"))
            .map(cells -> (cells[0].strip().equals("0") ? "" : "table=" + cells[0].strip() + ", ") + "priority="
                + cells[1].strip() + (cells[3].strip().equals("*") ? "" : "," + cells[3].strip()) + " actions="
                + cells[4].strip())
            .collect(Collectors.toCollection(TreeSet::new));
        final var onSwitch = flows("c2").stream().map(line -> line.substring(line.indexOf(", ") + 2))
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(onSwitch, listed);
        assertTrue(karaf.console("cloudroam:flows nonsense").contains("not a datapath id"));
    }

    @Test
    @Order(6)
    void aRestartedSwitchGetsExactlyItsFlowsBack() throws Exception {
        final var before = flows("c2");
        assertTrue(before.size() > 10, "c2 has only " + before.size() + " flows");
        lab.run("restart-switch", "c2");
        poll("c2's flows restored exactly", () -> flows("c2").equals(before));
        // and they are what cloudroam wants there: as many as it keeps in the configuration datastore
        final var desired = restconf.get("/rests/data/opendaylight-inventory:nodes/node=openflow%3A2?content=config");
        assertEquals(200, desired.status(), desired::toString);
        final long wanted = desired.json().getAsJsonArray("opendaylight-inventory:node").get(0).getAsJsonObject()
            .getAsJsonArray("flow-node-inventory:table").asList().stream()
            .mapToLong(table -> table.getAsJsonObject().has("flow")
                ? table.getAsJsonObject().getAsJsonArray("flow").size() : 0).sum();
        assertEquals(wanted, before.size(), "the switch holds flows cloudroam does not want, or lacks some");
        assertEquals(0.0, lab.ping("vm1", "vm5", 3).get("loss_percent").getAsDouble(), "no traffic after restart");
        LOG.info("flows per switch: c1 {}, c2 {}, c3 {}", flows("c1").size(), before.size(), flows("c3").size());
    }

    @Test
    @Order(7)
    void removingACloudRemovesItsTunnels() throws Exception {
        final var config = labConfig.deepCopy();
        final var body = config.getAsJsonObject("cloudroam:cloudroam");
        body.getAsJsonArray("cloud").asList().removeIf(c -> "c3".equals(c.getAsJsonObject().get("id").getAsString()));
        body.getAsJsonArray("virtual-network").forEach(vn -> vn.getAsJsonObject().getAsJsonArray("cloud")
            .asList().removeIf(c -> "c3".equals(c.getAsString())));
        body.getAsJsonArray("port-binding").asList()
            .removeIf(b -> "c3".equals(b.getAsJsonObject().get("cloud").getAsString()));
        final var put = restconf.put("/rests/data/cloudroam:cloudroam", config);
        assertEquals(204, put.status(), put::toString);
        poll("tunnels to and from c3 removed", () -> tunnelPorts("c1").equals(Set.of("crv-c2"))
            && tunnelPorts("c2").equals(Set.of("crv-c1")) && tunnelPorts("c3").isEmpty());
        assertEquals(0.0, lab.ping("vm1", "vm5", 2).get("loss_percent").getAsDouble(), "c1-c2 broke");
    }

    // ------------------------------------------------------------------ helpers

    private void watchLocations() {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && visibleAt.size() < 6) {
            try {
                final var response = restconf.get(LOCATIONS);
                final var now = Instant.now();
                if (response.status() == 200) {
                    response.json().getAsJsonObject("cloudroam:vm-locations").getAsJsonArray("vm-location")
                        .forEach(entry -> visibleAt.putIfAbsent(entry.getAsJsonObject().get("mac").getAsString(), now));
                }
            } catch (java.io.IOException e) {
                LOG.warn("polling vm-locations failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private JsonObject labVm(final String vm) throws Exception {
        for (var entry : lab.status().getAsJsonArray("vms")) {
            if (vm.equals(entry.getAsJsonObject().get("name").getAsString())) {
                return entry.getAsJsonObject();
            }
        }
        throw new IllegalArgumentException(vm);
    }

    private void pingAll(final List<String> vms) throws Exception {
        for (int i = 0; i < vms.size(); i++) {
            for (int j = i + 1; j < vms.size(); j++) {
                final var ping = lab.ping(vms.get(i), vms.get(j), 3);
                assertEquals(0.0, ping.get("loss_percent").getAsDouble(), vms.get(i) + " -> " + vms.get(j) + ": "
                    + ping);
            }
        }
    }

    private boolean isVni100Mac(final String mac) {
        return Set.of("02:c0:00:00:00:01", "02:c0:00:00:00:03", "02:c0:00:00:00:05").contains(mac);
    }

    private Set<String> tunnelPorts(final String cloud) throws Exception {
        return Arrays.stream(lab.switchTool("vsctl", cloud, "list-ports", "br-int").split("\n"))
            .filter(port -> port.startsWith("crv-")).collect(Collectors.toCollection(TreeSet::new));
    }

    private long ofport(final String cloud, final String port) throws Exception {
        return Long.parseLong(lab.switchTool("vsctl", cloud, "get", "interface", port, "ofport").strip());
    }

    /** The switch's flows without counters, sorted; durations and packet counts stripped. */
    private Set<String> flows(final String cloud) throws Exception {
        return Arrays.stream(lab.switchTool("ofctl", cloud, "dump-flows", "br-int", "--no-stats").split("\n"))
            .map(String::strip).filter(line -> line.startsWith("cookie="))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    private JsonObject location(final String vm) throws Exception {
        return restconf.entryWith(LOCATIONS, "vm-location", "mac", "02:c0:00:00:00:0" + vm.substring(2));
    }

    private static void poll(final String what, final Callable<Boolean> condition) throws Exception {
        ControllerAndLab.poll(what, CONVERGE, condition);
    }
}
