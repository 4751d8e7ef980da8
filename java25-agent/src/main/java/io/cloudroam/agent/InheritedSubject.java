/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import javax.security.auth.Subject;

/**
 * The subject of {@code Subject.callAs} (and so of {@code Subject.doAs}), inherited by the threads
 * started inside it, as the {@code AccessControlContext} that carried it was before Java 24.
 *
 * <p>On Java 24 and newer {@code Subject.current()} reads a scoped value, which a thread started
 * inside {@code callAs} does not see. The Karaf shell runs every command of a session in threads of
 * its own, so its role checks ({@code jaas:whoami}, the command ACLs that guard {@code feature:*},
 * {@code bundle:stop}, {@code config:*}) found no user. The launch agent's {@link SubjectBridge}
 * rewrites {@code Subject.current()} and {@code Subject.callAs} to call these methods.
 */
public final class InheritedSubject {
    private static final InheritableThreadLocal<Subject> CURRENT = new InheritableThreadLocal<>();

    private InheritedSubject() {
        // static only
    }

    /**
     * The subject in force: the one of the innermost {@link #callAs} of this thread, or of the
     * thread that started this one inside its {@code callAs}.
     *
     * @return the subject, null when there is none
     */
    public static Subject current() {
        return CURRENT.get();
    }

    /**
     * Runs an action with a subject in force, as {@code Subject.callAs} specifies it.
     *
     * @param subject the subject, may be null
     * @param action the action
     * @param <T> what the action returns
     * @return what the action returned
     * @throws CompletionException wrapping whatever exception the action threw
     */
    @SuppressWarnings("checkstyle:IllegalCatch") // Subject.callAs's contract: any exception, wrapped
    public static <T> T callAs(final Subject subject, final Callable<T> action) {
        Objects.requireNonNull(action);
        final var before = CURRENT.get();
        CURRENT.set(subject);
        try {
            return action.call();
        } catch (Exception e) {
            throw new CompletionException(e);
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }
}
