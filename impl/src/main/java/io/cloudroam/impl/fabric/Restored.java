/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

import io.cloudroam.impl.location.VmLocation;
import java.util.List;

/**
 * What an earlier run of cloudroam left behind (the operational datastore persists), taken back
 * before the first configuration: the VMs are where they were (a VM that moved meanwhile is seen
 * moving when it next sends), routes are as measured (not the direct tunnels of an unmeasured WAN),
 * and new migrations and conflicts continue the numbering of the history.
 *
 * @param locations the VMs where they were last seen
 * @param links measured directions: from, to, smoothed latency and routing latency (microseconds)
 * @param lastMigration the highest migration id used
 * @param lastConflict the highest conflict id used
 */
public record Restored(List<VmLocation> locations, List<RestoredLink> links, long lastMigration,
        long lastConflict) {
    /**
     * Checks and freezes the parts.
     */
    public Restored {
        locations = List.copyOf(locations);
        links = List.copyOf(links);
    }
}

