/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudroam.impl.ManualScheduler;
import io.cloudroam.impl.migration.Timers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FabricLoopTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final FabricLoop loop = new FabricLoop(scheduler, false);
    private final List<FabricEvent> taken = new ArrayList<>();

    @Test
    void aDelayedInputArrivesAfterItsDelay() {
        loop.handleWith(taken::add, () -> { });
        loop.after(Duration.ofMillis(200), new FabricEvent.Tick());
        scheduler.advance(Duration.ofMillis(199));
        assertEquals(List.of(), taken);
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(List.of(new FabricEvent.Tick()), taken);
    }

    @Test
    void aDeadlineCancelledBeforeItsTimeNeverArrives() {
        loop.handleWith(taken::add, () -> { });
        loop.after(Duration.ofMillis(200), new FabricEvent.Tick()).cancel();
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), taken);
    }

    @Test
    void aDeadlineCancelledAfterItsTimerFiredButBeforeItsInputIsTakenNeverArrives() {
        // the race of a move's verification: the timer fires and queues its input while the fabric
        // is busy with an earlier input that ends the verification (the VM spoke at its old port);
        // the deadline's input must not then apply whatever the next verification of that VM proposed
        final var deadline = new Timers.Deadline[1];
        loop.handleWith(event -> {
            taken.add(event);
            if (event instanceof FabricEvent.SwitchReconnected) {
                scheduler.advance(Duration.ofMillis(200)); // the timer fires now, its input queued behind this one
                deadline[0].cancel();
            }
        }, () -> { });
        deadline[0] = loop.after(Duration.ofMillis(200), new FabricEvent.Tick());
        loop.post(new FabricEvent.SwitchReconnected(1));
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(List.of(new FabricEvent.SwitchReconnected(1)), taken);
    }
}
