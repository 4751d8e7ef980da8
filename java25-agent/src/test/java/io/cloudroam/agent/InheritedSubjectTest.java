/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class InheritedSubjectTest {
    private static Optional<Subject> seenByANewThread() throws InterruptedException {
        final var seen = new AtomicReference<Optional<Subject>>();
        final var thread = new Thread(() -> seen.set(Optional.ofNullable(InheritedSubject.current())));
        thread.start();
        thread.join();
        return seen.get();
    }

    @Test
    void aThreadStartedInsideCallAsSeesItsSubjectAndNoneOutside() throws Exception {
        final var user = new Subject();
        assertEquals(Optional.of(user), InheritedSubject.callAs(user, InheritedSubjectTest::seenByANewThread));
        assertNull(InheritedSubject.current(), "the subject ends with callAs");
        assertEquals(Optional.empty(), seenByANewThread());
    }

    @Test
    void anInnerCallAsHandsBackTheOuterSubject() {
        final var outer = new Subject();
        final var inner = new Subject();
        InheritedSubject.callAs(outer, () -> {
            assertSame(inner, InheritedSubject.callAs(inner, InheritedSubject::current));
            assertSame(outer, InheritedSubject.current());
            return null;
        });
        assertNull(InheritedSubject.current());
    }

    @Test
    void exceptionsArriveWrappedAsSubjectCallAsSpecifiesAndTheSubjectEnds() {
        final var failure = new IOException("no");
        final var thrown = assertThrows(CompletionException.class, () -> InheritedSubject.callAs(new Subject(), () -> {
            throw failure;
        }));
        assertSame(failure, thrown.getCause());
        assertNull(InheritedSubject.current());
        assertThrows(NullPointerException.class, () -> InheritedSubject.callAs(new Subject(), null));
    }
}
