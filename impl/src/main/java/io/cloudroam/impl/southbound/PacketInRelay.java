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
 * member {@code /active-instance} names). A relay the active member has not taken waits in a
 * {@link RelayBacklog}: when another member becomes active (the previous one died with relays in
 * flight), those of the last {@link #HAND_OVER_WINDOW_NANOS} are handed to it, oldest first.
 */
public final class PacketInRelay implements PacketInListener.Sink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PacketInRelay.class);
    // log the first failure, then one in this many
    private static final long LOG_EVERY = 1000;
    // a take-over takes 1 to 3 s with the fast failover profile, up to 7 s with the tolerant one
    static final long HAND_OVER_WINDOW_NANOS = 10_000_000_000L;
    // at most this many relays wait (a packet-in is at most a few kilobytes)
    static final int BACKLOG = 4096;

    private record Relay(long datapathId, long port, short tableId, byte[] payload) {
    }

    private final RelayPacketIn relay;
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong noTarget = new AtomicLong();
    private final AtomicLong handedOver = new AtomicLong();
    private final RelayBacklog<Relay> backlog = new RelayBacklog<>(BACKLOG, HAND_OVER_WINDOW_NANOS);
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
                final var previous = target;
                target = member == null ? null : RelayPacketInRpc.target(member);
                LOG.info("packet-ins of switches this member masters go to {} now", member);
                if (target != null && !target.equals(previous)) {
                    handOver(System.nanoTime());
                }
            });
    }

    private void handOver(final long now) {
        final var again = backlog.handOver(now);
        if (!again.isEmpty()) {
            LOG.info("{} packet-ins the previous active member did not take are handed to the new one",
                again.size());
        }
        for (var entry : again) {
            handedOver.incrementAndGet();
            send(entry.item(), entry.since());
        }
    }

    @Override
    public void packetIn(final long datapathId, final long port, final short tableId, final byte[] payload) {
        send(new Relay(datapathId, port, tableId, payload), System.nanoTime());
    }

    private void send(final Relay item, final long since) {
        final var to = target;
        if (to == null) {
            noTarget.incrementAndGet();
            return;
        }
        final var entry = backlog.sent(item, since);
        final var input = new RelayPacketInInputBuilder()
            .setMember(to)
            .setDatapathId(Uint64.fromLongBits(item.datapathId()))
            .setInPort(Uint32.valueOf(item.port()))
            .setTableId(Uint8.valueOf(item.tableId()))
            .setPayload(item.payload())
            .build();
        Futures.addCallback(relay.invoke(input), new FutureCallback<RpcResult<RelayPacketInOutput>>() {
            @Override
            public void onSuccess(final RpcResult<RelayPacketInOutput> result) {
                if (result.isSuccessful()) {
                    backlog.taken(entry);
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

    /**
     * Packet-ins handed to a new active member after the previous one had not taken them.
     *
     * @return the count
     */
    public long handedOver() {
        return handedOver.get();
    }

    @Override
    public void close() {
        activeListener.close();
    }
}
