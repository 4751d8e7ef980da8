/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real built cloudroam Karaf distribution, started and stopped through the same supervisor as
 * {@code ./cloudroam run} and {@code ./cloudroam cluster} (lab/cloudroam_lab/karaf.py: readiness, and
 * what to do when a start goes wrong), and stopped again even when a test fails or the test JVM is
 * interrupted.
 */
final class KarafDistribution implements AutoCloseable {
    static final int RESTCONF_PORT = 8181;
    static final int OPENFLOW_PORT = 6653;
    static final int SSH_PORT = 8101;
    private static final Logger LOG = LoggerFactory.getLogger(KarafDistribution.class);
    /** After the supervisor said ready, how long the test's own readiness may take at most. */
    private static final Duration OWN_READINESS = Duration.ofSeconds(30);

    private final Path home;
    private final Path javaHome;
    private final Path root;
    private final Thread shutdownHook;
    private boolean started;

    private KarafDistribution(final Path home, final Path javaHome, final Path root) {
        this.home = requireNonNull(home);
        this.javaHome = requireNonNull(javaHome);
        this.root = requireNonNull(root);
        shutdownHook = new Thread(this::kill, "karaf-it-shutdown");
    }

    /**
     * Unpacks the distribution the build produced into an empty directory and returns it.
     * Never reuses an earlier tree: OpenDaylight writes runtime state into etc/ (AAA keeps
     * secrets there that only its datastore can decrypt), so a reused tree may not boot.
     */
    private static final String CONSOLE_END = "cloudroam-console-end";

    static KarafDistribution unpackFromBuild(final String name) throws IOException, InterruptedException {
        final var archive = System.getProperty("cloudroam.karaf.archive");
        final var work = System.getProperty("cloudroam.work.dir");
        final var java = System.getProperty("cloudroam.java.home");
        final var root = System.getProperty("cloudroam.root");
        if (archive == null || work == null || java == null || root == null) {
            throw new IllegalStateException("run through Maven: cloudroam.karaf.archive, cloudroam.work.dir, "
                + "cloudroam.java.home and cloudroam.root are unset");
        }
        final var target = Path.of(work, name);
        deleteTree(target);
        Files.createDirectories(target);
        final var tar = new ProcessBuilder("tar", "-xzf", archive, "-C", target.toString()).inheritIO().start();
        if (tar.waitFor() != 0) {
            throw new IllegalStateException("cannot unpack " + archive);
        }
        try (var entries = Files.list(target)) {
            final var home = entries.filter(path -> Files.isExecutable(path.resolve("bin/karaf"))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Karaf distribution in " + archive));
            return new KarafDistribution(home, Path.of(java), Path.of(root));
        }
    }

    Path home() {
        return home;
    }

    Path karafLog() {
        return home.resolve("data/log/karaf.log");
    }

    /**
     * The lines of the Karaf log that contain a text, oldest first.
     */
    List<String> logLines(final String containing) throws IOException {
        try (var lines = Files.lines(karafLog())) {
            return lines.filter(line -> line.contains(containing)).toList();
        }
    }

    /**
     * Starts Karaf (the supervisor refuses when its ports are taken).
     */
    void start() throws IOException, InterruptedException {
        if (!started) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            started = true;
        }
        supervisor(Duration.ofMinutes(2), "start");
    }

    /**
     * Waits until the supervisor says Karaf is ready (RESTCONF serves cloudroam, OpenFlow listens;
     * it acts on a start that goes wrong and fails when it cannot go on), then until {@code ready}
     * holds too.
     */
    void awaitReady(final Duration timeout, final BooleanSupplier ready) throws InterruptedException, IOException {
        awaitReady(timeout, "cloudroam:locate-vm", ready);
    }

    /**
     * As {@link #awaitReady(Duration, BooleanSupplier)}, for a controller whose RESTCONF need not
     * serve cloudroam ({@code rpc} "none": any answer will do).
     */
    void awaitReady(final Duration timeout, final String rpc, final BooleanSupplier ready)
            throws InterruptedException, IOException {
        final var answer = supervisor(timeout.plusMinutes(1), "wait", "--timeout", Long.toString(timeout.toSeconds()),
            "--rpc", rpc);
        if (answer.getAsJsonArray("restarts").size() > 0) {
            LOG.warn("Karaf was started again during this start: {}", answer.get("restarts"));
        }
        final long deadline = System.nanoTime() + OWN_READINESS.toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Karaf ready, but not as the test needs it after " + OWN_READINESS
                    + "; log tail:\n" + tail(karafLog(), 40));
            }
            Thread.sleep(200); // poll interval, not synchronisation
        }
    }

    /** Runs the supervisor on this home; its JSON answer, or an exception with what it said. */
    private com.google.gson.JsonObject supervisor(final Duration patience, final String command,
            final String... args) throws IOException, InterruptedException {
        final var line = new ArrayList<>(List.of("python3", "-m", "cloudroam_lab.karaf", command, "--home",
            home.toString()));
        line.addAll(List.of(args));
        final var builder = new ProcessBuilder(line).directory(root.toFile());
        builder.environment().put("PYTHONPATH", root.resolve("lab").toString());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        final var process = builder.start();
        final var err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        final var out = readAll(process.getInputStream());
        if (!process.waitFor(patience.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("karaf " + command + " did not answer within " + patience);
        }
        final var said = err.join().strip();
        if (process.exitValue() != 0) {
            throw new IllegalStateException("karaf " + command + " failed (" + process.exitValue() + "): " + said);
        }
        if (!said.isEmpty()) {
            LOG.warn("karaf {}: {}", command, said);
        }
        return JsonParser.parseString(out).getAsJsonObject();
    }

    private static String readAll(final java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Returns the state of every installed feature ("name/version" to "Started", ...), as the
     * Karaf features service persisted it in its bundle data ({@code state.json}).
     */
    Map<String, String> featureStates() throws IOException {
        // the OSGi framework rewrites files under data/cache while it runs: a walk must not trip
        // over one that is gone by the time it is visited
        final var files = new ArrayList<Path>();
        Files.walkFileTree(home.resolve("data/cache"), Set.of(), 4, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) {
                if (file.getFileName().toString().equals("state.json")) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(final Path file, final IOException failure) {
                return FileVisitResult.CONTINUE;
            }
        });
        for (var file : files) {
            final String text;
            try {
                text = Files.readString(file);
            } catch (NoSuchFileException e) {
                continue;
            }
            final var json = JsonParser.parseString(text).getAsJsonObject();
            if (json.has("state") && json.getAsJsonObject("state").has("root")) {
                final var states = new TreeMap<String, String>();
                json.getAsJsonObject("state").getAsJsonObject("root").entrySet()
                    .forEach(entry -> states.put(entry.getKey(), entry.getValue().getAsString()));
                return states;
            }
        }
        throw new IllegalStateException("no features service state under " + home.resolve("data/cache"));
    }

    /**
     * What a one-shot console command printed and its exit status.
     *
     * @param output standard output and error, colours removed
     * @param exit the client's exit status
     */
    record OneShot(String output, int exit) {
    }

    /**
     * Runs a console command the one-shot way, as an operator types it: {@code bin/client -u USER
     * -p PASSWORD COMMAND} (Karaf's client sends it as an SSH exec request).
     */
    OneShot oneShot(final String user, final String password, final String command)
            throws IOException, InterruptedException {
        final var client = script("client", "-u", user, "-p", password, "-r", "10", "-d", "2", command).start();
        client.getOutputStream().close();
        final var output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .replaceAll("\u001B\\[[0-9;]*m", "");
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        });
        if (!client.waitFor(120, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IllegalStateException("console command did not finish: " + command);
        }
        try {
            return new OneShot(output.get(10, TimeUnit.SECONDS), client.exitValue());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("console command's output not read: " + command, e);
        }
    }

    /**
     * Runs a Karaf console command in an interactive shell over the loopback SSH console (the
     * command on stdin, then end of input) and returns what the shell printed, colours removed.
     */
    String console(final String command) throws IOException, InterruptedException {
        final var client = script("client", "-u", "karaf", "-p", "karaf", "-r", "10", "-d", "2").start();
        // stdin stays open until the end marker comes back: closing it ends the session, and output
        // still on its way (a long table) would be cut off
        final var stdin = client.getOutputStream();
        stdin.write((command + "\necho " + CONSOLE_END + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        final var output = CompletableFuture.supplyAsync(() -> {
            final var text = new StringBuilder();
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    final var plain = line.replaceAll("\u001B\\[[0-9;]*m", "");
                    if (plain.strip().equals(CONSOLE_END)) {
                        break;
                    }
                    text.append(plain).append('\n');
                }
            } catch (IOException e) {
                text.append("(unreadable: ").append(e).append(')');
            }
            return text.toString();
        });
        try {
            return output.get(90, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("console command did not finish: " + command, e);
        } finally {
            stdin.close();
            if (!client.waitFor(30, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
        }
    }

    /**
     * Returns the IPv4/IPv6 addresses on which something listens on TCP {@code port}, from
     * /proc/net/tcp and /proc/net/tcp6.
     */
    static List<String> listeningAddresses(final int port) throws IOException {
        final var addresses = new ArrayList<String>();
        final var portHex = String.format(Locale.ROOT, "%04X", port);
        for (var table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (var line : Files.readAllLines(Path.of(table))) {
                final var fields = line.trim().split("\\s+");
                // fields: sl local_address rem_address st ...; st 0A is LISTEN
                if (fields.length > 3 && "0A".equals(fields[3]) && fields[1].endsWith(":" + portHex)) {
                    addresses.add(procAddress(fields[1].substring(0, fields[1].indexOf(':'))));
                }
            }
        }
        return addresses;
    }

    private static String procAddress(final String hex) {
        final var bytes = HexFormat.of().parseHex(hex);
        // /proc prints each 32-bit word in host (little-endian) order
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 0; i < 2; i++) {
                final byte tmp = bytes[word + i];
                bytes[word + i] = bytes[word + 3 - i];
                bytes[word + 3 - i] = tmp;
            }
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isListening(final int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops Karaf: politely (bin/stop), then by force after a deadline.
     */
    @Override
    public void close() throws InterruptedException {
        if (!started) {
            return;
        }
        try {
            supervisor(Duration.ofMinutes(3), "stop");
        } catch (IOException | IllegalStateException e) {
            LOG.warn("stopping Karaf in {}: {}; killing it", home, e.getMessage());
            kill();
        }
    }

    /**
     * A process running one of Karaf's bin/ scripts with the test's JDK. bin/setenv supplies the
     * launch settings; the build's own JDK_JAVA_OPTIONS must not leak in.
     */
    private ProcessBuilder script(final String name, final String... args) {
        final var command = new ArrayList<String>();
        command.add(home.resolve("bin").resolve(name).toString());
        command.addAll(List.of(args));
        final var builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().put("JAVA_HOME", javaHome.toString());
        return builder;
    }

    // the shutdown hook: whatever happens, no Karaf outlives the tests
    @SuppressWarnings("checkstyle:IllegalCatch")
    private void kill() {
        try {
            supervisor(Duration.ofMinutes(1), "kill");
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not kill Karaf in {}: {}", home, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String tail(final Path file, final int lines) {
        try {
            final List<String> all = Files.exists(file) ? Files.readAllLines(file) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        final List<Path> paths = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            walk.forEach(paths::add);
        }
        paths.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (var path : paths) {
            try {
                Files.delete(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
