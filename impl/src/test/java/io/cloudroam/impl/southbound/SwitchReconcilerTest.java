/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.southbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.util.concurrent.FluentFuture;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.SettableFuture;
import io.cloudroam.impl.ManualScheduler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opendaylight.mdsal.binding.api.DataBroker;
import org.opendaylight.mdsal.binding.api.ReadTransaction;
import org.opendaylight.mdsal.binding.api.RpcService;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.openflowplugin.api.openflow.device.DeviceInfo;
import org.opendaylight.yang.gen.v1.urn.opendaylight.inventory.rev130819.nodes.Node;
import org.opendaylight.yangtools.yang.common.Uint64;

/**
 * The checks after a switch connects reach only a switch still connected on the same connection:
 * a request to a switch that went away makes openflowplugin log an ERROR.
 */
class SwitchReconcilerTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    /** Every RPC asked for, by its simple name. */
    private final List<String> requested = new ArrayList<>();

    /** Switches in the operational inventory; the configuration datastore holds no flows. */
    private final java.util.Set<Long> inInventory = new java.util.HashSet<>(List.of(1L, 2L));

    private final SwitchReconciler reconciler = new SwitchReconciler(dataBroker(), rpcService(), scheduler);

    private static <T> T fake(final Class<T> type, final java.util.function.Function<String, Object> answer) {
        return type.cast(Proxy.newProxyInstance(SwitchReconcilerTest.class.getClassLoader(), new Class<?>[] {type},
            (proxy, method, args) -> answer.apply(method.getName())));
    }

    private DataBroker dataBroker() {
        final var tx = (ReadTransaction) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ReadTransaction.class}, (proxy, method, args) -> {
                if (!"read".equals(method.getName())) {
                    return null;
                }
                final boolean operational = args[0] == LogicalDatastoreType.OPERATIONAL;
                final boolean present = operational && inInventory.stream()
                    .anyMatch(dpid -> FrmFlowProgrammer.node(dpid).equals(args[1]));
                return FluentFuture.from(Futures.immediateFuture(present
                    ? Optional.of(fake(Node.class, name -> null)) : Optional.empty()));
            });
        return fake(DataBroker.class, method -> "newReadOnlyTransaction".equals(method) ? tx : null);
    }

    private RpcService rpcService() {
        return (RpcService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RpcService.class},
            (proxy, method, args) -> {
                final var rpc = (Class<?>) args[0];
                requested.add(rpc.getSimpleName());
                // the switch never answers: the test is about what is asked, not what follows
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {rpc},
                    (rpcProxy, invoke, input) -> SettableFuture.create());
            });
    }

    private static DeviceInfo device(final long datapathId) {
        return fake(DeviceInfo.class, method -> "getDatapathId".equals(method) ? Uint64.valueOf(datapathId) : null);
    }

    @Test
    void aConnectedSwitchIsComparedAFewSecondsAfterItConnects() {
        reconciler.startReconciliation(device(1));
        scheduler.advance(Duration.ofSeconds(2));
        assertEquals(List.of(), requested, "not while openflowplugin sets the switch up");
        scheduler.advance(Duration.ofSeconds(2));
        assertEquals(List.of("GetFlowStatistics"), requested);
    }

    @Test
    void aSwitchThatDisconnectedBeforeItsCheckIsAskedNothing() {
        reconciler.startReconciliation(device(1));
        reconciler.endReconciliation(device(1));
        scheduler.advance(Duration.ofSeconds(10));
        assertEquals(List.of(), requested);
    }

    @Test
    void aSwitchGoneFromTheInventoryIsAskedNothingThoughOpenflowpluginDidNotSaySo() {
        reconciler.startReconciliation(device(1));
        inInventory.remove(1L);
        scheduler.advance(Duration.ofSeconds(10));
        assertEquals(List.of(), requested);
    }

    @Test
    void aSwitchThatReconnectedIsCheckedOnceForItsNewConnection() {
        reconciler.startReconciliation(device(1));
        scheduler.advance(Duration.ofSeconds(1));
        reconciler.endReconciliation(device(1));
        reconciler.startReconciliation(device(1));
        reconciler.startReconciliation(device(2));
        scheduler.advance(Duration.ofSeconds(10));
        assertEquals(List.of("GetFlowStatistics", "GetFlowStatistics"), requested,
            "one check for switch 1's second connection, one for switch 2, none for the ended connection");
    }
}
