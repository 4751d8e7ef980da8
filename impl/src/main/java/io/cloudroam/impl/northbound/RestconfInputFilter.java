/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.northbound;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ReadListener;
import javax.servlet.ServletException;
import javax.servlet.ServletInputStream;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;
import org.opendaylight.aaa.api.AuthenticationException;
import org.opendaylight.aaa.api.PasswordCredentialAuth;
import org.opendaylight.aaa.api.PasswordCredentials;
import org.opendaylight.mdsal.dom.api.DOMSchemaService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin adapter: puts {@link InputCheck} in front of RESTCONF for JSON bodies sent to the cloudroam
 * model, answering a certainly-wrong value with an RFC 8040 error that names the node, before
 * netconf's parser answers with a message that does not (or with none). Everything else passes
 * untouched.
 *
 * <p>RESTCONF's web context runs every OSGi {@link Filter} service carrying the property
 * {@code org.opendaylight.aaa.filterchain.filter=true} (AAA 0.21's
 * {@code CustomFilterAdapterConstants.FILTERCHAIN_FILTER}; later AAA releases renamed it).
 */
@Component(service = Filter.class, property = "org.opendaylight.aaa.filterchain.filter=true")
public final class RestconfInputFilter implements Filter {
    /** Bodies larger than this are left to RESTCONF unchecked (they are not configuration edits). */
    static final int MAX_CHECKED_BODY = 8 * 1024 * 1024;
    private static final Set<String> METHODS = Set.of("PUT", "POST", "PATCH");
    private static final Logger LOG = LoggerFactory.getLogger(RestconfInputFilter.class);

    private static final String DOMAIN = "sdn";

    private final DOMSchemaService schemaService;
    private final PasswordCredentialAuth credentials;

    /**
     * Creates the filter.
     *
     * @param schemaService the schema RESTCONF serves
     * @param credentials AAA's identity store, to answer only authenticated callers
     */
    @Activate
    public RestconfInputFilter(@Reference final DOMSchemaService schemaService,
            @Reference final PasswordCredentialAuth credentials) {
        this.schemaService = requireNonNull(schemaService);
        this.credentials = requireNonNull(credentials);
    }

    @Override
    public void init(final FilterConfig filterConfig) {
        // nothing to configure
    }

    @Override
    public void doFilter(final ServletRequest request, final ServletResponse response, final FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse reply)
                || !METHODS.contains(http.getMethod()) || !isPlainJson(http.getContentType())) {
            chain.doFilter(request, response);
            return;
        }
        // below RESTCONF's root, still percent-encoded: InputCheck decodes each segment itself
        final var path = http.getRequestURI().substring(http.getContextPath().length());
        // cloudroam's paths and the datastore root (whose body may hold cloudroam's container); other
        // applications' requests are not even read
        if (!InputCheck.concerns(path) && !"/data".equals(path) && !"/data/".equals(path)) {
            chain.doFilter(request, response);
            return;
        }
        final byte[] body = http.getInputStream().readNBytes(MAX_CHECKED_BODY + 1);
        if (body.length <= MAX_CHECKED_BODY) {
            final Optional<InputCheck.Problem> problem;
            final var json = parse(body);
            if (json.isPresent()) {
                problem = check(http.getMethod(), path, json.orElseThrow());
            } else if (InputCheck.concerns(path)) {
                // netconf 9.0.1 answers some malformed JSON with a bare 500
                problem = Optional.of(InputCheck.Problem.at("malformed-message", "", "not well-formed JSON"));
            } else {
                problem = Optional.empty();
            }
            // this filter runs before AAA's: answer only a caller AAA would let in; anyone else goes on
            // to AAA, which refuses them without a word about their body
            if (problem.isPresent() && authenticated(http)) {
                reject(reply, problem.orElseThrow());
                return;
            }
        }
        chain.doFilter(new CachedBody(http, body), response);
    }

    /**
     * Whether the request carries HTTP basic credentials AAA's identity store accepts (domain
     * {@value #DOMAIN}, as AAA's own basic authentication assumes). Other schemes (tokens, other
     * realms) count as not authenticated: those requests get RESTCONF's own answer.
     */
    private boolean authenticated(final HttpServletRequest request) {
        final var header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        final String[] userAndPassword;
        try {
            userAndPassword = new String(Base64.getDecoder().decode(header.substring(6).strip()),
                StandardCharsets.UTF_8).split(":", 2);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (userAndPassword.length != 2) {
            return false;
        }
        try {
            return credentials.authenticate(new BasicCredentials(userAndPassword[0], userAndPassword[1], DOMAIN))
                != null;
        } catch (AuthenticationException e) {
            return false;
        }
    }

    /** HTTP basic credentials as AAA's identity store takes them. */
    private record BasicCredentials(String username, String password, String domain) implements PasswordCredentials {
    }

    // The one catch-all: this filter sits in front of every RESTCONF write; a defect in the check must
    // leave the request to RESTCONF rather than answer it with a server error.
    @SuppressWarnings("checkstyle:IllegalCatch")
    private Optional<InputCheck.Problem> check(final String method, final String path, final JsonElement json) {
        try {
            return InputCheck.check(schemaService.getGlobalContext(), method, path, json);
        } catch (RuntimeException e) {
            // a gap in the check must not turn a request into a server error: RESTCONF judges it
            LOG.warn("input check failed on {} {}; left to RESTCONF", method, path, e);
            return Optional.empty();
        }
    }

    private static boolean isPlainJson(final String contentType) {
        if (contentType == null) {
            return false;
        }
        final var type = contentType.toLowerCase(Locale.ROOT);
        // application/yang-data+json and application/json; not yang-patch+json (another format)
        return type.startsWith("application/yang-data+json") || type.startsWith("application/json");
    }

    private static Optional<JsonElement> parse(final byte[] body) {
        try {
            return Optional.of(JsonParser.parseReader(new BufferedReader(new InputStreamReader(
                new ByteArrayInputStream(body), StandardCharsets.UTF_8))));
        } catch (JsonParseException e) {
            // not JSON, or not all of it
            return Optional.empty();
        }
    }

    private static void reject(final HttpServletResponse reply, final InputCheck.Problem problem)
            throws IOException {
        final var error = new JsonObject();
        error.addProperty("error-type", "malformed-message".equals(problem.errorTag()) ? "protocol" : "application");
        error.addProperty("error-tag", problem.errorTag());
        if (!problem.errorPath().isEmpty()) {
            error.addProperty("error-path", problem.errorPath());
        }
        error.addProperty("error-message", problem.message());
        final var list = new JsonArray();
        list.add(error);
        final var errors = new JsonObject();
        final var inner = new JsonObject();
        inner.add("error", list);
        errors.add("errors", inner);
        reply.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        reply.setContentType("application/yang-data+json");
        reply.getOutputStream().write(errors.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void destroy() {
        // nothing held
    }

    /** The request with its body read once and served again from memory. */
    private static final class CachedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(final HttpServletRequest request, final byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            final var rest = getRequest().getInputStream();
            final var cached = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    final int next = cached.read();
                    return next >= 0 ? next : rest.read();
                }

                @Override
                public int read(final byte[] buffer, final int offset, final int length) throws IOException {
                    final int count = cached.read(buffer, offset, length);
                    return count > 0 ? count : rest.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return cached.available() == 0 && rest.isFinished();
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(final ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }
            };
        }

        @Override
        public BufferedReader getReader() throws IOException {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
