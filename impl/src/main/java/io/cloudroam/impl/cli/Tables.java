/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.cli;

import io.cloudroam.impl.CloudroamState;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * Prints rows as a Karaf shell table, or a line saying there is nothing to show.
 */
final class Tables {
    private Tables() {
    }

    /**
     * On a cluster member where cloudroam stands by, says so (the tables below are then empty).
     *
     * @param out the console
     * @param state cloudroam on this member
     */
    static void standbyNote(final PrintStream out, final CloudroamState state) {
        if (!state.isActive()) {
            out.println("cloudroam stands by on " + state.member() + ": it is active on another member of the "
                + "cluster (GET /rests/data/cloudroam-cluster:active-instance says which); run this command there, "
                + "or read the replicated state over RESTCONF on any member");
        }
    }

    static void print(final PrintStream out, final List<String> header, final List<List<?>> rows,
            final String whenEmpty) {
        if (rows.isEmpty()) {
            out.println(whenEmpty);
            return;
        }
        final var table = new ShellTable();
        header.forEach(table::column);
        rows.forEach(row -> table.addRow().addContent(row.toArray()));
        table.print(out);
    }
}
