/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudroam.impl.Fixtures;
import io.cloudroam.impl.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConfigWatchdogTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final CloudroamConfig ONE_CLOUD = CloudroamConfig.of(List.of(Fixtures.cloud(1)), List.of(),
        List.of());

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<CloudroamConfig> applied = new ArrayList<>();
    private final ConfigTracker tracker = new ConfigTracker(applied::add);
    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void aNotificationInTimeMeansNoRead() {
        new ConfigWatchdog(scheduler, PATIENCE, tracker, this::read).arm();
        scheduler.advance(Duration.ofSeconds(3));
        tracker.offer(CloudroamConfig.EMPTY); // the first notification: nothing configured
        scheduler.advance(Duration.ofMinutes(1));
        assertEquals(0, reads.get());
        assertEquals(List.of(CloudroamConfig.EMPTY), applied);
    }

    @Test
    void silentNotificationsAreReplacedByARead() {
        new ConfigWatchdog(scheduler, PATIENCE, tracker, this::read).arm();
        scheduler.advance(PATIENCE.minusMillis(1));
        assertEquals(0, reads.get(), "patience first");
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(List.of(ONE_CLOUD), applied);
        // the late notification, when it comes, is applied as any other (it is at least as new)
        tracker.offer(ONE_CLOUD);
        scheduler.advance(Duration.ofMinutes(1));
        assertEquals(1, reads.get(), "one read, then nothing");
        assertEquals(List.of(ONE_CLOUD, ONE_CLOUD), applied);
    }

    @Test
    void aFailedReadIsTriedAgainAndANotificationArrivingMeanwhileWins() {
        final var failures = new AtomicInteger(2);
        new ConfigWatchdog(scheduler, PATIENCE, tracker, () -> {
            reads.incrementAndGet();
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("Shard has no current leader");
            }
            return ONE_CLOUD;
        }).arm();
        scheduler.advance(PATIENCE.multipliedBy(2));
        assertEquals(2, reads.get());
        assertTrue(applied.isEmpty());
        tracker.offer(CloudroamConfig.EMPTY);
        scheduler.advance(Duration.ofMinutes(1));
        assertEquals(2, reads.get(), "the notification came: no more reads");
        assertEquals(List.of(CloudroamConfig.EMPTY), applied);
        assertEquals(java.util.Optional.empty(), tracker.offerIfNothingHeard(ONE_CLOUD), "a read loses to it");
    }

    private CloudroamConfig read() {
        reads.incrementAndGet();
        return ONE_CLOUD;
    }
}
