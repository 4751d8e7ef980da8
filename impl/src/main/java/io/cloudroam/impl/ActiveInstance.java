/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl;

import io.cloudroam.impl.config.ConfigListener;
import io.cloudroam.impl.config.ConfigTracker;
import io.cloudroam.impl.config.ConfigWatchdog;
import io.cloudroam.impl.fabric.Fabric;
import io.cloudroam.impl.location.LocationTable;
import io.cloudroam.impl.northbound.ActiveInstanceRecord;
import io.cloudroam.impl.northbound.AnnounceMigrationRpc;
import io.cloudroam.impl.northbound.ClearQuarantineRpc;
import io.cloudroam.impl.northbound.CodecWarmUp;
import io.cloudroam.impl.northbound.LocateVmRpc;
import io.cloudroam.impl.northbound.OperationalPublisher;
import io.cloudroam.impl.northbound.RelayPacketInRpc;
import io.cloudroam.impl.northbound.StateRestore;
import io.cloudroam.impl.ovsdb.OvsdbSession;
import io.cloudroam.impl.southbound.DirectFlowProgrammer;
import io.cloudroam.impl.southbound.FrmFlowProgrammer;
import io.cloudroam.impl.southbound.RpcFlowProgrammer;
import io.cloudroam.impl.southbound.RpcPacketSender;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.NotificationPublishService;
import org.opendaylight.mdsal.binding.api.RpcProviderService;
import org.opendaylight.mdsal.binding.api.RpcService;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Cloudroam;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.binding.data.codec.api.BindingNormalizedNodeSerializer;
import org.opendaylight.yangtools.concepts.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of cloudroam that keeps state and acts on switches and VMs: the fabric (OVSDB
 * sessions, location learning, flows), its publisher and the RPCs that need it. One exists at a
 * time in a cluster (the cluster singleton {@link CloudroamProvider} registers); it starts from
 * what the replicated datastore holds, so a member that takes over continues where the lost one
 * stopped. On a single controller it simply runs.
 */
final class ActiveInstance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ActiveInstance.class);
    // a member taking over waits this long for the shards to elect leaders before it reads
    private static final Duration RESTORE_PATIENCE = Duration.ofMinutes(2);
    private static final Duration CONFIG_PATIENCE = Duration.ofSeconds(10);
    private static final Duration CONFIG_READ_TIMEOUT = Duration.ofSeconds(10);

    private final OperationalPublisher publisher;
    private final FrmFlowProgrammer programmer;
    private final Fabric fabric;
    private final Registration configRegistration;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("cloudroam-config-watchdog").daemon().factory());
    private final Registration rpcRegistration;
    private final Registration relayRegistration;

    ActiveInstance(final DataBroker dataBroker, final RpcProviderService rpcProvider, final RpcService rpcService,
            final NotificationPublishService notificationPublisher, final BindingNormalizedNodeSerializer codec,
            final String member) {
        final long started = System.nanoTime();
        // what the first migration publishes, serialized once now: not on the fabric's thread during it
        LOG.info("Codec warmed up for migration records in {} ms", CodecWarmUp.warm(codec).toMillis());
        final var locations = new LocationTable();
        publisher = new OperationalPublisher(dataBroker, notificationPublisher);
        programmer = new FrmFlowProgrammer(dataBroker);
        final var rpcProgrammer = new RpcFlowProgrammer(rpcService);
        final var directProgrammer = new DirectFlowProgrammer(rpcProgrammer, programmer);
        fabric = new Fabric(method -> switch (method) {
            case RPC -> rpcProgrammer;
            case DIRECT -> directProgrammer;
            case DATASTORE -> programmer;
        },
            new RpcPacketSender(rpcService), publisher,
            (cloud, onView) -> new OvsdbSession(cloud.ovsdbAddress().orElseThrow(), cloud.ovsdbPort(), onView),
            locations, Clock.systemUTC());
        // before any configuration or packet-in: the VMs, routes and history of an earlier run (or
        // of the member this one takes over from)
        fabric.restore(StateRestore.read(dataBroker, RESTORE_PATIENCE));
        publisher.publishCounters(fabric::counters);
        final var config = new ConfigTracker(fabric::configure);
        configRegistration = dataBroker.registerDataListener(LogicalDatastoreType.CONFIGURATION,
            DataObjectIdentifier.builder(Cloudroam.class).build(), new ConfigListener(config));
        new ConfigWatchdog(watchdog, CONFIG_PATIENCE, config,
            () -> ConfigListener.read(dataBroker, CONFIG_READ_TIMEOUT)).arm();
        rpcRegistration = rpcProvider.registerRpcImplementations(new LocateVmRpc(locations),
            new ClearQuarantineRpc(fabric), new AnnounceMigrationRpc(fabric));
        relayRegistration = rpcProvider.registerRpcImplementation(new RelayPacketInRpc(fabric),
            Set.of(RelayPacketInRpc.target(member)));
        // last: the other members address their relays to this member from now on
        ActiveInstanceRecord.write(dataBroker, member);
        LOG.info("cloudroam active on {} ({} VMs taken over) in {} ms", member, fabric.locations().size(),
            Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    Fabric fabric() {
        return fabric;
    }

    /**
     * Stops acting: the RPCs first, so no call sees a half-closed fabric.
     */
    @Override
    public void close() {
        rpcRegistration.close();
        relayRegistration.close();
        configRegistration.close();
        watchdog.shutdownNow();
        fabric.close();
        programmer.close();
        publisher.close();
    }
}
