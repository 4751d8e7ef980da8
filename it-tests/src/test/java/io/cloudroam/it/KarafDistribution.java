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
 * The real built cloudroam Karaf distribution, started as its own process (bin/karaf, with the
 * launch settings of bin/setenv) and stopped again, even when a test fails or the test JVM is
 * interrupted.
 */
final class KarafDistribution implements AutoCloseable {
    static final int RESTCONF_PORT = 8181;
    static final int OPENFLOW_PORT = 6653;
    static final int SSH_PORT = 8101;
    private static final Logger LOG = LoggerFactory.getLogger(KarafDistribution.class);
    /** What AAA's encryption service logs once it works; RESTCONF waits for it. */
    private static final String AAA_STARTED = "Encryption Service enabled";
    /** A start this long without readiness and without {@link #AAA_STARTED} is the AAA hang. */
    private static final Duration AAA_PATIENCE = Duration.ofSeconds(120);

    private final Path home;
    private final Path javaHome;
    private final Path consoleLog;
    private final Thread shutdownHook;
    private Process process;
    /** How often AAA's encryption service had started in the Karaf log before the latest start. */
    private int aaaStartsBefore;

    private KarafDistribution(final Path home, final Path javaHome) {
        this.home = requireNonNull(home);
        this.javaHome = requireNonNull(javaHome);
        consoleLog = home.resolve("console.log");
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
        if (archive == null || work == null || java == null) {
            throw new IllegalStateException("run through Maven: cloudroam.karaf.archive, cloudroam.work.dir and "
                + "cloudroam.java.home are unset");
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
            return new KarafDistribution(home, Path.of(java));
        }
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
     * Starts Karaf.
     */
    void start() throws IOException {
        for (int port : new int[] {RESTCONF_PORT, OPENFLOW_PORT, SSH_PORT}) {
            if (isListening(port)) {
                throw new IllegalStateException("port " + port + " on 127.0.0.1 is already in use; stop whatever holds"
                    + " it (./cloudroam stop stops a controller started by ./cloudroam run)");
            }
        }
        final var builder = script("karaf", "server").redirectOutput(consoleLog.toFile());
        aaaStartsBefore = Files.exists(karafLog()) ? logLines(AAA_STARTED).size() : 0;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        process = builder.start();
    }

    /**
     * Whether this start is stuck in OpenDaylight AAA's hang (docs/cluster.md, Known limits): its
     * encryption service never started, and RESTCONF waits for it forever.
     */
    private boolean aaaStuck() {
        try {
            return logLines(AAA_STARTED).size() == aaaStartsBefore;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Polls until {@code ready} holds, failing early when Karaf dies.
     */
    void awaitReady(final Duration timeout, final BooleanSupplier ready) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        final long patience = System.nanoTime() + AAA_PATIENCE.toNanos();
        boolean restarted = false;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited with " + process.exitValue() + " during start-up; "
                    + "console:\n" + tail(consoleLog, 40));
            }
            if (isListening(OPENFLOW_PORT) && ready.getAsBoolean()) {
                return;
            }
            if (!restarted && System.nanoTime() > patience && aaaStuck()) {
                // what ./cloudroam cluster start does for a member in the same state
                LOG.warn("Karaf not ready after {} and AAA's encryption service never started (the AAA hang, "
                    + "docs/cluster.md): restarting it once", AAA_PATIENCE);
                close();
                start();
                restarted = true;
                deadline = System.nanoTime() + timeout.toNanos();
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("Karaf not ready after " + timeout + "; log tail:\n" + tail(karafLog(), 40));
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
     * Runs a Karaf console command in an interactive shell over the loopback SSH console (the
     * command on stdin, then end of input) and returns what the shell printed, colours removed.
     * The one-shot form ({@code bin/client COMMAND}) prints nothing on Java 25, see docs/java25.md.
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
        if (process == null) {
            return;
        }
        try {
            script("stop").redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // fall through to the forced stop
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
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

    private void kill() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
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
