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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * What docs/install.md tells an operator to do, on an OpenDaylight that does not have cloudroam
 * ({@link BareOpenDaylight}: OpenFlow and RESTCONF of the same release, cloudroam's artifacts only in
 * a Maven repository of their own): add the repository to Karaf's Maven resolver, {@code
 * feature:repo-add}, {@code feature:install odl-cloudroam-ui}, all through the one-shot console, then
 * configure it over RESTCONF and migrate a VM on the lab.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallIT {
    private static final Logger LOG = LoggerFactory.getLogger(InstallIT.class);
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(3);
    private static final String LOCATE_VM = "cloudroam:locate-vm";

    private final Restconf restconf = new Restconf(KarafDistribution.RESTCONF_PORT, "admin", "admin");
    private KarafDistribution karaf;
    private Path repository;
    private String version;
    private Lab lab;

    @BeforeAll
    void start() throws Exception {
        karaf = KarafDistribution.unpackFromBuild("install-it");
        repository = karaf.home().getParent().resolveSibling("install-it-repository");
        KarafDistribution.deleteTree(repository);
        version = BareOpenDaylight.strip(karaf.home(), repository);
        karaf.start();
        // the supervisor waited for RESTCONF and OpenFlow; OpenDaylight's own RPCs show it serves operations
        karaf.awaitReady(BOOT_TIMEOUT, "none", () -> restconf.answers("/rests/operations", "ietf-netconf:"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (lab != null) {
                lab.close();
            }
        } finally {
            if (karaf != null) {
                karaf.close();
            }
        }
    }

    @Test
    @Order(1)
    void theControllerRunsOpenFlowAndRestconfWithoutCloudroam() throws Exception {
        assertTrue(KarafDistribution.isListening(KarafDistribution.OPENFLOW_PORT), "OpenFlow listens");
        assertFalse(restconf.answers("/rests/operations", LOCATE_VM), "RESTCONF serves no cloudroam RPC");
        assertFalse(Files.exists(karaf.home().resolve("system/io/cloudroam")), "no cloudroam artifact in system/");
        final var installed = karaf.oneShot("karaf", "karaf", "feature:list -i --no-format");
        assertEquals(0, installed.exit(), installed::toString);
        assertTrue(installed.output().contains("odl-openflowplugin-flow-services")
            && installed.output().contains("odl-restconf-nb"), installed::toString);
        assertFalse(installed.output().contains("odl-cloudroam"), installed::toString);

        // asked for before its repository is known: refused by name, nothing installed
        final var unknown = karaf.oneShot("karaf", "karaf", "feature:install odl-cloudroam-ui");
        assertNotEquals(0, unknown.exit(), unknown::toString);
        assertTrue(unknown.output().contains("No matching features for odl-cloudroam-ui"), unknown::toString);
        // its repository asked for before Karaf can reach the Maven repository that has it
        final var unreachable = karaf.oneShot("karaf", "karaf", "feature:repo-add " + featuresUrl());
        assertNotEquals(0, unreachable.exit(), unreachable::toString);
        assertTrue(unreachable.output().contains("Error resolving artifact io.cloudroam:features-cloudroam"),
            unreachable::toString);
        final var after = karaf.oneShot("karaf", "karaf", "feature:list -i --no-format");
        assertEquals(installed.output(), after.output(), "a refused install changed the installed features");
        final var repos = karaf.oneShot("karaf", "karaf", "feature:repo-list --no-format");
        assertFalse(repos.output().contains("features-cloudroam"), repos::toString);
    }

    @Test
    @Order(2)
    void anOperatorAddsCloudroamFromAMavenRepositoryAndRestartsTheController() throws Exception {
        // docs/install.md, step 2: Karaf's Maven resolver learns the repository
        run("config:property-append -p org.ops4j.pax.url.mvn org.ops4j.pax.url.mvn.repositories \", file:"
            + repository + "@id=cloudroam@snapshots\"");
        // steps 3 and 4
        run("feature:repo-add " + featuresUrl());
        final long started = System.nanoTime();
        run("feature:install odl-cloudroam-ui");
        LOG.info("feature:install odl-cloudroam-ui took {} ms", (System.nanoTime() - started) / 1_000_000);
        final var installed = karaf.oneShot("karaf", "karaf", "feature:list -i --no-format").output();
        for (var feature : List.of("odl-cloudroam", "odl-cloudroam-rest", "odl-cloudroam-ui")) {
            assertTrue(installed.lines().anyMatch(line -> line.split("\\s+")[0].equals(feature)
                && line.contains("Started")), () -> feature + " not started:\n" + installed);
        }
        ControllerAndLab.poll("cloudroam active", Duration.ofSeconds(30),
            () -> !karaf.logLines("cloudroam active on root").isEmpty());
        // Karaf fetched cloudroam from that repository into its own (system/): it had no copy before
        assertTrue(Files.isDirectory(karaf.home().resolve("system/io/cloudroam/cloudroam-impl/" + version)));
        // step 5: cloudroam's two OpenDaylight settings
        run("config:property-set -p org.opendaylight.openflowplugin disable-reconciliation true");
        run("config:property-set -p org.opendaylight.controller.cluster.datastore operational.persistent true");
        // step 6: the restart. A new YANG model at run time leaves OpenDaylight's OpenFlow applications
        // with dead datastore listeners (docs/install.md: flows written after it never reach a switch)
        final int deadListeners = karaf.logLines("Error notifying listener").size();
        LOG.info("before the restart: {} 'Error notifying listener' lines in the log", deadListeners);
        karaf.close();
        karaf.start();
        karaf.awaitReady(BOOT_TIMEOUT, () -> restconf.answers("/rests/operations", LOCATE_VM));
        assertEquals(200, restconf.get("/cloudroam/").status(), "the dashboard is served");
        final var settings = karaf.oneShot("karaf", "karaf",
            "config:property-get -p org.opendaylight.controller.cluster.datastore operational.persistent");
        assertEquals("true", settings.output().strip().lines().reduce((a, b) -> b).orElse(""), settings::toString);
        assertEquals(List.of(), karaf.logLines("| ERROR |").stream().filter(line -> line.contains("io.cloudroam"))
            .toList(), "cloudroam logged errors");
    }

    @Test
    @Order(3)
    void theInstalledCloudroamMigratesAVmOnTheLab() throws Exception {
        lab = Lab.up("--clouds", "3", "--vms", "6", "--wan", "all 5ms");
        final var put = restconf.put("/rests/data/cloudroam:cloudroam", lab.run("config"));
        assertTrue(put.status() == 201 || put.status() == 204, put::toString);
        ControllerAndLab.poll("vm1 and vm3 located", Duration.ofSeconds(60), () -> {
            lab.ping("vm1", "vm3", 1);
            final var locations = restconf.get("/rests/data/cloudroam:vm-locations");
            return locations.status() == 200 && locations.body().contains("10.0.0.1")
                && locations.body().contains("10.0.0.3");
        });
        lab.migrate("vm3", "c2");
        final var migration = ControllerAndLab.poll("vm3's move to c2 recorded and confirmed", Duration.ofSeconds(30),
            () -> {
                final var move = restconf.entryWith("/rests/data/cloudroam:migrations", "migration", "to-cloud", "c2");
                return move != null && move.has("flows-confirmed") ? move : null;
            });
        assertEquals("c3", migration.get("from-cloud").getAsString(), migration::toString);
        final var ping = lab.ping("vm1", "vm3", 5);
        assertEquals(0.0, ping.get("loss_percent").getAsDouble(), ping::toString);
    }

    private String featuresUrl() {
        return "mvn:io.cloudroam/features-cloudroam/" + version + "/xml/features";
    }

    private void run(final String command) throws Exception {
        final var result = karaf.oneShot("karaf", "karaf", command);
        assertEquals(0, result.exit(), () -> command + ": " + result);
    }
}
