/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import io.cloudroam.impl.flow.FlowKey;
import io.cloudroam.impl.flow.FlowSpec;
import java.time.Duration;
import java.util.Map;

/**
 * What tests and benchmarks do to a fabric that its users do not: wait for it to be idle, count
 * the inputs it failed on, compile its desired flows whole, hand it an input before its time.
 */
final class FabricHooks {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private FabricHooks() {
        // static only
    }

    /** Waits until nothing waits on the fabric's thread or on a switch. */
    static void settle(final Fabric fabric, final Duration patience) {
        fabric.loop.awaitTrue("idle", fabric.core::idle, patience);
    }

    /** Inputs the fabric failed on (each is logged). */
    static long taskFailures(final Fabric fabric) {
        return fabric.loop.failures();
    }

    /** The desired flows of every switch, compiled whole from the inputs in force. */
    static Map<Long, Map<FlowKey, FlowSpec>> desiredFlows(final Fabric fabric) {
        return fabric.loop.ask("the desired flows", fabric.core::desired, PATIENCE);
    }

    /** Takes an input now (a probe round, a tick) as if its time had come. */
    static void now(final Fabric fabric, final FabricEvent event) {
        fabric.loop.post(event);
    }
}
