/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.lang.classfile.MethodModel;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Lets Karaf's client run a one-shot command ({@code bin/client COMMAND}) when its standard input
 * is not a terminal.
 *
 * <p>Karaf 4.4.8's client watches its standard input while a one-shot command runs and closes the
 * command's channel at end of input. From a script, a cron job or a test, standard input is empty
 * or {@code /dev/null}: the channel was closed before the command ran, the client printed
 * {@code Closed} and exited with 1, on any Java version. The watcher (the lambda
 * {@code Main.lambda$main$1(ChannelExec)}) is rewritten to return at once; the command then ends
 * when it ends, and Ctrl-C still stops the client.
 */
final class ClientStdinWatch implements ClassFileTransformer {
    static final String CLIENT_MAIN = "org/apache/karaf/client/Main";

    /**
     * Installs the rewrite; it touches nothing but Karaf's client.
     *
     * @param instrumentation from the agent's premain
     */
    static void install(final Instrumentation instrumentation) {
        instrumentation.addTransformer(new ClientStdinWatch());
    }

    static boolean isExecStdinWatch(final MethodModel method) {
        return method.methodName().stringValue().startsWith("lambda$main$")
            && method.methodType().equalsString("(Lorg/apache/sshd/client/channel/ChannelExec;)V");
    }

    @Override
    @SuppressFBWarnings(value = "PZLA_PREFER_ZERO_LENGTH_ARRAYS",
        justification = "null is ClassFileTransformer's contract for 'leave this class as it is'")
    public byte[] transform(final Module module, final ClassLoader loader, final String className,
            final Class<?> classBeingRedefined, final ProtectionDomain protectionDomain, final byte[] classfileBuffer) {
        if (!CLIENT_MAIN.equals(className)) {
            return null;
        }
        return SubjectBridge.rewrite(classfileBuffer, ClientStdinWatch::isExecStdinWatch,
            (method, code) -> code.return_()).orElse(null);
    }
}
