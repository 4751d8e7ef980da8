/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package org.apache.karaf.client;

import java.io.IOException;
import org.apache.sshd.client.channel.ChannelExec;

/**
 * Test stand-in with the shape of Karaf 4.4.8's client: while a one-shot command runs, a thread
 * watches standard input and closes the command's channel at its end.
 */
public final class Main {
    private Main() {
    }

    @SuppressWarnings("checkstyle:IllegalCatch")
    public static void main(final String[] args) {
        final var channel = new ChannelExec();
        new Thread(() -> {
            while (true) {
                try {
                    if (System.in.read() == -1) {
                        channel.close(true);
                        return;
                    }
                    Thread.sleep(1000);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }).start();
    }
}
