/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns an unpacked cloudroam distribution into an OpenDaylight controller that does not have
 * cloudroam: it boots OpenFlow and RESTCONF only, from the OpenDaylight feature repositories of the
 * same release, with OpenDaylight's own datastore and OpenFlow settings, and cloudroam's artifacts
 * are moved out of its system repository into a Maven repository of their own (the role of the
 * repository an operator adds cloudroam from). What stays is the Java 25 launch settings (bin/setenv
 * and the launch agent): an OpenDaylight on Java 25 needs them with or without cloudroam
 * (docs/install.md).
 */
final class BareOpenDaylight {
    private static final String OURS = "odl-cloudroam";
    private static final Pattern REPOSITORY = Pattern.compile("<repository>(mvn:[^<]+/xml/features)</repository>");
    private static final Pattern OUR_REPOSITORY_LINE =
        Pattern.compile("(?m)^\\s*<repository>mvn:io\\.cloudroam/features-cloudroam/[^<]+</repository>\\n");
    private static final Pattern BOOT = Pattern.compile("(?m)^featuresBoot\\s*=\\s*(.*)$");

    private BareOpenDaylight() {
    }

    /**
     * Strips cloudroam out of a distribution's home.
     *
     * @param home the unpacked distribution
     * @param repository where cloudroam's artifacts go (a Maven repository layout); must not exist
     * @return the version of cloudroam's feature repository there
     */
    static String strip(final Path home, final Path repository) throws IOException {
        final var ours = home.resolve("system/io/cloudroam");
        final var featuresFile = home.resolve("etc/org.apache.karaf.features.cfg");
        final var features = Files.readString(featuresFile);
        final var boot = BOOT.matcher(features);
        if (!boot.find()) {
            throw new IllegalStateException("no featuresBoot in " + featuresFile);
        }
        final var booted = Arrays.stream(boot.group(1).split(",")).map(String::strip).toList();
        final var kept = booted.stream().filter(feature -> !feature.startsWith(OURS)).toList();
        if (kept.size() == booted.size()) {
            throw new IllegalStateException("the distribution boots no cloudroam feature: " + booted);
        }
        // the OpenDaylight features booted next to ours come from the feature repositories ours name
        final var known = new LinkedHashSet<String>();
        try (var files = Files.walk(ours)) {
            for (var file : files.filter(path -> path.toString().endsWith("-features.xml")).toList()) {
                REPOSITORY.matcher(Files.readString(file)).results().map(match -> match.group(1))
                    .filter(url -> !url.startsWith("mvn:io.cloudroam/")).forEach(known::add);
            }
        }
        final var repositories = new ArrayList<String>();
        for (var feature : kept.subList(1, kept.size())) { // the first is Karaf's generated boot feature
            repositories.add(known.stream().filter(url -> url.contains("/" + feature + "/")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no feature repository for " + feature + " in " + known)));
        }
        final var wrapper = home.resolve("etc").resolve(wrapperFile(home));
        final var wrapperText = Files.readString(wrapper);
        if (!OUR_REPOSITORY_LINE.matcher(wrapperText).find()) {
            throw new IllegalStateException("cloudroam's feature repository is not in " + wrapper);
        }
        Files.writeString(wrapper, OUR_REPOSITORY_LINE.matcher(wrapperText).replaceFirst(repositories.stream()
            .map(url -> "    <repository>" + url + "</repository>\n").collect(Collectors.joining())));
        Files.writeString(featuresFile, boot.replaceFirst("featuresBoot = " + String.join(", ", kept)));
        // the generated profile records what the assembly was built with; no longer true
        final var profile = home.resolve("etc/profile.cfg");
        Files.write(profile, Files.readAllLines(profile).stream().filter(line -> !line.contains("cloudroam")).toList());
        // cloudroam's two changes to OpenDaylight's settings (docs/install.md tells an operator to make them)
        Files.delete(home.resolve("etc/org.opendaylight.openflowplugin.cfg"));
        Files.delete(home.resolve("etc/org.opendaylight.controller.cluster.datastore.cfg"));
        Files.createDirectories(repository.resolve("io"));
        Files.move(ours, repository.resolve("io/cloudroam"));
        try (var versions = Files.list(repository.resolve("io/cloudroam/features-cloudroam"))) {
            final List<Path> found = versions.filter(Files::isDirectory).toList();
            if (found.size() != 1) {
                throw new IllegalStateException("expected one version of features-cloudroam, found " + found);
            }
            return found.get(0).getFileName().toString();
        }
    }

    /** Karaf's generated features file (etc/UUID.xml) that lists the boot feature repositories. */
    private static String wrapperFile(final Path home) throws IOException {
        try (var files = Files.list(home.resolve("etc"))) {
            final var found = files.map(path -> path.getFileName().toString())
                .filter(name -> name.matches("[0-9a-f-]{36}\\.xml")).toList();
            if (found.size() != 1) {
                throw new IllegalStateException("expected one generated features file in etc/, found " + found);
            }
            return found.get(0);
        }
    }
}
