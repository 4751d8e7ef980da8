/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.migration;

import io.cloudroam.impl.location.VmKey;
import java.time.Duration;

/**
 * The deadlines of verifications: when one passes, its owner hears of it on its own thread (as
 * an input like any other), unless the verification was cancelled first.
 */
public interface Timers {
    /**
     * A deadline.
     */
    @FunctionalInterface
    interface Deadline {
        /**
         * The verification ended before its deadline: nothing is heard of it.
         */
        void cancel();
    }

    /**
     * The deadline of a move waiting for its old port to stay silent.
     *
     * @param vm the VM that moves
     * @param after how long from now
     * @return the deadline
     */
    Deadline moveDeadline(VmKey vm, Duration after);

    /**
     * The deadline of an address claim waiting for the holder to stay silent.
     *
     * @param claim the claimed address
     * @param after how long from now
     * @return the deadline
     */
    Deadline claimDeadline(AddressClaims.Claimed claim, Duration after);
}
