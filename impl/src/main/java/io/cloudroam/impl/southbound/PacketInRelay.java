/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.cloudroam.impl.northbound.RelayPacketInRpc;
import java.util.concurrent.atomic.AtomicLong;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.RpcService;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.ActiveInstance;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.RelayPacketIn;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.RelayPacketInInputBuilder;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.cluster.rev261128.RelayPacketInOutput;
import org.opendaylight.yangtools.binding.DataObjectIdentifier;
import org.opendaylight.yangtools.concepts.Registration;
import org.opendaylight.yangtools.yang.common.RpcResult;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.Uint64;
import org.opendaylight.yangtools.yang.common.Uint8;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a cluster member where cloudroam stands by: hands the packet-ins of the switches this member
 * is OpenFlow master of to the active member ({@code relay-packet-in}, a remote RPC routed to the
 * member {@code /active-instance} names). While a take-over is in progress the call fails and the
 * frame is dropped; guests repeat their announcements and traffic brings the next packet-in.
 */
public final class PacketInRelay implements PacketInListener.Sink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PacketInRelay.class);
    // log the first failure, then one in this many
    private static final long LOG_EVERY = 1000;

    private final RelayPacketIn relay;
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong noTarget = new AtomicLong();
    private final Registration activeListener;
    private volatile DataObjectIdentifier<?> target;

    /**
     * Creates one.
     *
     * @param rpcService where the active member's {@code relay-packet-in} is found
     * @param dataBroker where {@code /active-instance} says which member that is
     */
    public PacketInRelay(final RpcService rpcService, final DataBroker dataBroker) {
        relay = rpcService.getRpc(RelayPacketIn.class);
        activeListener = dataBroker.registerDataListener(LogicalDatastoreType.OPERATIONAL,
            DataObjectIdentifier.builder(ActiveInstance.class).build(), active -> {
                final var member = active == null ? null : active.getMember();
                target = member == null ? null : RelayPacketInRpc.target(member);
                LOG.info("packet-ins of switches this member masters go to {} now", member);
            });
    }

    @Override
    public void packetIn(final long datapathId, final long port, final short tableId, final byte[] payload) {
        final var to = target;
        if (to == null) {
            noTarget.incrementAndGet();
            return;
        }
        final var input = new RelayPacketInInputBuilder()
            .setMember(to)
            .setDatapathId(Uint64.fromLongBits(datapathId))
            .setInPort(Uint32.valueOf(port))
            .setTableId(Uint8.valueOf(tableId))
            .setPayload(payload)
            .build();
        Futures.addCallback(relay.invoke(input), new FutureCallback<RpcResult<RelayPacketInOutput>>() {
            @Override
            public void onSuccess(final RpcResult<RelayPacketInOutput> result) {
                if (result.isSuccessful()) {
                    if (relayed.incrementAndGet() % LOG_EVERY == 1) {
                        LOG.info("{} packet-ins handed to the active member so far", relayed.get());
                    }
                } else {
                    onFailure(new IllegalStateException(result.getErrors().toString()));
                }
            }

            @Override
            public void onFailure(final Throwable cause) {
                final long count = failed.incrementAndGet();
                if (count % LOG_EVERY == 1) {
                    LOG.warn("A packet-in could not be handed to the active member ({} so far): {}", count,
                        cause.getMessage());
                }
            }
        }, MoreExecutors.directExecutor());
    }

    /**
     * Packet-ins the active member took.
     *
     * @return the count
     */
    public long relayed() {
        return relayed.get();
    }

    /**
     * Packet-ins that could not be handed on: the call failed, or no member was known to be active.
     *
     * @return the count
     */
    public long failed() {
        return failed.get() + noTarget.get();
    }

    @Override
    public void close() {
        activeListener.close();
    }
}
