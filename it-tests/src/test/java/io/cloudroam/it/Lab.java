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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drives the multi-cloud lab ({@code ./cloudroam lab ...}) from JUnit: every command's JSON
 * answer comes back parsed; {@link #close()} takes the lab down whatever happened.
 */
final class Lab implements AutoCloseable {
    /**
     * What one lab command did.
     */
    record Result(int exit, String stdout, String stderr) {
        JsonObject json() {
            return JsonParser.parseString(stdout).getAsJsonObject();
        }
    }

    private final Path script;

    private Lab(final Path script) {
        this.script = script;
    }

    /**
     * Brings a lab up with the given {@code lab up} arguments.
     */
    static Lab up(final String... args) throws IOException, InterruptedException {
        final var root = System.getProperty("cloudroam.root");
        if (root == null) {
            throw new IllegalStateException("run through Maven: cloudroam.root is unset");
        }
        final var lab = new Lab(Path.of(root, "cloudroam"));
        final var command = new ArrayList<>(List.of("up"));
        command.addAll(List.of(args));
        lab.run(command.toArray(String[]::new));
        return lab;
    }

    /** Runs a lab command that must succeed and returns its JSON answer. */
    JsonObject run(final String... args) throws IOException, InterruptedException {
        final var result = attempt(args);
        if (result.exit() != 0) {
            throw new IllegalStateException("lab " + String.join(" ", args) + " failed (" + result.exit() + "): "
                + result.stderr());
        }
        return result.json();
    }

    /** Runs a lab command whatever its outcome. */
    Result attempt(final String... args) throws IOException, InterruptedException {
        final var command = new ArrayList<>(List.of(script.toString(), "lab"));
        command.addAll(List.of(args));
        final var process = new ProcessBuilder(command).start();
        final var err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        final var out = read(process.getInputStream());
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("lab " + String.join(" ", args) + " timed out");
        }
        return new Result(process.exitValue(), out, err.join());
    }

    JsonObject status() throws IOException, InterruptedException {
        return run("status");
    }

    JsonObject ping(final String from, final String to, final int count) throws IOException, InterruptedException {
        return run("ping", from, to, "--count", Integer.toString(count));
    }

    JsonObject rtt(final String from, final String to) throws IOException, InterruptedException {
        return run("rtt", from, to);
    }

    JsonObject migrate(final String vm, final String cloud, final String... options)
            throws IOException, InterruptedException {
        final var command = new ArrayList<>(List.of("migrate", vm, cloud));
        command.addAll(List.of(options));
        return run(command.toArray(String[]::new));
    }

    /** The cloud whose namespace holds the VM's port now. */
    String attachedIn(final String vm) throws IOException, InterruptedException {
        for (var entry : status().getAsJsonArray("vms")) {
            final var object = entry.getAsJsonObject();
            if (vm.equals(object.get("name").getAsString())) {
                return object.get("attached_in").isJsonNull() ? null : object.get("attached_in").getAsString();
            }
        }
        throw new IllegalArgumentException("no VM " + vm);
    }

    /**
     * Starts counting frames on a VM's eth0 or on the WAN ({@code where = "wan"}) and returns once
     * the capture listens; the future completes with the counts after {@code seconds}.
     */
    CompletableFuture<JsonObject> capture(final String where, final double seconds) throws IOException {
        final var process = new ProcessBuilder(script.toString(), "lab", "capture", where, "--seconds",
            Double.toString(seconds)).start();
        final var stderr = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(),
            StandardCharsets.UTF_8));
        String line;
        while ((line = stderr.readLine()) != null && !line.contains("capturing")) {
            // setup output before the capture listens
        }
        if (line == null) {
            throw new IllegalStateException("lab capture " + where + " ended before it listened");
        }
        return CompletableFuture.supplyAsync(() -> {
            final var out = read(process.getInputStream());
            try {
                if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    throw new IllegalStateException("lab capture " + where + " failed: " + out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return JsonParser.parseString(out).getAsJsonObject();
        });
    }

    /** ovs-vsctl or ovs-ofctl output of one cloud's switch. */
    String switchTool(final String tool, final String cloud, final String... args)
            throws IOException, InterruptedException {
        final var command = new ArrayList<>(List.of(tool, cloud));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new)).get("output").getAsString();
    }

    JsonObject leftovers() throws IOException, InterruptedException {
        return run("leftovers");
    }

    /**
     * Asserts that each lab command is refused the way bad input must be: exit 2, its message on stderr.
     *
     * @param cases commands, each with a part of the message it must print
     */
    void assertRefused(final List<BadInput> cases) throws IOException, InterruptedException {
        for (var bad : cases) {
            final var result = attempt(bad.args().toArray(String[]::new));
            if (result.exit() != 2 || !result.stderr().contains(bad.message())) {
                throw new AssertionError(bad + " not refused as bad input: " + result);
            }
        }
    }

    /** A lab command that must be refused, with a part of the message it must print. */
    record BadInput(List<String> args, String message) {
    }

    /** Takes the lab down and asserts that it left nothing behind (namespaces, processes, links, ports). */
    void closeLeavingNothing() throws IOException, InterruptedException {
        close();
        final var left = leftovers();
        for (var key : left.keySet()) {
            if (!left.getAsJsonArray(key).isEmpty()) {
                throw new AssertionError(key + " left behind: " + left);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("down");
    }

    private static String read(final java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
