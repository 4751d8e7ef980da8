/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.it;

import static io.cloudroam.it.ControllerAndLab.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard in a real browser (Debian's chromium, headless, driven by Selenium through Debian's
 * chromedriver) against the real distribution and lab: log in, see the lab's clouds, migrate a VM
 * with {@code lab migrate}, and see the timeline and the map follow within 2 s, without a reload.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardIT.class);
    private static final String DASHBOARD = "http://127.0.0.1:" + KarafDistribution.RESTCONF_PORT + "/cloudroam/";
    private static final String VM1 = "02:c0:00:00:00:01";
    private static final String VM2 = "02:c0:00:00:00:02";
    private static final String VM3 = "02:c0:00:00:00:03";
    private static final String VM4 = "02:c0:00:00:00:04";
    private static final Duration FOLLOW = Duration.ofSeconds(2);
    private static final Path ARTIFACTS = Path.of(System.getProperty("cloudroam.work.dir", "target/karaf"))
        .resolveSibling("dashboard-it");

    private final Restconf restconf = new Restconf(KarafDistribution.RESTCONF_PORT, "admin", "admin");
    private ControllerAndLab session;
    private Lab lab;
    private ChromeDriver browser;

    @BeforeAll
    void start() throws Exception {
        // the WAN of the demo: the map's latencies differ, and c2 reaches c1 through c3
        session = ControllerAndLab.start("dashboard-it", restconf, "--clouds", "3", "--vms", "4", "--wan",
            "c1-c2 40ms, c1-c3 10ms, c2-c3 10ms");
        lab = session.lab();
        final var put = restconf.put("/rests/data/cloudroam:cloudroam", lab.run("config"));
        assertTrue(put.status() == 201 || put.status() == 204, put::toString);
        poll("vm1 located", Duration.ofSeconds(60), () -> {
            lab.ping("vm1", "vm3", 1);
            return restconf.get("/rests/data/cloudroam:vm-locations").body().contains(VM1);
        });
        Files.createDirectories(ARTIFACTS);
        browser = chromium();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    /** Debian's chromium and chromedriver, by path: Selenium Manager must not look for others. */
    private static ChromeDriver chromium() {
        final var options = new ChromeOptions();
        options.setBinary(Path.of("/usr/bin/chromium").toFile());
        // root in a container: no sandbox; small /dev/shm: use /tmp
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1500,1150", "--lang=en-GB");
        final var service = new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
            .usingAnyFreePort()
            .build();
        return new ChromeDriver(service, options);
    }

    private Object script(final String js, final Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    /**
     * An attribute of the first element matching {@code css}, read in the page at one instant (the
     * page redraws its tables as data arrives: element references go stale).
     */
    private String attribute(final String css, final String name) {
        return (String) script("const e = document.querySelector(arguments[0]);"
            + " return e ? e.getAttribute(arguments[1]) : null;", css, name);
    }

    /** The text of the first element matching {@code css}, or {@code null}. */
    private String text(final String css) {
        return (String) script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
            css);
    }

    /** The cloud the map draws a VM's node next to, from the chart's own option. */
    private String mapCloudOf(final String mac) {
        return (String) script("""
            const chart = echarts.getInstanceByDom(document.getElementById('map'));
            const option = chart && chart.getOption();
            if (!option || !option.series.length) return null;
            const node = option.series[0].data.find(n => n.kind === 'vm' && n.mac === arguments[0]);
            return node ? node.cloud : null;""", mac);
    }

    @SuppressWarnings("unchecked")
    private List<String> mapClouds() {
        return (List<String>) script("""
            const chart = echarts.getInstanceByDom(document.getElementById('map'));
            const option = chart && chart.getOption();
            if (!option || !option.series.length) return [];
            return option.series[0].data.filter(n => n.kind === 'cloud').map(n => n.name).sort();""");
    }

    private void screenshot(final String name) throws IOException {
        final var png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(ARTIFACTS.resolve(name), png);
        LOG.info("screenshot {}", ARTIFACTS.resolve(name));
    }

    @Test
    @Order(1)
    void withoutCredentialsTheDashboardGivesNoData() throws Exception {
        final var anonymous = restconf.withoutCredentials();
        for (var path : List.of("/cloudroam/", "/cloudroam/api/state", "/cloudroam/api/events",
                "/cloudroam/ui/app.js")) {
            final var response = anonymous.get(path);
            assertEquals(401, response.status(), () -> path + " without credentials: " + response);
            assertTrue(!response.body().contains(VM1) && !response.body().contains("\"clouds\""),
                () -> path + " leaked data: " + response.body());
        }
        // and in the browser: the page itself is refused, no script runs, nothing is drawn
        browser.get(DASHBOARD);
        assertTrue(browser.findElements(By.id("map")).isEmpty(), "the page rendered without credentials");
        assertTrue(!browser.getPageSource().contains(VM1), "a VM's MAC is on the refused page");
    }

    @Test
    @Order(2)
    void loggedInItShowsTheLabsCloudsAndVms() throws Exception {
        // HTTP basic login, the way RESTCONF's AAA expects it; chromium keeps the credentials for
        // the page's own requests (/cloudroam/api/events)
        browser.get(DASHBOARD.replace("http://", "http://admin:admin@"));
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver ->
            "live".equals(driver.findElement(By.id("connection")).getText())
                && mapClouds().equals(List.of("c1", "c2", "c3")) && "c1".equals(mapCloudOf(VM1)));
        final var vm1Row = "#vm-table tr[data-mac='" + VM1 + "']";
        assertEquals("c1", attribute(vm1Row, "data-cloud"));
        // by name: the lab plugs each VM's port with iface-id=vmN, as libvirt and os-vif do
        assertEquals("vm1", text(vm1Row + " td.name"));
        // tunnels drawn between every pair of clouds, each with a measured latency once probes ran
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> (Boolean) script("""
            const option = echarts.getInstanceByDom(document.getElementById('map')).getOption();
            const tunnels = option.series[0].links.filter(l => l.kind === 'tunnel');
            return tunnels.length === 3 && tunnels.every(l => l.state === 'up' && !l.label.formatter.includes('–'));
            """));
        // the per-VNI view: choosing vm1's VNI leaves only that VNI's VMs
        final var vni = attribute(vm1Row, "data-vni");
        new Select(browser.findElement(By.id("vni-filter"))).selectByValue(vni);
        @SuppressWarnings("unchecked")
        final var vnis = (List<String>) script("return Array.from(document.querySelectorAll('#vm-table tbody tr'))"
            + ".map(r => r.getAttribute('data-vni'));");
        assertTrue(!vnis.isEmpty() && vnis.stream().allMatch(vni::equals), "the VNI filter left other VNIs' VMs: "
            + vnis);
        assertTrue(vnis.size() < lab.status().getAsJsonArray("vms").size(), "the lab has VMs in another VNI");
        new Select(browser.findElement(By.id("vni-filter"))).selectByValue("");
        screenshot("before-migration.png");
    }

    @Test
    @Order(3)
    void aMigrationShowsOnTheTimelineAndTheMapWithinTwoSeconds() throws Exception {
        poll("c2 routes to c1 through c3", Duration.ofSeconds(30),
            () -> "c3".equals(restconf.nextHop("c2", "c1")));
        // a reload would drop this
        script("window.cloudroamItMarker = 'same page';");
        final var moved = lab.migrate("vm1", "c3");
        final long returned = System.nanoTime();
        LOG.info("lab migrate: {}", moved);
        final var wait = new WebDriverWait(browser, FOLLOW, Duration.ofMillis(20));
        wait.until(driver -> !driver.findElements(By.cssSelector(
            "#timeline li[data-mac='" + VM1 + "'][data-from='c1'][data-to='c3']")).isEmpty()
            && "c3".equals(mapCloudOf(VM1)));
        final var millis = (System.nanoTime() - returned) / 1e6;
        LOG.info("dashboard showed the migration {} ms after lab migrate returned", String.format("%.0f", millis));
        assertEquals("same page", script("return window.cloudroamItMarker;"), "the page was reloaded");
        assertEquals("live", browser.findElement(By.id("connection")).getText());
        // per-migration reconvergence time and the path before/after
        final var entry = "#timeline li[data-mac='" + VM1 + "']";
        final var shown = poll("reconvergence time on the timeline", Duration.ofSeconds(5), () -> {
            final var now = text(entry);
            return now != null && now.matches("(?s).*reconverged in [0-9.]+ ms.*") ? now : null;
        });
        LOG.info("timeline entry: {}", shown);
        assertTrue(shown.contains("c1 → c3"), shown);
        // c2 reached vm1 through c3 before (10 + 10 ms beats 40), reaches it directly in c3 after
        assertTrue(shown.matches("(?s).*from c2: c2 → c3 → c1\\s+⇒\\s+c2 → c3.*"), shown);
        assertEquals("c3", attribute("#vm-table tr[data-mac='" + VM1 + "']", "data-cloud"));
        final var bars = (Long) script("""
            const option = echarts.getInstanceByDom(document.getElementById('chart')).getOption();
            return option.series[0].data.length;""");
        assertEquals(1L, bars, "one bar per migration on the reconvergence chart");
        // the counters follow the datastore's /counters (written once a second)
        poll("moves-applied counted", Duration.ofSeconds(5),
            () -> "1".equals(text("#counters tr[data-counter='moves-applied'] td.count")));
        screenshot("dashboard.png");
    }

    @Test
    @Order(4)
    void theMapMarksTheTunnelsTrafficUsesAndTheCloudThatRelaysIt() throws Exception {
        // vm1 is in c3 now with vm3 (VNI 100); vm2 in c2 and vm4 in c1 (VNI 200) talk through c3
        poll("vm2 and vm4 located", Duration.ofSeconds(30), () -> {
            lab.ping("vm4", "vm2", 1);
            final var located = restconf.get("/rests/data/cloudroam:vm-locations").body();
            return located.contains(VM2) && located.contains(VM4);
        });
        poll("c1 and c2 reach each other through c3", Duration.ofSeconds(30),
            () -> "c3".equals(restconf.nextHop("c1", "c2")) && "c3".equals(restconf.nextHop("c2", "c1")));
        new Select(browser.findElement(By.id("vni-filter"))).selectByValue("");
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "paths: " + text("#path-list"))
            .until(driver -> "false".equals(attribute("#path-list li[data-link='c1-c2']", "data-used"))
                && "true".equals(attribute("#path-list li[data-link='c1-c3']", "data-used"))
                && "true".equals(attribute("#path-list li[data-link='c2-c3']", "data-used"))
                && attribute("#path-list li[data-transit='c3']", "class") != null);
        assertEquals(List.of("c1-c3", "c2-c3"), usedOnTheMap(), "the tunnels the map draws as carrying traffic");
        assertEquals(List.of("c3"), transitOnTheMap(), "the clouds the map marks as relaying");
        assertTrue(text("#path-list li[data-link='c1-c3']").contains("c1 → c3 → c2"),
            () -> text("#path-list li[data-link='c1-c3']"));
        screenshot("paths-through-c3.png");
        // one VM: vm3's network has no VM outside c3, so its traffic crosses no tunnel
        script("document.querySelector(arguments[0]).click();", "#vm-table tr[data-mac='" + VM3 + "']");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> usedOnTheMap().isEmpty()
            && text("#path-scope").contains(VM3));
        new Select(browser.findElement(By.id("vm-filter"))).selectByValue("");
        // the direct tunnel becomes the shortest: the next probe rounds move the traffic onto it
        lab.run("wan", "set", "c1-c2", "5ms");
        try {
            poll("c1 and c2 reach each other directly", Duration.ofSeconds(30),
                () -> "c2".equals(restconf.nextHop("c1", "c2")) && "c1".equals(restconf.nextHop("c2", "c1")));
            new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "paths: " + text("#path-list"))
                .until(driver -> "true".equals(attribute("#path-list li[data-link='c1-c2']", "data-used"))
                    && attribute("#path-list li[data-transit='c3']", "class") == null);
            assertEquals(List.of("c1-c2"), usedOnTheMap());
            assertEquals(List.of(), transitOnTheMap());
            screenshot("paths-direct.png");
        } finally {
            lab.run("wan", "set", "c1-c2", "40ms");
        }
    }

    /** The tunnels the map draws as carrying the selection's traffic, from the chart's own option. */
    @SuppressWarnings("unchecked")
    private List<String> usedOnTheMap() {
        return (List<String>) script("""
            const option = echarts.getInstanceByDom(document.getElementById('map')).getOption();
            return option.series[0].links.filter(l => l.kind === 'tunnel' && l.used)
              .map(l => [l.source.substring(6), l.target.substring(6)].sort().join('-')).sort();""");
    }

    @SuppressWarnings("unchecked")
    private List<String> transitOnTheMap() {
        return (List<String>) script("""
            const option = echarts.getInstanceByDom(document.getElementById('map')).getOption();
            return option.series[0].data.filter(n => n.kind === 'cloud' && n.transit).map(n => n.name).sort();""");
    }

    @Test
    @Order(5)
    void restconfStreamsCarryCloudroamsNotifications() throws Exception {
        // RFC 8040 streams over SSE, as netconf 9.0.1 offers them: create, find its location, listen
        final var module = "(urn:cloudroam:yang:cloudroam?revision=2026-11-25)";
        final var created = restconf.post("/rests/operations/sal-remote:create-notification-stream", Restconf.JSON,
            "{\"input\": {\"notifications\": [\"" + module + "vm-migrated\", \"" + module
                + "tunnel-state-changed\"]}}");
        assertEquals(200, created.status(), created::toString);
        final var name = created.json().getAsJsonObject("sal-remote:output").get("notification-stream-identifier")
            .getAsString();
        final var streams = restconf.get("/rests/data/ietf-restconf-monitoring:restconf-state/streams");
        final var location = "/rests/streams/json/" + name;
        assertTrue(streams.body().contains(location), streams::body);
        // the stream, like everything else, needs credentials
        final var anonymous = restconf.withoutCredentials().get(location, "text/event-stream");
        assertEquals(401, anonymous.status(), anonymous::toString);
        try (var events = restconf.events(location)) {
            lab.migrate("vm1", "c1");
            final var migrated = events.next("cloudroam:vm-migrated", Duration.ofSeconds(10));
            assertTrue(migrated.contains("\"to-cloud\":\"c1\"") && migrated.contains(VM1), migrated);
            // take cloud c3 out of the configuration: its tunnels go, each end reports it
            final var config = lab.run("config");
            final var root = config.getAsJsonObject("cloudroam:cloudroam");
            root.getAsJsonArray("cloud").asList().removeIf(cloud -> "c3".equals(cloud.getAsJsonObject().get("id")
                .getAsString()));
            root.getAsJsonArray("port-binding").asList().removeIf(binding -> "c3".equals(binding.getAsJsonObject()
                .get("cloud").getAsString()));
            root.getAsJsonArray("virtual-network").forEach(network -> network.getAsJsonObject()
                .getAsJsonArray("cloud").asList().removeIf(cloud -> "c3".equals(cloud.getAsString())));
            final var put = restconf.put("/rests/data/cloudroam:cloudroam", config);
            assertTrue(put.status() == 201 || put.status() == 204, put::toString);
            final var gone = events.next("\"state\":\"absent\"", Duration.ofSeconds(20));
            assertTrue(gone.contains("cloudroam:tunnel-state-changed") && gone.contains("c3"), gone);
        }
        // and the dashboard drops the tunnels to c3 from its map
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> (Boolean) script("""
            const option = echarts.getInstanceByDom(document.getElementById('map')).getOption();
            return option.series[0].links.filter(l => l.kind === 'tunnel').length === 1;"""));
        screenshot("after-c3-left.png");
    }
}
