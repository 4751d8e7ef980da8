/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.cli;

import io.cloudroam.impl.CloudroamState;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code cloudroam:counters}: what cloudroam handled since this controller started.
 */
@Service
@Command(scope = "cloudroam", name = "counters", description = "Shows what cloudroam handled since it started")
public final class CountersCommand implements Action {
    @Reference
    private CloudroamState state;
    @Reference
    private Session session;

    @Override
    public Object execute() {
        Tables.standbyNote(session.getConsole(), state);
        final List<List<?>> rows = state.counters().entrySet().stream()
            .<List<?>>map(entry -> List.of(entry.getKey().leaf(), entry.getValue())).toList();
        Tables.print(session.getConsole(), List.of("Counter", "Count"), rows, "");
        return null;
    }
}
