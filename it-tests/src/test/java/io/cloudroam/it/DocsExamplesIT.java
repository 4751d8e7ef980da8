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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs, as written, every shell example of the README and {@code docs/} that talks to the
 * controller (a {@code sh} block mentioning {@code 127.0.0.1:8181}), in document order, against the
 * real distribution and a two-cloud lab (vm1 in c1, vm2 in c2, VNI 100: what the README's
 * configuration example describes).
 *
 * <p>Each block runs in bash from the repository root with {@code set -e}. {@code curl} is wrapped:
 * the wrapper adds nothing to what the user sees but records the HTTP status, which must be a
 * success unless the line before says {@code # expect: NNN}. A block preceded by
 * {@code <!-- docs-test: skip REASON -->} is not run (the README's password change).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocsExamplesIT {
    private static final Logger LOG = LoggerFactory.getLogger(DocsExamplesIT.class);
    private static final Path ROOT = Path.of(System.getProperty("cloudroam.root", ".."));
    private static final Pattern BLOCK = Pattern.compile("(?s)(<!-- docs-test: skip[^>]*-->\\s*)?```sh\\n(.*?)```");
    /** Records each call's status; fails the block when it is not what the docs say. */
    private static final String WRAPPER = """
        set -e
        curl() {
            local expect="${DOCS_EXPECT:-2xx}" body status rc=0
            body=$(mktemp)
            status=$(command curl -sS -o "$body" -w '%{http_code}' "$@") || rc=$?
            cat "$body"; rm -f "$body"; echo
            # --max-time on a stream ends it with 28 after a 200: that is the example working
            if [ "$rc" -ne 0 ] && ! { [ "$rc" -eq 28 ] && [ "$status" = 200 ]; }; then
                echo "DOCS-RESULT fail curl exit $rc (HTTP $status): curl $*" >&2; return 1
            fi
            case "$expect:$status" in
                2xx:2??) ;;
                "$status:$status") ;;
                *) echo "DOCS-RESULT fail HTTP $status, docs say $expect: curl $*" >&2; return 1 ;;
            esac
            echo "DOCS-RESULT ok HTTP $status: curl $*" >&2
        }
        """;

    private final Restconf restconf = new Restconf(KarafDistribution.RESTCONF_PORT, "admin", "admin");
    private ControllerAndLab session;

    @BeforeAll
    void start() throws Exception {
        session = ControllerAndLab.start("docs-it", restconf, "--clouds", "2", "--vms", "2", "--vnis", "100");
        // the state the README's examples describe: configured (the README's own PUT, run below,
        // stores the same document again) and both VMs located
        final var put = restconf.put("/rests/data/cloudroam:cloudroam", session.lab().run("config"));
        assertTrue(put.status() == 201 || put.status() == 204, put::toString);
        poll("vm1 and vm2 located", Duration.ofSeconds(60), () -> {
            session.lab().ping("vm1", "vm2", 1);
            final var body = restconf.get("/rests/data/cloudroam:vm-locations").body();
            return body.contains("02:c0:00:00:00:01") && body.contains("02:c0:00:00:00:02");
        });
        // ... and the WAN measured once (the first probe round writes /overlay-routing)
        poll("/overlay-routing written", Duration.ofSeconds(60),
            () -> restconf.get("/rests/data/cloudroam:overlay-routing").status() == 200);
    }

    @AfterAll
    void stop() throws Exception {
        if (session != null) {
            session.close();
        }
    }

    /** One runnable example: where it is and its text, with {@code # expect:} lines turned into settings. */
    private record Example(String where, String script) {
    }

    private static List<Example> examples() throws IOException {
        final var files = new ArrayList<Path>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        final var examples = new ArrayList<Example>();
        for (var file : files) {
            final var text = Files.readString(file);
            final var matcher = BLOCK.matcher(text);
            while (matcher.find()) {
                final var block = matcher.group(2);
                if (matcher.group(1) != null || !block.contains("127.0.0.1:8181")) {
                    continue;
                }
                final var line = text.substring(0, matcher.start(2)).split("\n", -1).length;
                // "# expect: 409" applies to the command that follows it
                final var script = block.replaceAll("(?m)^# expect: (\\d{3})\\s*\\n(curl )", "DOCS_EXPECT=$1 $2");
                examples.add(new Example(ROOT.relativize(file) + ":" + line, script));
            }
        }
        return examples;
    }

    @Test
    void everyControllerExampleInTheDocsWorksAsWritten() throws Exception {
        final var examples = examples();
        final var failures = new ArrayList<String>();
        int calls = 0;
        for (var example : examples) {
            final var process = new ProcessBuilder("bash", "-c", WRAPPER + example.script())
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
            final var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(2, TimeUnit.MINUTES), example.where() + " did not finish");
            final var results = output.lines().filter(l -> l.startsWith("DOCS-RESULT")).toList();
            calls += results.size();
            LOG.info("{}: {}", example.where(), results.stream().map(l -> l.substring("DOCS-RESULT ".length()))
                .map(l -> l.length() > 110 ? l.substring(0, 110) + "…" : l).toList());
            if (process.exitValue() != 0) {
                failures.add(example.where() + " (exit " + process.exitValue() + "):\n" + output);
            }
        }
        assertEquals(List.of(), failures, "examples that do not work as written");
        // the RESTCONF surface the README lists: each path in at least one example that ran
        final var all = String.join("\n", examples.stream().map(Example::script).toList());
        for (var path : List.of("/rests/data/cloudroam:cloudroam", "/rests/data/cloudroam:vm-locations",
                "/rests/data/cloudroam:tunnels", "/rests/data/cloudroam:virtual-network-mtus",
                "/rests/data/cloudroam:migrations",
                "/rests/data/cloudroam:location-conflicts", "/rests/data/cloudroam:overlay-routing",
                "/rests/operations/cloudroam:locate-vm", "/rests/operations/cloudroam:announce-migration",
                "/rests/operations/cloudroam:clear-quarantine", "/rests/streams/json/", "/cloudroam/api/state",
                "/rests/data/cloudroam:counters")) {
            assertTrue(all.contains(path), () -> path + " has no example in the docs");
        }
        LOG.info("{} examples, {} calls, all as documented", examples.size(), calls);
    }
}
