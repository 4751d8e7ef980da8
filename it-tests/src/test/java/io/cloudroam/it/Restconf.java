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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    private final Duration requestTimeout;

    Restconf(final int port, final String user, final String password) {
        this("127.0.0.1", port, user, password);
    }

    /** The RESTCONF of a controller at another address (a cluster member's). */
    Restconf(final String host, final int port, final String user, final String password) {
        this("http://" + host + ":" + port, user == null ? null
            : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)),
            Duration.ofSeconds(30));
    }

    private Restconf(final String base, final String authorization, final Duration requestTimeout) {
        this.base = base;
        this.authorization = authorization;
        this.requestTimeout = requestTimeout;
    }

    Restconf withoutCredentials() {
        return new Restconf(base, null, requestTimeout);
    }

    @Override
    public String toString() {
        return base;
    }

    /** The same server, each request given up after {@code timeout} (HttpTimeoutException). */
    Restconf withRequestTimeout(final Duration timeout) {
        return new Restconf(base, authorization, timeout);
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

    /** Any method with a JSON body given as text (well-formed or not). */
    Response sendText(final String method, final String path, final String body)
            throws IOException, InterruptedException {
        return send(request(path).header("Accept", JSON).header("Content-Type", JSON)
            .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    Response post(final String path, final String contentType, final String body)
            throws IOException, InterruptedException {
        return send(request(path).header("Accept", JSON).header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

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

    /**
     * An open server-sent event stream (RFC 8040 section 6.3): each {@code data:} line's payload,
     * in arrival order.
     *
     * @param events the payloads
     * @param body the stream, cancelled by {@link #close()}
     */
    record EventStream(BlockingQueue<String> events, CompletableFuture<?> body) implements AutoCloseable {
        /** The next payload containing {@code needle}, waiting at most {@code timeout}. */
        String next(final String needle, final Duration timeout) throws InterruptedException {
            final long deadline = System.nanoTime() + timeout.toNanos();
            for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                final var event = events.poll(left, TimeUnit.NANOSECONDS);
                if (event != null && event.contains(needle)) {
                    return event;
                }
            }
            throw new AssertionError("no event containing " + needle + " within " + timeout);
        }

        @Override
        public void close() {
            body.cancel(true);
        }
    }

    /**
     * Opens a server-sent event stream.
     *
     * @param path e.g. /rests/streams/json/NAME
     * @return the stream, once its response headers arrived with status 200
     */
    EventStream events(final String path) throws IOException, InterruptedException, ExecutionException {
        final var queue = new LinkedBlockingQueue<String>();
        final var headers = new CompletableFuture<Integer>();
        final var body = http.sendAsync(request(path).header("Accept", "text/event-stream").GET().build(),
            info -> {
                headers.complete(info.statusCode());
                return HttpResponse.BodySubscribers.fromLineSubscriber(new Flow.Subscriber<String>() {
                    @Override
                    public void onSubscribe(final Flow.Subscription subscription) {
                        subscription.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(final String line) {
                        if (line.startsWith("data:")) {
                            queue.add(line.substring(5).strip());
                        }
                    }

                    @Override
                    public void onError(final Throwable throwable) {
                        // the stream ended: next() then times out with a clear message
                    }

                    @Override
                    public void onComplete() {
                        // as above
                    }
                });
            });
        final int status;
        try {
            status = headers.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            body.cancel(true);
            throw new IOException("no response to " + path, e);
        }
        if (status != 200) {
            body.cancel(true);
            throw new IOException(path + " answered " + status);
        }
        return new EventStream(queue, body);
    }

    /**
     * The next hop of the route from {@code from} to VMs in {@code destination}, from
     * {@code /overlay-routing}, or {@code null} when there is none (yet).
     */
    String nextHop(final String from, final String destination) throws IOException, InterruptedException {
        final var response = get("/rests/data/cloudroam:overlay-routing");
        if (response.status() != 200 || !response.json().getAsJsonObject("cloudroam:overlay-routing").has("route")) {
            return null;
        }
        for (var route : response.json().getAsJsonObject("cloudroam:overlay-routing").getAsJsonArray("route")) {
            final var entry = route.getAsJsonObject();
            if (from.equals(entry.get("cloud").getAsString())
                    && destination.equals(entry.get("destination").getAsString())) {
                return entry.get("next-hop").getAsString();
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
        final var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout);
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    private Response send(final HttpRequest.Builder builder) throws IOException, InterruptedException {
        final var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }
}
