/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.dashboard;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import javax.servlet.Servlet;
import javax.servlet.ServletConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The servlets of the dashboard's web context; AAA's filter in front of them has already
 * authenticated the request.
 */
final class DashboardServlets {
    private DashboardServlets() {
        // servlets only
    }

    /**
     * A GET-only servlet. Not an {@code HttpServlet}: that one is {@code Serializable}, and these
     * hold live references (the model, the event hub) that must never be serialized.
     */
    abstract static class GetServlet implements Servlet {
        private ServletConfig config;

        @Override
        public final void init(final ServletConfig servletConfig) {
            config = servletConfig;
        }

        @Override
        public final ServletConfig getServletConfig() {
            return config;
        }

        @Override
        public final void service(final ServletRequest req, final ServletResponse res)
                throws ServletException, IOException {
            if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
                throw new ServletException("HTTP only");
            }
            if ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())) {
                doGet(request, response);
            } else {
                response.setHeader("Allow", "GET, HEAD");
                response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "the dashboard is read-only");
            }
        }

        abstract void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException;

        @Override
        public final String getServletInfo() {
            return getClass().getSimpleName();
        }

        @Override
        public final void destroy() {
            // nothing held
        }
    }

    private static void noCache(final HttpServletResponse resp) {
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
    }

    /**
     * {@code GET /cloudroam/} (and {@code /cloudroam/index.html}): the page; anything else under
     * the context that no other servlet or resource serves is 404.
     */
    static final class Index extends GetServlet {
        @Override
        void doGet(final HttpServletRequest req, final HttpServletResponse resp) throws IOException {
            final var path = req.getPathInfo() == null ? req.getServletPath() : req.getServletPath()
                + req.getPathInfo();
            if (path.isEmpty() && !req.getRequestURI().endsWith("/")) {
                // the page's links are relative to /cloudroam/
                resp.sendRedirect(req.getRequestURI() + "/");
                return;
            }
            if (!path.isEmpty() && !"/".equals(path) && !"/index.html".equals(path)) {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND, "no such page: " + path);
                return;
            }
            try (var in = Index.class.getResourceAsStream("/ui/index.html")) {
                if (in == null) {
                    resp.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "index.html missing from bundle");
                    return;
                }
                noCache(resp);
                resp.setContentType("text/html;charset=utf-8");
                in.transferTo(resp.getOutputStream());
            }
        }
    }

    /**
     * {@code GET /cloudroam/api/state}: the whole document once.
     */
    static final class State extends GetServlet {
        private final Supplier<String> document;

        State(final Supplier<String> document) {
            this.document = requireNonNull(document);
        }

        @Override
        void doGet(final HttpServletRequest req, final HttpServletResponse resp) throws IOException {
            noCache(resp);
            resp.setContentType("application/json;charset=utf-8");
            resp.getOutputStream().write(document.get().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * {@code GET /cloudroam/api/events}: a server-sent event stream of the document.
     */
    static final class Events extends GetServlet {
        private final EventHub hub;

        Events(final EventHub hub) {
            this.hub = requireNonNull(hub);
        }

        @Override
        void doGet(final HttpServletRequest req, final HttpServletResponse resp) throws IOException {
            if (hub.clients() >= EventHub.MAX_CLIENTS) {
                resp.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many dashboard streams open");
                return;
            }
            noCache(resp);
            resp.setContentType("text/event-stream;charset=utf-8");
            // no proxy buffering: each event must reach the browser at once
            resp.setHeader("X-Accel-Buffering", "no");
            resp.flushBuffer();
            final var async = req.startAsync();
            if (!hub.add(async)) {
                // filled up since the check above: end this stream at once, the browser retries
                async.complete();
            }
        }
    }
}
