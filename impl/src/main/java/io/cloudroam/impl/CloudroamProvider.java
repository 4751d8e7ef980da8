/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ListeningExecutorService;
import com.google.common.util.concurrent.MoreExecutors;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.fabric.Counters;
import io.cloudroam.impl.fabric.TunnelState;
import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.flow.FlowSpec;
import io.cloudroam.impl.location.VmLocation;
import io.cloudroam.impl.mdsal.ConfigCohort;
import io.cloudroam.impl.migration.ConflictRecord;
import io.cloudroam.impl.migration.MigrationRecord;
import io.cloudroam.impl.southbound.PacketInListener;
import io.cloudroam.impl.southbound.PacketInRelay;
import io.cloudroam.impl.southbound.SwitchReconciler;
import io.cloudroam.impl.topology.NetworkMtus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.NotificationPublishService;
import org.opendaylight.mdsal.binding.api.NotificationService;
import org.opendaylight.mdsal.binding.api.RpcProviderService;
import org.opendaylight.mdsal.binding.api.RpcService;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.mdsal.singleton.api.ClusterSingletonService;
import org.opendaylight.mdsal.singleton.api.ClusterSingletonServiceProvider;
import org.opendaylight.mdsal.singleton.api.ServiceGroupIdentifier;
import org.opendaylight.openflowplugin.applications.reconciliation.NotificationRegistration;
import org.opendaylight.openflowplugin.applications.reconciliation.ReconciliationManager;
import org.opendaylight.yang.gen.v1.urn.opendaylight.packet.service.rev130709.PacketReceived;
import org.opendaylight.yangtools.binding.data.codec.api.BindingNormalizedNodeSerializer;
import org.opendaylight.yangtools.concepts.Registration;
import org.opendaylight.yangtools.yang.common.Empty;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cloudroam's root component. On every member of a cluster (or the one controller) it registers
 * what must run where the switches and RESTCONF are: the configuration's commit cohort, the
 * reconciliation of connecting switches, and the packet-in listener. The stateful part, an
 * {@link ActiveInstance}, runs on one member at a time: this component registers it as a cluster
 * singleton, and a member where it stands by relays its packet-ins to the active member.
 * Holds no logic of its own.
 */
@Component(service = CloudroamState.class, immediate = true)
public final class CloudroamProvider implements CloudroamState, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudroamProvider.class);
    private static final ServiceGroupIdentifier SINGLETON = new ServiceGroupIdentifier("cloudroam");

    private final String member;
    private final Registration packetInRegistration;
    private final Registration cohortRegistration;
    private final SwitchReconciler reconciler;
    private final NotificationRegistration reconcilerRegistration;
    private final PacketInRelay relay;
    private final Registration singletonRegistration;
    private final ListeningExecutorService lifecycle = MoreExecutors.listeningDecorator(
        Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cloudroam-lifecycle").daemon().factory()));
    private volatile ActiveInstance active;

    /**
     * Starts cloudroam.
     *
     * @param dataBroker the binding data broker
     * @param rpcProvider where RPC implementations are registered
     * @param rpcService where the OpenFlow plugin's RPCs (packet-out) are found
     * @param notifications where packet-ins arrive
     * @param domBroker the DOM data broker, for the configuration's commit cohort
     * @param codec converts DOM data to bindings, for the cohort
     * @param notificationPublisher where vm-migrated and location-conflict notifications go
     * @param reconciliation the OpenFlow plugin's reconciliation framework: cloudroam checks every
     *        connecting switch against its flows
     * @param singletons decides which cluster member runs the active instance
     */
    @Activate
    public CloudroamProvider(@Reference final DataBroker dataBroker, @Reference final RpcProviderService rpcProvider,
            @Reference final RpcService rpcService, @Reference final NotificationService notifications,
            @Reference final DOMDataBroker domBroker, @Reference final BindingNormalizedNodeSerializer codec,
            @Reference final NotificationPublishService notificationPublisher,
            @Reference final ReconciliationManager reconciliation,
            @Reference final ClusterSingletonServiceProvider singletons) {
        member = System.getProperty("karaf.name", "root");
        cohortRegistration = ConfigCohort.register(domBroker, codec, (before, after) -> {
            // the member where cloudroam is active measured the paths; a standby's cohort has nothing to add
            final var here = active;
            return here != null ? here.fabric().mtuRefusals(before, after) : List.of();
        });
        reconciler = new SwitchReconciler(dataBroker, rpcService);
        reconcilerRegistration = reconciliation.registerService(reconciler);
        relay = new PacketInRelay(rpcService, dataBroker);
        packetInRegistration = notifications.registerListener(PacketReceived.class,
            new PacketInListener(this::packetIn));
        singletonRegistration = singletons.registerClusterSingletonService(new ClusterSingletonService() {
            @Override
            public ServiceGroupIdentifier getIdentifier() {
                return SINGLETON;
            }

            // Called on a Pekko dispatcher thread, which must not block: taking over reads the
            // datastore (and waits for shard leaders), so it happens on cloudroam's own thread,
            // and so does stopping, in order after it
            @Override
            public void instantiateServiceInstance() {
                LOG.info("cloudroam becomes active on {}", member);
                lifecycle.execute(() -> activate(dataBroker, rpcProvider, rpcService, notificationPublisher, codec));
            }

            @Override
            public ListenableFuture<?> closeServiceInstance() {
                try {
                    return lifecycle.submit(CloudroamProvider.this::standBy);
                } catch (RejectedExecutionException e) {
                    // cloudroam itself is stopping and its thread is gone
                    return Futures.immediateFuture(standBy());
                }
            }
        });
        LOG.info("cloudroam started on {}", member);
    }

    // whatever goes wrong while taking over is logged here: nobody else would see it
    @SuppressWarnings("checkstyle:IllegalCatch")
    private void activate(final DataBroker dataBroker, final RpcProviderService rpcProvider,
            final RpcService rpcService, final NotificationPublishService notificationPublisher,
            final BindingNormalizedNodeSerializer codec) {
        try {
            active = new ActiveInstance(dataBroker, rpcProvider, rpcService, notificationPublisher, codec, member);
        } catch (RuntimeException e) {
            LOG.error("cloudroam could not become active on {}", member, e);
        }
    }

    private synchronized Empty standBy() {
        final var stopping = active;
        active = null;
        if (stopping != null) {
            LOG.info("cloudroam stands by on {}", member);
            stopping.close();
        }
        return Empty.value();
    }

    private void packetIn(final long datapathId, final long port, final short tableId, final byte[] payload) {
        final var here = active;
        if (here != null) {
            here.fabric().packetIn(datapathId, port, tableId, payload);
        } else {
            relay.packetIn(datapathId, port, tableId, payload);
        }
    }

    /**
     * Stops cloudroam: the singleton first (the active instance closes its RPCs before its fabric),
     * so that another member takes over.
     */
    @Deactivate
    @Override
    public void close() {
        singletonRegistration.close();
        // the singleton's close runs on the lifecycle thread; it is done when that thread is
        lifecycle.shutdown();
        try {
            if (!lifecycle.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("cloudroam's active instance did not stop within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        packetInRegistration.close();
        cohortRegistration.close();
        closeReconciler();
        relay.close();
        LOG.info("cloudroam stopped on {} ({} packet-ins relayed, {} not, {} handed over after a take-over)", member,
            relay.relayed(), relay.failed(), relay.handedOver());
    }

    @Override
    public boolean isActive() {
        return active != null;
    }

    @Override
    public String member() {
        return member;
    }

    @Override
    public CloudroamConfig config() {
        final var here = active;
        return here != null ? here.fabric().config() : CloudroamConfig.EMPTY;
    }

    @Override
    public boolean ovsdbConnected(final String cloud) {
        final var here = active;
        return here != null && here.fabric().ovsdbConnected(cloud);
    }

    @Override
    public List<VmLocation> locations() {
        final var here = active;
        return here != null ? here.fabric().locations() : List.of();
    }

    @Override
    public List<TunnelState> tunnels() {
        final var here = active;
        return here != null ? here.fabric().tunnels() : List.of();
    }

    @Override
    public List<NetworkMtus.Network> networkMtus() {
        final var here = active;
        return here != null ? here.fabric().networkMtus() : List.of();
    }

    @Override
    public Map<FlowKey, FlowSpec> flows(final long datapathId) {
        final var here = active;
        return here != null ? here.fabric().installedFlows().getOrDefault(datapathId, Map.of()) : Map.of();
    }

    @Override
    public List<MigrationRecord> migrations() {
        final var here = active;
        return here != null ? here.fabric().migrations() : List.of();
    }

    @Override
    public List<ConflictRecord> conflicts() {
        final var here = active;
        return here != null ? here.fabric().conflicts() : List.of();
    }

    @Override
    public Map<Counters.Kind, Long> counters() {
        final var here = active;
        return here != null ? here.fabric().counters() : Map.of();
    }

    // NotificationRegistration is an AutoCloseable whose close() declares Exception; whatever it
    // throws, the rest of cloudroam must still be closed
    @SuppressWarnings("checkstyle:IllegalCatch")
    private void closeReconciler() {
        try {
            reconcilerRegistration.close();
        } catch (Exception e) {
            LOG.warn("Unregistering from the reconciliation framework failed", e);
        }
        reconciler.close();
    }
}
