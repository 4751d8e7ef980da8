/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.ovsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.cloudroam.impl.tunnel.TunnelPlanner;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OVSDB client against a real {@code ovsdb-server} (no vswitchd: rows only), on loopback.
 */
class OvsdbSessionTest {
    private static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");

    @TempDir
    Path dir;
    private int port;
    private ProcessHandle server;
    private final LinkedBlockingQueue<SwitchView> views = new LinkedBlockingQueue<>();

    @BeforeEach
    void startServer() throws Exception {
        assertTrue(Files.exists(SCHEMA), "Open vSwitch is not installed (./cloudroam setup installs it)");
        exec("ovsdb-tool", "create", dir.resolve("conf.db").toString(), SCHEMA.toString());
        try (var probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        startOvsdb();
        exec("ovs-vsctl", "--db=tcp:127.0.0.1:" + port, "--no-wait", "init", "--", "add-br", "br-int");
    }

    private void startOvsdb() throws Exception {
        // --detach: the command returns once the server listens, so nothing needs polling
        final var start = new ProcessBuilder("ovsdb-server", dir.resolve("conf.db").toString(),
            "--remote=ptcp:" + port + ":127.0.0.1", "--unixctl=" + dir.resolve("ctl"), "--no-chdir",
            "--log-file=" + dir.resolve("ovsdb.log"), "--detach", "--pidfile=" + dir.resolve("pid"))
            .redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
        assertTrue(start.waitFor(10, TimeUnit.SECONDS) && start.exitValue() == 0,
            () -> "ovsdb-server did not start: " + read(dir.resolve("stdout")));
        server = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("pid")).strip()))
            .orElseThrow(() -> new AssertionError("ovsdb-server exited at once: " + read(dir.resolve("ovsdb.log"))));
    }

    private static String read(final Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.destroyForcibly();
            server.onExit().join();
        }
    }

    @Test
    void monitorsCreatesTunnelsAndReportsFailures() throws Exception {
        try (var session = new OvsdbSession("127.0.0.1", port, views::add)) {
            final var first = next(view -> !view.bridges().isEmpty());
            final var bridge = first.bridges().get(0);
            assertEquals("br-int", bridge.name());

            final var plan = new TunnelPlanner.Plan(List.of(new TunnelPlanner.Add(bridge.uuid(), "crv-c2", "c2",
                "192.0.2.2", "192.0.2.1")), List.of());
            session.transact(TunnelPlanner.transaction(plan)).get(5, TimeUnit.SECONDS);
            final var withTunnel = next(view -> view.bridges().get(0).interfaces().stream()
                .anyMatch(i -> i.remoteCloud().isPresent()));
            final var tunnel = withTunnel.bridges().get(0).interfaces().stream()
                .filter(i -> i.name().equals("crv-c2")).findFirst().orElseThrow();
            assertEquals("192.0.2.2", tunnel.options().get("remote_ip"));
            assertTrue(exec("ovs-vsctl", "--db=tcp:127.0.0.1:" + port, "list-ports", "br-int").contains("crv-c2"));

            // the same port name twice breaks a unique index: the transaction fails as a whole
            final var failure = assertThrows(ExecutionException.class,
                () -> session.transact(TunnelPlanner.transaction(plan)).get(5, TimeUnit.SECONDS));
            assertInstanceOf(OvsdbException.class, failure.getCause());

            final var params = new JsonArray();
            params.add("no-such-database");
            assertThrows(ExecutionException.class, () -> session.transact(params).get(5, TimeUnit.SECONDS));

            final var removal = TunnelPlanner.transaction(new TunnelPlanner.Plan(List.of(),
                List.of(new TunnelPlanner.Remove(bridge.uuid(), tunnel.portUuid(), "crv-c2"))));
            session.transact(removal).get(5, TimeUnit.SECONDS);
            next(view -> view.bridges().get(0).interfaces().stream().noneMatch(i -> i.remoteCloud().isPresent()));
        }
    }

    @Test
    void reconnectsAfterTheServerRestarts() throws Exception {
        try (var session = new OvsdbSession("127.0.0.1", port, views::add)) {
            next(view -> !view.bridges().isEmpty());
            server.destroy();
            server.onExit().join();
            next(view -> view.bridges().isEmpty());
            assertThrows(ExecutionException.class, () -> session.transact(JsonParser.parseString(
                "[\"Open_vSwitch\"]").getAsJsonArray()).get(5, TimeUnit.SECONDS));
            startOvsdb();
            next(view -> !view.bridges().isEmpty());
        }
    }

    private SwitchView next(final Predicate<SwitchView> wanted) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            final var view = views.poll(100, TimeUnit.MILLISECONDS);
            if (view != null && wanted.test(view)) {
                return view;
            }
        }
        throw new AssertionError("no such view within 15 s");
    }

    private static String exec(final String... command) throws IOException, InterruptedException {
        final var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final var out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
