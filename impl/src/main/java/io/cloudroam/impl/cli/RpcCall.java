/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opendaylight.yangtools.binding.RpcOutput;
import org.opendaylight.yangtools.yang.common.RpcResult;

/**
 * Runs one of cloudroam's RPCs for a shell command, through MD-SAL's RPC service: the same code
 * path, checks and errors as {@code POST /rests/operations/cloudroam:...}.
 */
final class RpcCall {
    private static final long TIMEOUT_SECONDS = 10;

    private RpcCall() {
        // helper
    }

    /**
     * Waits for an RPC's result; prints its errors, as RESTCONF would name them, when it failed.
     *
     * @param out where errors go
     * @param future the invocation
     * @return the output, empty when the RPC failed (the errors are printed)
     */
    static <O extends RpcOutput> Optional<O> await(final PrintStream out,
            final com.google.common.util.concurrent.ListenableFuture<RpcResult<O>> future) {
        final RpcResult<O> result;
        try {
            result = future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("error: interrupted");
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            out.println("error: " + e.getMessage());
            return Optional.empty();
        }
        if (result.isSuccessful()) {
            return Optional.of(result.getResult());
        }
        for (var error : result.getErrors()) {
            out.println("error: " + error.getMessage() + " (" + error.getTag().elementBody()
                + (error.getApplicationTag() == null ? "" : ", " + error.getApplicationTag()) + ")");
        }
        return Optional.empty();
    }
}
