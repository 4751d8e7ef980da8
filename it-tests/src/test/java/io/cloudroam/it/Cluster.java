/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three members of one OpenDaylight cluster on this machine, driven through the same code as
 * {@code ./cloudroam cluster} (lab/cloudroam_lab/cluster.py), installed afresh from the archive
 * under test into the build directory. Closing stops every member.
 */
final class Cluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    /**
     * How long forming the cluster or a rejoin may take: 70 to 90 s here, plus one supervised
     * restart of a member (a journal set aside, a member downed while it started).
     */
    private static final String FORM_TIMEOUT_S = "300";

    private final Path root;
    private final Path base;

    private Cluster(final Path root, final Path base) {
        this.root = root;
        this.base = base;
    }

    /**
     * Installs and starts three members and waits until every shard has a leader. The failover
     * profile is {@code tolerant} unless the system property {@code cloudroam.it.failover} names another.
     *
     * @param name the working directory name under cloudroam.work.dir (deleted first)
     */
    static Cluster up(final String name) throws IOException, InterruptedException {
        final var root = Path.of(System.getProperty("cloudroam.root"));
        final var base = Path.of(System.getProperty("cloudroam.work.dir"), name);
        final var cluster = new Cluster(root, base);
        cluster.run("down");
        KarafDistribution.deleteTree(base);
        boolean formed = false;
        try {
            // -Dcloudroam.it.failover=fast measures the other profile (docs/cluster.md)
            cluster.run("up", "--timeout", FORM_TIMEOUT_S, "--failover",
                System.getProperty("cloudroam.it.failover", "tolerant"));
            formed = true;
        } finally {
            if (!formed) {
                cluster.close();
            }
        }
        return cluster;
    }

    /** Members, shard roles and leaders, as {@code cluster status} reports them. */
    JsonObject status() throws IOException, InterruptedException {
        return run("status");
    }

    /** SIGKILLs a member (1-based). */
    void kill(final int member) throws IOException, InterruptedException {
        run("kill", Integer.toString(member));
    }

    /** Starts a member again and waits until it has rejoined. */
    JsonObject start(final int member) throws IOException, InterruptedException {
        return run("start", Integer.toString(member), "--timeout", FORM_TIMEOUT_S);
    }

    /**
     * Writes every entry of a stopped member's shard journal once more after the last, as a stale
     * tail leaves it (lab/tests/journaltool.py); its next start cannot recover that journal.
     *
     * @return how many entries were copied
     */
    int duplicateJournal(final int member, final String shard) throws IOException, InterruptedException {
        final var journal = base.resolve("member-" + member).resolve("cloudroam-karaf-0.1.0-SNAPSHOT/state")
            .resolve("odl.cluster.server/shards").resolve(shard).resolve("journal-v1-1.log");
        final var builder = new ProcessBuilder("python3", root.resolve("lab/tests/journaltool.py").toString(),
            "duplicate", journal.toString()).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", root.resolve("lab").toString());
        final var process = builder.start();
        final var out = read(process.getInputStream()).strip();
        if (process.waitFor() != 0) {
            throw new IOException("journaltool failed on " + journal + ": " + out);
        }
        return Integer.parseInt(out);
    }

    /** The log of a member. */
    Path log(final int member) {
        return base.resolve("member-" + member).resolve("cloudroam-karaf-0.1.0-SNAPSHOT/data/log/karaf.log");
    }

    JsonObject run(final String... args) throws IOException, InterruptedException {
        final var command = new ArrayList<>(List.of("python3", "-m", "cloudroam_lab.cluster"));
        command.addAll(List.of(args));
        final var builder = new ProcessBuilder(command).directory(root.toFile());
        final var env = builder.environment();
        env.put("PYTHONPATH", root.resolve("lab").toString());
        env.put("CLOUDROAM_CLUSTER_DIR", base.toString());
        env.put("CLOUDROAM_ARCHIVE", System.getProperty("cloudroam.karaf.archive"));
        env.put("JAVA_HOME", System.getProperty("cloudroam.java.home"));
        final var process = builder.start();
        final var err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        final var out = read(process.getInputStream());
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("cluster " + String.join(" ", args) + " timed out");
        }
        if (process.exitValue() != 0) {
            throw new IOException("cluster " + String.join(" ", args) + " failed (" + process.exitValue() + "): "
                + err.join());
        }
        final var said = err.join().strip();
        if (!said.isEmpty()) {
            // what a long wait waited for, a member restarted: worth seeing in the test's log
            LOG.info("cluster {}: {}", args[0], said);
        }
        return JsonParser.parseString(out).getAsJsonObject();
    }

    private static String read(final InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("down");
    }
}
