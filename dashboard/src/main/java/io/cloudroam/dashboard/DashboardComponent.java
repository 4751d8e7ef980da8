/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.dashboard;

import java.time.Clock;
import javax.servlet.ServletException;
import org.opendaylight.aaa.web.ResourceDetails;
import org.opendaylight.aaa.web.ServletDetails;
import org.opendaylight.aaa.web.WebContext;
import org.opendaylight.aaa.web.WebContextSecurer;
import org.opendaylight.aaa.web.WebServer;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.yangtools.concepts.Registration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the dashboard's web context, {@code /cloudroam}, with Karaf's web server, behind the
 * AAA authentication RESTCONF uses (the whole context: page, scripts, data and event stream).
 */
@Component(service = { }, immediate = true)
public final class DashboardComponent implements AutoCloseable {
    /** Where the dashboard lives on the web server. */
    public static final String CONTEXT_PATH = "/cloudroam";

    private static final Logger LOG = LoggerFactory.getLogger(DashboardComponent.class);

    private final EventHub hub;
    private final DatastoreFeed feed;
    private final Registration web;

    /**
     * Starts the dashboard.
     *
     * @param webServer Karaf's web server, as AAA wraps it
     * @param securer puts AAA's authentication filter in front of the context
     * @param dataBroker where the state comes from
     * @throws ServletException if the web server refuses the context
     */
    @Activate
    public DashboardComponent(@Reference final WebServer webServer, @Reference final WebContextSecurer securer,
            @Reference final DataBroker dataBroker) throws ServletException {
        final var clock = Clock.systemUTC();
        final var model = new DashboardModel(clock::instant);
        hub = new EventHub(model::toJson);
        feed = new DatastoreFeed(dataBroker, model, hub);
        final var context = WebContext.builder()
            .name("cloudroam-dashboard")
            .contextPath(CONTEXT_PATH)
            .supportsSessions(false)
            .addServlet(ServletDetails.builder().name("cloudroam-dashboard-state")
                .servlet(new DashboardServlets.State(model::toJson)).addUrlPattern("/api/state").build())
            .addServlet(ServletDetails.builder().name("cloudroam-dashboard-events")
                .servlet(new DashboardServlets.Events(hub)).addUrlPattern("/api/events").asyncSupported(true)
                .build())
            .addServlet(ServletDetails.builder().name("cloudroam-dashboard-index")
                .servlet(new DashboardServlets.Index()).addUrlPattern("/").build())
            .addResource(ResourceDetails.builder().name("/ui").build());
        securer.requireAuthentication(context, true, "/*");
        web = webServer.registerWebContext(context.build());
        LOG.info("cloudroam dashboard at {}{}/", webServer.getBaseURL(), CONTEXT_PATH);
    }

    @Deactivate
    @Override
    public void close() {
        web.close();
        feed.close();
        hub.close();
    }
}
