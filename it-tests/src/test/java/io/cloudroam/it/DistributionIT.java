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

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
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
 * Starts the real cloudroam distribution on Java 25 and checks what issue "foundation" promises:
 * it boots with odl-cloudroam, RESTCONF serves our model, locate-vm reports errors as RFC 8040
 * says, OpenAPI describes us, OpenFlow listens, and the log is clean.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {
    private static final Logger LOG = LoggerFactory.getLogger(DistributionIT.class);
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(5);
    private static final String CONFIG = "/rests/data/cloudroam:cloudroam";
    private static final String LOCATE_VM = "/rests/operations/cloudroam:locate-vm";
    /** A misspelt feature name, asked for on purpose. */
    private static final String UNKNOWN_FEATURE = "odl-cloudroam-dashbaord";

    /**
     * ERROR lines OpenDaylight's own components log during boot, independent of cloudroam and of
     * the Java version: Felix SCR reports "Constructor argument N in class X has unsupported type T"
     * for a varying few OpenDaylight components (H2Store, MdsalRestconfServer,
     * AAAShiroPrincipalService, ConcurrentDOMDataBroker, ...), those activated before Karaf's
     * boot-time bundle refresh; they activate again afterwards and work. Only OpenDaylight classes
     * are excused: the same message for a cloudroam class fails the test, as does any other ERROR.
     */
    private static final Pattern KNOWN_UPSTREAM_ERROR = Pattern.compile(
        "\\] : Constructor argument \\d+ in class class org\\.opendaylight\\.[\\w.$]+ has unsupported type \\S+$");

    /**
     * openflowplugin 0.20.1 logs this ERROR when a switch's initial statistics gathering fails while
     * it makes itself master (seen once, 2026-12-02, a second after boot while the inventory shard's
     * frontend was still connecting); it closes that connection and the switch connects again. It is
     * excused only when the same switch is made master later in the log.
     */
    private static final Pattern RECOVERED_MASTERING_ERROR = Pattern.compile(
        "\\| ContextChainHolderImpl +\\| .* \\| Not able to set MASTER role on device (openflow:\\d+), reason: "
            + "Initial gathering statistics unsuccessful");

    /**
     * The datastore logs every transaction a commit cohort vetoes as an ERROR, with the veto on the
     * next line; cloudroam's own vetoes of inconsistent configuration are expected here.
     */
    private static final String OUR_VETO =
        "org.opendaylight.mdsal.common.api.DataValidationFailedException: invalid cloudroam configuration: ";

    /** What Java-version trouble looks like in a Karaf log. */
    private static final Pattern JAVA_VERSION_TROUBLE = Pattern.compile(
        "UnsupportedClassVersionError|Unsupported class file major version|Unsupported class version"
        + "|security manager|SecurityManager is deprecated|getSubject is (not )?supported"
        + "|InaccessibleObjectException|sun\\.misc\\.Unsafe.*(terminally|not supported)|MappedByteBuffer.*unmap");

    private KarafDistribution karaf;
    private final Restconf restconf = new Restconf(KarafDistribution.RESTCONF_PORT, "admin", "admin");

    @BeforeAll
    void start() throws Exception {
        karaf = KarafDistribution.unpackFromBuild("distribution-it");
        final long started = System.nanoTime();
        karaf.start();
        karaf.awaitReady(BOOT_TIMEOUT, () -> restconf.answers("/rests/operations", "cloudroam:locate-vm"));
        LOG.info("cloudroam distribution ready in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    void stop() throws Exception {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    void bootsWithOurFeaturesStarted() throws Exception {
        // from the features service's persisted state, independent of the console
        final var state = karaf.featureStates();
        for (var feature : List.of("odl-cloudroam/0.1.0.SNAPSHOT", "odl-cloudroam-rest/0.1.0.SNAPSHOT",
            "odl-cloudroam-ui/0.1.0.SNAPSHOT")) {
            assertEquals("Started", state.get(feature), () -> feature + " in " + state);
        }
    }

    @Test
    void karafShellWorksOnJava25() throws Exception {
        // needs the launch agent's SubjectBridge: without it no shell starts on Java 24+
        final var output = karaf.console("feature:list -i | grep odl-cloudroam");
        for (var feature : List.of("odl-cloudroam", "odl-cloudroam-rest", "odl-cloudroam-ui")) {
            assertTrue(Pattern.compile("(?m)^" + Pattern.quote(feature) + "\\s+│.*│\\s*Started\\s*│").matcher(output)
                .find(), () -> feature + " not listed as started by the Karaf shell:\n" + output);
        }
    }

    @Test
    void oneShotConsoleCommandsRunAndKnowTheirUser() throws Exception {
        // bin/client COMMAND with nothing on standard input, as from a script: the launch agent's
        // ClientStdinWatch keeps the command alive, its SubjectBridge gives the command its user
        final var whoami = karaf.oneShot("karaf", "karaf", "jaas:whoami");
        assertEquals(0, whoami.exit(), whoami::toString);
        assertTrue(Pattern.compile("(?m)^karaf\\s*$").matcher(whoami.output()).find(), whoami::toString);
        final var unknown = karaf.oneShot("karaf", "karaf", "no-such:command");
        assertTrue(unknown.exit() != 0 && unknown.output().contains("Command not found"), unknown::toString);
        final var refused = karaf.oneShot("karaf", "not-the-password", "jaas:whoami");
        assertTrue(refused.exit() != 0 && !refused.output().contains("Name"), refused::toString);
    }

    @Test
    void roleGuardedCommandsRunForAnAdminAndAreRefusedToAViewer() throws Exception {
        // bundle:stop and bundle:start need the manager role (etc/org.apache.karaf.command.acl.bundle.cfg)
        dashboardAwayAndBack("bundle:stop io.cloudroam.dashboard", "bundle:start io.cloudroam.dashboard", () -> { });

        // a user with the viewer role only: the guarded command does not exist for them, the rest works
        final var password = java.util.UUID.randomUUID().toString();
        karaf.console("jaas:realm-manage --realm karaf\njaas:user-add observer " + password
            + "\njaas:role-add observer viewer\njaas:role-add observer ssh\njaas:update");
        try {
            final var roles = karaf.oneShot("observer", password, "jaas:whoami -r");
            assertTrue(roles.output().contains("viewer") && !roles.output().contains("manager"), roles::toString);
            final var refused = karaf.oneShot("observer", password, "bundle:stop io.cloudroam.dashboard");
            assertTrue(refused.exit() != 0 && refused.output().contains("Command not found: bundle:stop"),
                refused::toString);
            assertEquals(200, restconf.get("/cloudroam/").status(), "a viewer stopped the dashboard");
            final var list = karaf.oneShot("observer", password, "bundle:list -s -t 0");
            assertTrue(list.exit() == 0 && list.output().contains("io.cloudroam.dashboard"), list::toString);
        } finally {
            karaf.console("jaas:realm-manage --realm karaf\njaas:user-delete observer\njaas:update");
        }
    }

    @Test
    void cloudroamsFeaturesAreBootFeaturesOfTheirOwnNextToOpenFlowAndRestconf() throws Exception {
        // required (root) features: what feature:uninstall can take away, and what stays then
        final var required = karaf.oneShot("karaf", "karaf", "feature:list -r --no-format");
        assertEquals(0, required.exit(), required::toString);
        for (var feature : List.of("odl-openflowplugin-flow-services", "odl-restconf-nb", "odl-restconf-openapi",
                "odl-cloudroam", "odl-cloudroam-rest", "odl-cloudroam-ui")) {
            assertTrue(Pattern.compile("(?m)^" + Pattern.quote(feature) + "\\s").matcher(required.output()).find(),
                () -> feature + " is not a required feature:\n" + required.output());
        }
    }

    @Test
    void theDashboardUninstallsAndInstallsAgainWithoutARestart() throws Exception {
        dashboardAwayAndBack("feature:uninstall odl-cloudroam-ui", "feature:install odl-cloudroam-ui",
            () -> assertTrue(restconf.answers("/rests/operations", "cloudroam:locate-vm"),
                "cloudroam's RPCs went with its dashboard"));
        // a feature name that does not exist: said so, nothing installed or removed
        final var before = karaf.featureStates();
        final var unknown = karaf.oneShot("karaf", "karaf", "feature:install " + UNKNOWN_FEATURE);
        assertTrue(unknown.exit() != 0 && unknown.output().contains("No matching features for " + UNKNOWN_FEATURE),
            unknown::toString);
        assertEquals(before, karaf.featureStates(), "an unknown feature changed the installed ones");
    }

    /** What is checked while the dashboard is away. */
    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    /**
     * A one-shot command that takes the dashboard away (it answers 404, and {@code whileAway}
     * holds), then one that brings it back (200), without a restart.
     */
    private void dashboardAwayAndBack(final String away, final String back, final Check whileAway)
            throws Exception {
        final var taken = karaf.oneShot("karaf", "karaf", away);
        assertEquals(0, taken.exit(), taken::toString);
        try {
            ControllerAndLab.poll("the dashboard gone", Duration.ofSeconds(60),
                () -> restconf.get("/cloudroam/").status() == 404);
            whileAway.run();
        } finally {
            final var restored = karaf.oneShot("karaf", "karaf", back);
            assertEquals(0, restored.exit(), restored::toString);
        }
        ControllerAndLab.poll("the dashboard back", Duration.ofSeconds(60),
            () -> restconf.get("/cloudroam/").status() == 200);
    }

    @Test
    void shellCommandsGoThroughTheRpcsAndTheDatastore() throws Exception {
        // the RPC commands answer as RESTCONF does (same RPC implementations, same checks)
        final var unknown = karaf.console("cloudroam:locate 02:00:00:00:00:99");
        assertTrue(unknown.contains("error: ") && unknown.contains("data-missing, unknown-vm"), unknown);
        final var malformed = karaf.console("cloudroam:announce not-a-mac c1");
        assertTrue(malformed.contains("error: ") && malformed.contains("invalid-value"), malformed);
        final var quarantine = karaf.console("cloudroam:clear-quarantine 02:00:00:00:00:99");
        assertTrue(quarantine.contains("unknown-vm"), quarantine);
        // mode writes the configuration datastore: RESTCONF sees it, a bad mode changes nothing
        final var network = CONFIG + "/virtual-network=4242";
        assertEquals(201, restconf.put(network, JsonParser.parseString(
            "{\"cloudroam:virtual-network\": [{\"vni\": 4242, \"name\": \"shell\"}]}")).status());
        try {
            final var set = karaf.console("cloudroam:mode 4242 triangle");
            assertTrue(set.contains("virtual-network 4242: mode optimal -> triangle"), set);
            assertTrue(restconf.get(network).body().contains("\"mode\":\"triangle\""), "mode not stored");
            final var bad = karaf.console("cloudroam:mode 4242 sideways");
            assertTrue(bad.contains("error: mode 'sideways' is not one of optimal, triangle, reactive"), bad);
            final var shown = karaf.console("cloudroam:mode 4242");
            assertTrue(shown.contains("triangle") && shown.contains("shell"), shown);
            final var missing = karaf.console("cloudroam:mode 4243 optimal");
            assertTrue(missing.contains("error: no virtual-network 4243 is configured"), missing);
            assertEquals(409, restconf.get(CONFIG + "/virtual-network=4243").status(), "mode created a network");
        } finally {
            restconf.delete(network);
        }
    }

    @Test
    void sshConsoleListensOnLoopbackOnly() throws Exception {
        assertEquals(List.of("127.0.0.1"), KarafDistribution.listeningAddresses(KarafDistribution.SSH_PORT));
    }

    @Test
    void listensForOpenFlowSwitches() {
        assertTrue(KarafDistribution.isListening(KarafDistribution.OPENFLOW_PORT), "nothing listens on 6653");
    }

    @Test
    void restconfStoresAndReturnsACloud() throws Exception {
        final var cloud = JsonParser.parseString("""
            {"cloudroam:cloud": [{"id": "it-c1", "tunnel-endpoint": "192.0.2.11",
              "ovsdb": {"address": "127.0.0.1", "port": 16641}, "switch": ["1", "18446744073709551615"]}]}
            """).getAsJsonObject();
        final var path = CONFIG + "/cloud=it-c1";
        final var expected = normalized(cloud.getAsJsonArray("cloudroam:cloud").get(0).getAsJsonObject());
        assertEquals(201, restconf.put(path, cloud).status());
        try {
            final var back = restconf.get(path);
            assertEquals(200, back.status(), back.body());
            assertEquals(expected,
                normalized(back.json().getAsJsonArray("cloudroam:cloud").get(0).getAsJsonObject()));

            final var container = restconf.get(CONFIG);
            assertEquals(200, container.status(), container.body());
            final JsonArray clouds = container.json().getAsJsonObject("cloudroam:cloudroam").getAsJsonArray("cloud");
            assertTrue(clouds.asList().stream().map(JsonElement::getAsJsonObject).map(DistributionIT::normalized)
                .anyMatch(expected::equals), container.body());
        } finally {
            restconf.delete(path);
        }
        assertEquals(409, restconf.get(path).status(), "cloud still there after DELETE");
    }

    /** A cloud entry with its ordered-by-system leaf-list "switch" sorted. */
    private static JsonObject normalized(final JsonObject cloud) {
        final var copy = cloud.deepCopy();
        final var sorted = new JsonArray();
        copy.getAsJsonArray("switch").asList().stream().map(JsonElement::getAsString).sorted().forEach(sorted::add);
        copy.add("switch", sorted);
        return copy;
    }

    @Test
    void restconfRejectsInvalidConfigAndStoresNothing() throws Exception {
        final var path = CONFIG + "/cloud=it-bad";
        final var bad = JsonParser.parseString("""
            {"cloudroam:cloud": [{"id": "it-bad", "tunnel-endpoint": "not-an-ip"}]}
            """);
        final var response = restconf.put(path, bad);
        assertEquals(400, response.status(), response.body());
        final var missing = restconf.get(path);
        assertEquals(409, missing.status(), missing.body());
        assertEquals("data-missing", missing.firstError().get("error-tag").getAsString());
    }

    @Test
    void wrongTypesAndRangesAreAnsweredNamingTheLeafAndNothingIsStored() throws Exception {
        final var before = restconf.get(CONFIG);
        final var cases = List.of(
            List.of(CONFIG + "/virtual-network=100", "{\"cloudroam:virtual-network\": [{\"vni\": \"blue\"}]}",
                "/cloudroam:cloudroam/virtual-network[vni='blue']/vni", "'blue' is not an integer"),
            List.of(CONFIG + "/mobility", "{\"cloudroam:mobility\": {\"flap-moves\": 1}}",
                "/cloudroam:cloudroam/mobility/flap-moves", "1 is out of range 2..1000"),
            List.of(CONFIG + "/virtual-network=9", "{\"cloudroam:virtual-network\": [{\"vni\": 9, \"mode\": \"x\"}]}",
                "/cloudroam:cloudroam/virtual-network[vni='9']/mode", "'x' is not one of optimal, triangle, reactive"));
        for (var c : cases) {
            final var response = restconf.put(c.get(0), JsonParser.parseString(c.get(1)));
            assertEquals(400, response.status(), response.body());
            final var error = response.firstError();
            assertEquals("invalid-value", error.get("error-tag").getAsString(), response.body());
            assertEquals(c.get(2), error.get("error-path").getAsString(), response.body());
            assertTrue(error.get("error-message").getAsString().endsWith(c.get(3)), response.body());
        }
        // the check runs after authentication: no credentials, no hint about the body
        assertEquals(401, restconf.withoutCredentials().put(cases.get(0).get(0),
            JsonParser.parseString(cases.get(0).get(1))).status());
        final var after = restconf.get(CONFIG);
        assertEquals(before.status(), after.status());
        assertEquals(before.body(), after.body(), "a refused request changed the configuration");
    }

    /** Mutated bodies: each answered, never with a server error, and a refusal changes nothing. */
    @Test
    void fuzzedBodiesGetClientErrorsAndChangeNothing() throws Exception {
        final var random = new Random(20261128);
        final var targets = List.of(
            List.of("PUT", CONFIG + "/virtual-network=4711",
                "{\"cloudroam:virtual-network\": [{\"vni\": 4711, \"name\": \"fuzz\", "
                    + "\"mode\": \"optimal\"}]}"),
            List.of("PUT", CONFIG + "/mobility",
                "{\"cloudroam:mobility\": {\"verify-timeout\": 200, \"flap-moves\": 5, \"flap-window\": 30}}"),
            List.of("POST", "/rests/operations/cloudroam:locate-vm",
                "{\"input\": {\"mac\": \"02:00:00:00:00:99\", \"vni\": 100}}"),
            List.of("POST", "/rests/operations/cloudroam:announce-migration",
                "{\"input\": {\"mac\": \"02:00:00:00:00:99\", \"target-cloud\": \"c2\", "
                    + "\"target-port\": \"vm9\"}}"));
        final var serverErrors = new ArrayList<String>();
        final var statuses = new TreeMap<Integer, Integer>();
        for (int i = 0; i < 400; i++) {
            final var target = targets.get(random.nextInt(targets.size()));
            final var body = mutate(target.get(2), random);
            final var before = restconf.get(CONFIG);
            final var response = restconf.sendText(target.get(0), target.get(1), body);
            statuses.merge(response.status(), 1, Integer::sum);
            if (response.status() >= 500) {
                serverErrors.add(response.status() + " for " + target.get(1) + " " + body + " -> " + response.body());
            } else if (response.status() >= 400 && response.status() != 409) {
                assertTrue(response.body().contains("\"error-tag\""),
                    () -> "no RFC 8040 error for " + body + ": " + response);
                final var after = restconf.get(CONFIG);
                assertEquals(before.body(), after.body(),
                    () -> "refused " + body + " but the configuration changed");
            }
        }
        restconf.delete(CONFIG + "/virtual-network=4711");
        LOG.info("400 fuzzed bodies: statuses {}", statuses);
        assertEquals(List.of(), serverErrors, "server errors for malformed input");
    }

    /** One random change to a JSON text: a value swapped, a member dropped, a character flipped or a cut. */
    private static String mutate(final String text, final Random random) {
        final var values = List.of("\"\"", "\"x\"", "-1", "0", "4294967296", "1.5", "true", "null", "[]", "{}",
            "\"02:00:00:00:00:zz\"", "\"" + "a".repeat(300) + "\"", "99999999999999999999");
        return switch (random.nextInt(4)) {
            case 0 -> {
                // a value replaced: find a ": value" and swap it
                final var matcher = Pattern.compile(": (\"[^\"]*\"|-?[0-9]+)").matcher(text);
                final var spots = new ArrayList<int[]>();
                while (matcher.find()) {
                    spots.add(new int[] {matcher.start(1), matcher.end(1)});
                }
                final var spot = spots.get(random.nextInt(spots.size()));
                yield text.substring(0, spot[0]) + values.get(random.nextInt(values.size())) + text.substring(spot[1]);
            }
            case 1 -> text.replaceFirst(", \"[a-z-]+\": (\"[^\"]*\"|[0-9]+)", "");
            case 2 -> {
                final int at = random.nextInt(text.length());
                yield text.substring(0, at) + (char) (33 + random.nextInt(94)) + text.substring(at + 1);
            }
            default -> text.substring(0, random.nextInt(text.length()));
        };
    }

    @Test
    void inconsistentConfigIsVetoedAtCommitWithEveryProblemAndNothingChanges() throws Exception {
        final var before = restconf.get(CONFIG);
        final var bad = JsonParser.parseString("""
            {"cloudroam:cloudroam": {
              "cloud": [{"id": "a", "tunnel-endpoint": "192.0.2.1"}, {"id": "b", "tunnel-endpoint": "192.0.2.1"}],
              "virtual-network": [{"vni": 100, "cloud": ["a", "nowhere"]}],
              "port-binding": [{"cloud": "a", "port": "vm1", "vni": 555}]}}
            """);
        final var response = restconf.put(CONFIG, bad);
        assertEquals(400, response.status(), response.body());
        final var error = response.firstError();
        assertEquals("invalid-value", error.get("error-tag").getAsString(), response.body());
        assertEquals("/cloudroam:cloudroam", error.get("error-path").getAsString(), response.body());
        final var info = error.get("error-message").getAsString();
        for (var problem : List.of("cloud 'b': tunnel-endpoint 192.0.2.1 is already used by cloud 'a'",
                "virtual-network 100: unknown cloud 'nowhere'", "port-binding a/vm1: unknown virtual-network 555")) {
            assertTrue(info.contains(problem), () -> "'" + problem + "' missing from " + response.body());
        }
        final var after = restconf.get(CONFIG);
        assertEquals(before.status(), after.status());
        assertEquals(before.body(), after.body(), "a vetoed commit changed the configuration");
    }

    @Test
    void locateVmReportsUnknownMac() throws Exception {
        final var response = restconf.post(LOCATE_VM, Restconf.JSON, """
            {"input": {"mac": "02:00:00:00:00:99"}}""");
        assertEquals(409, response.status(), response.body());
        final var error = response.firstError();
        assertEquals("data-missing", error.get("error-tag").getAsString());
        assertEquals("unknown-vm", error.get("error-app-tag").getAsString());
        assertEquals("no VM with MAC 02:00:00:00:00:99 is known on any virtual network",
            error.get("error-message").getAsString());
    }

    @Test
    void clearQuarantineAnswersLikeLocateVm() throws Exception {
        final var unknown = restconf.post("/rests/operations/cloudroam:clear-quarantine", Restconf.JSON, """
            {"input": {"mac": "02:00:00:00:00:99"}}""");
        assertEquals(409, unknown.status(), unknown.body());
        assertEquals("unknown-vm", unknown.firstError().get("error-app-tag").getAsString());
        assertInvalidValue(restconf.post("/rests/operations/cloudroam:clear-quarantine", Restconf.JSON, """
            {"input": {"mac": "nope"}}"""), "'nope'");
    }

    @Test
    void locateVmRejectsMalformedInputInJsonAndXml() throws Exception {
        final var json = restconf.post(LOCATE_VM, Restconf.JSON, """
            {"input": {"mac": "02:00:00:00:00:zz"}}""");
        assertInvalidValue(json, "'02:00:00:00:00:zz'");

        final var xml = restconf.post(LOCATE_VM, Restconf.XML, """
            <input xmlns="urn:cloudroam:yang:cloudroam"><mac>not-a-mac</mac></input>""");
        assertInvalidValue(xml, "'not-a-mac'");

        final var vni = restconf.post(LOCATE_VM, Restconf.JSON, """
            {"input": {"mac": "02:00:00:00:00:01", "vni": 0}}""");
        assertInvalidValue(vni, "VNI must be between 1 and 16777215, got 0");
    }

    private static void assertInvalidValue(final Restconf.Response response, final String messagePart) {
        assertEquals(400, response.status(), response.body());
        final JsonObject error = response.firstError();
        assertEquals("invalid-value", error.get("error-tag").getAsString(), response.body());
        assertTrue(error.get("error-message").getAsString().contains(messagePart), response.body());
    }

    @Test
    void openApiDescribesOurModule() throws Exception {
        final var response = restconf.get("/openapi/api/v3/single", "application/json");
        assertEquals(200, response.status());
        final var paths = response.json().getAsJsonObject("paths").keySet();
        for (var expected : List.of(CONFIG, CONFIG + "/cloud={id}", CONFIG + "/virtual-network={vni}",
                "/rests/data/cloudroam:vm-locations", LOCATE_VM)) {
            assertTrue(paths.contains(expected), () -> expected + " missing from OpenAPI paths "
                + paths.stream().filter(path -> path.contains("cloudroam")).toList());
        }
    }

    @Test
    void labSwitchesConnectThroughTheRelays() throws Exception {
        try (var lab = Lab.up("--clouds", "3", "--vms", "0")) {
            final var expected = Set.of("openflow:1", "openflow:2", "openflow:3");
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Set<String> nodes = Set.of();
            while (System.nanoTime() < deadline) {
                nodes = inventoryNodes();
                if (nodes.containsAll(expected)) {
                    break;
                }
                Thread.sleep(500);
            }
            assertEquals(expected, nodes);
        }
    }

    private Set<String> inventoryNodes() throws Exception {
        final var response = restconf.get("/rests/data/opendaylight-inventory:nodes?content=nonconfig");
        if (response.status() != 200) {
            return Set.of();
        }
        final var nodes = response.json().getAsJsonObject("opendaylight-inventory:nodes").getAsJsonArray("node");
        return nodes == null ? Set.of() : nodes.asList().stream()
            .map(node -> node.getAsJsonObject().get("id").getAsString())
            .collect(Collectors.toSet());
    }

    @Test
    void restconfRequiresCredentials() throws Exception {
        assertEquals(401, restconf.withoutCredentials().get(CONFIG).status());
        assertEquals(401, new Restconf(KarafDistribution.RESTCONF_PORT, "admin", "wrong").get(CONFIG).status());
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: the log then covers every request and switch session above
    void logHasNoErrorsFromUsOrFromTheJavaVersion() throws Exception {
        final var log = Files.readAllLines(karaf.karafLog());
        assertTrue(log.stream().anyMatch(line -> line.contains("cloudroam started")), "cloudroam never started");
        final var javaTrouble = log.stream().filter(line -> JAVA_VERSION_TROUBLE.matcher(line).find()).toList();
        assertEquals(List.of(), javaTrouble, "Java-version trouble in karaf.log");
        final var unexpected = new ArrayList<String>();
        for (int i = 0; i < log.size(); i++) {
            final var line = log.get(i);
            if (line.contains("| ERROR |") && !KNOWN_UPSTREAM_ERROR.matcher(line).find()
                    && !(line.contains("| CommitCohort ") && line.endsWith("failed to prepare") && i + 1 < log.size()
                        && log.get(i + 1).startsWith(OUR_VETO))
                    && !masteredLater(log, i) && !checkAsTheSwitchLeft(log, i) && !ourUnknownFeature(log, i)) {
                unexpected.add(line);
            }
        }
        assertEquals(List.of(), unexpected, "unexpected ERROR lines in karaf.log");
    }

    /**
     * Karaf's shell logs every command that fails at ERROR: the unknown feature that
     * {@link #theDashboardUninstallsAndInstallsAgainWithoutARestart} asks for on purpose is excused.
     */
    private static boolean ourUnknownFeature(final List<String> log, final int at) {
        return log.get(at).contains("| ShellUtil ") && log.get(at).endsWith("Exception caught while executing command")
            && at + 1 < log.size() && log.get(at + 1).startsWith(
                "java.lang.IllegalArgumentException: No matching features for " + UNKNOWN_FEATURE + "/");
    }

    /**
     * cloudroam's reconciler checks a switch 3 s after it connects, only while the switch is still
     * connected and in the inventory; this test's lab leaves about 3 s after connecting. When the
     * switch leaves in the very moment of the check (seen once in 2026-12-06's runs: the same
     * millisecond), openflowplugin fails the request with an ERROR. Excused only within a second of
     * a disconnection.
     */
    private static boolean checkAsTheSwitchLeft(final List<String> log, final int at) {
        if (!log.get(at).contains("| cloudroam-reconciler | OutboundQueueProviderImpl ")
                || !log.get(at).endsWith("No queue present, failing request")) {
            return false;
        }
        final var when = loggedAt(log.get(at));
        return log.subList(Math.max(0, at - 10), Math.min(log.size(), at + 10)).stream()
            .filter(line -> line.contains("| ContextChainHolderImpl ") && line.endsWith(" disconnected."))
            .anyMatch(line -> Math.abs(Duration.between(when, loggedAt(line)).toMillis()) <= 1000);
    }

    private static java.time.LocalDateTime loggedAt(final String line) {
        // Karaf's log lines start with 2026-12-06T22:22:35,553
        return java.time.LocalDateTime.parse(line.substring(0, 23).replace(',', '.'));
    }

    /** Whether log line {@code at} is openflowplugin's failed mastering of a switch that became master afterwards. */
    private static boolean masteredLater(final List<String> log, final int at) {
        final var failed = RECOVERED_MASTERING_ERROR.matcher(log.get(at));
        if (!failed.find()) {
            return false;
        }
        final var granted = "Role MASTER was granted to device " + failed.group(1);
        return log.subList(at + 1, log.size()).stream().anyMatch(line -> line.endsWith(granted));
    }
}
