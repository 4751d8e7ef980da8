/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A small RESTCONF (RFC 8040) client over the JDK HTTP client, talking to 127.0.0.1 only.
 */
final class Restconf {
    static final String JSON = "application/yang-data+json";
    static final String XML = "application/yang-data+xml";

    /**
     * One response: status and body.
     */
    record Response(int status, String body) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }

        /** The first RFC 8040 error of an error body. */
        JsonObject firstError() {
            return json().getAsJsonObject("errors").getAsJsonArray("error").get(0).getAsJsonObject();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String authorization;

    Restconf(final int port, final String user, final String password) {
        base = "http://127.0.0.1:" + port;
        authorization = user == null ? null
            : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    Restconf withoutCredentials() {
        return new Restconf(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), null, null);
    }

    Response get(final String path) throws IOException, InterruptedException {
        return get(path, JSON);
    }

    Response get(final String path, final String accept) throws IOException, InterruptedException {
        return send(request(path).header("Accept", accept).GET());
    }

    Response delete(final String path) throws IOException, InterruptedException {
        return send(request(path).header("Accept", JSON).DELETE());
    }

    Response put(final String path, final JsonElement body) throws IOException, InterruptedException {
        return send(request(path).header("Accept", JSON).header("Content-Type", JSON)
            .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    Response post(final String path, final String contentType, final String body)
            throws IOException, InterruptedException {
        return send(request(path).header("Accept", JSON).header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Like {@link #get(String)}, but any failure to connect counts as "not yet". */
    /**
     * The entry of a list whose leaf has a value, or {@code null} when the data or the entry is not
     * there (yet).
     *
     * @param path the RESTCONF data path of the container, e.g. /rests/data/cloudroam:vm-locations
     * @param list the list inside it
     * @param leaf the leaf to compare
     * @param value the value wanted
     */
    JsonObject entryWith(final String path, final String list, final String leaf, final String value)
            throws IOException, InterruptedException {
        final var response = get(path);
        if (response.status() != 200) {
            return null;
        }
        final var container = response.json().getAsJsonObject(path.substring(path.lastIndexOf('/') + 1));
        for (var entry : container.getAsJsonArray(list)) {
            if (value.equals(entry.getAsJsonObject().get(leaf).getAsString())) {
                return entry.getAsJsonObject();
            }
        }
        return null;
    }

    boolean answers(final String path, final String needle) {
        try {
            final var response = get(path);
            return response.status() == 200 && response.body().contains(needle);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpRequest.Builder request(final String path) {
        final var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    private Response send(final HttpRequest.Builder builder) throws IOException, InterruptedException {
        final var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }
}
