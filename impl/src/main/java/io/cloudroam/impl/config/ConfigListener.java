/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static java.util.Objects.requireNonNull;

import io.cloudroam.impl.location.MobilityGuard;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jdt.annotation.Nullable;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.DataListener;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.CloudId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Cloudroam;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.DatapathId;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam.Cloud;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam.Mobility;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam.PortBinding;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam.Routing;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.cloudroam.VirtualNetwork;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.IpAddress;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;

/**
 * Thin adapter: turns the configuration datastore's {@code /cloudroam} container into a
 * {@link CloudroamConfig} and offers it to a {@link ConfigTracker}.
 */
public final class ConfigListener implements DataListener<Cloudroam> {
    private final ConfigTracker tracker;

    /**
     * Creates a listener feeding {@code tracker}.
     *
     * @param tracker where configurations go
     */
    public ConfigListener(final ConfigTracker tracker) {
        this.tracker = requireNonNull(tracker);
    }

    @Override
    public void dataChangedTo(final @Nullable Cloudroam data) {
        tracker.offer(toConfig(data));
    }

    /**
     * Reads the configuration datastore's {@code /cloudroam} container (for {@link ConfigWatchdog}).
     *
     * @param broker the data broker
     * @param timeout how long the read may take
     * @return the configuration
     * @throws IllegalStateException when the read fails or takes longer
     */
    public static CloudroamConfig read(final DataBroker broker, final Duration timeout) {
        try (var tx = broker.newReadOnlyTransaction()) {
            return toConfig(tx.read(LogicalDatastoreType.CONFIGURATION,
                DataObjectIdentifier.builder(Cloudroam.class).build())
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the configuration", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the configuration", e);
        }
    }

    /**
     * Converts the binding form of the configuration.
     *
     * @param data the container, {@code null} when nothing is configured
     * @return the snapshot
     */
    public static CloudroamConfig toConfig(final @Nullable Cloudroam data) {
        if (data == null) {
            return CloudroamConfig.EMPTY;
        }
        final var method = switch (data.getFlowProgramming()) {
            case null -> CloudroamConfig.EMPTY.flowProgramming();
            case Rpc -> CloudroamConfig.FlowProgramming.RPC;
            case Direct -> CloudroamConfig.FlowProgramming.DIRECT;
            case Datastore -> CloudroamConfig.FlowProgramming.DATASTORE;
        };
        return CloudroamConfig.of(
            data.nonnullCloud().values().stream().map(ConfigListener::toCloud).toList(),
            data.nonnullVirtualNetwork().values().stream().map(ConfigListener::toNetwork).toList(),
            data.nonnullPortBinding().values().stream().map(ConfigListener::toBinding).toList())
            .withFlowProgramming(method)
            .withLocationIdleTimeout(Duration.ofSeconds(data.getLocationIdleTimeout() == null ? 0
                : data.getLocationIdleTimeout().longValue()))
            .withMobility(toMobility(data.getMobility()))
            .withRouting(toRouting(data.getRouting()));
    }

    private static CloudroamConfig.Routing toRouting(final @Nullable Routing routing) {
        final var defaults = CloudroamConfig.Routing.DEFAULT;
        if (routing == null) {
            return defaults;
        }
        return new CloudroamConfig.Routing(routing.getProbeInterval() == null ? defaults.probeInterval()
            : Duration.ofMillis(routing.getProbeInterval().longValue()),
            routing.getProbeLoss() == null ? defaults.probeLoss() : routing.getProbeLoss().intValue());
    }

    private static CloudSpec toCloud(final Cloud cloud) {
        final var ovsdb = cloud.getOvsdb();
        final var address = ovsdb == null ? null : ovsdb.getAddress();
        final var port = ovsdb == null || ovsdb.getPort() == null ? CloudSpec.DEFAULT_OVSDB_PORT
            : ovsdb.getPort().getValue().intValue();
        final var switches = cloud.getSwitch();
        return new CloudSpec(cloud.requireId().getValue(), ipText(cloud.requireTunnelEndpoint()),
            Optional.ofNullable(address).map(ConfigListener::ipText), port,
            switches == null ? List.of() : switches.stream().map(DatapathId::getValue).map(Number::longValue)
                .toList());
    }

    private static VirtualNetworkSpec toNetwork(final VirtualNetwork network) {
        final var clouds = network.getCloud();
        return new VirtualNetworkSpec(network.requireVni().getValue().intValue(),
            network.getName() == null ? "" : network.getName(),
            clouds == null ? List.of() : clouds.stream().map(CloudId::getValue).toList(),
            switch (network.getMode() == null ? VirtualNetwork.Mode.Optimal : network.getMode()) {
                case Triangle -> VirtualNetworkSpec.Mode.TRIANGLE;
                case Reactive -> VirtualNetworkSpec.Mode.REACTIVE;
                case Optimal -> VirtualNetworkSpec.Mode.OPTIMAL;
            }, network.getMtu() == null ? 0 : network.getMtu().intValue());
    }

    private static CloudroamConfig.Mobility toMobility(final @Nullable Mobility mobility) {
        if (mobility == null) {
            return CloudroamConfig.Mobility.DEFAULT;
        }
        final var defaults = CloudroamConfig.Mobility.DEFAULT;
        return new CloudroamConfig.Mobility(
            mobility.getVerifyTimeout() == null ? defaults.verifyTimeout()
                : Duration.ofMillis(mobility.getVerifyTimeout().longValue()),
            new MobilityGuard.Policy(
                mobility.getFlapMoves() == null ? defaults.guard().flapMoves() : mobility.getFlapMoves().intValue(),
                mobility.getFlapWindow() == null ? defaults.guard().window()
                    : Duration.ofSeconds(mobility.getFlapWindow().longValue()),
                mobility.getQuarantineTime() == null ? defaults.guard().quarantine()
                    : Duration.ofSeconds(mobility.getQuarantineTime().longValue())),
            mobility.getPrepareMigrations() == null ? defaults.prepareMigrations() : mobility.getPrepareMigrations(),
            mobility.getVerifyStrategy() == Mobility.VerifyStrategy.ApplyThenProbe
                ? CloudroamConfig.VerifyStrategy.APPLY_THEN_PROBE : CloudroamConfig.VerifyStrategy.PROBE_THEN_APPLY);
    }

    private static PortBindingSpec toBinding(final PortBinding binding) {
        return new PortBindingSpec(binding.requireCloud().getValue(), binding.requirePort(),
            binding.requireVni().getValue().intValue());
    }

    private static String ipText(final IpAddress address) {
        return address.stringValue();
    }
}
