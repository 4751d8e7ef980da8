/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package org.apache.sshd.client.channel;

/**
 * Test stand-in for Apache SSHD's exec channel: remembers whether it was closed.
 */
public class ChannelExec {
    private boolean closed;

    public Object close(final boolean immediately) {
        closed = true;
        return null;
    }

    public boolean closed() {
        return closed;
    }
}
