/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package org.apache.karaf.util.jaas;

import java.security.AccessControlContext;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import javax.security.auth.Subject;
import javax.security.auth.SubjectDomainCombiner;

/**
 * Test stand-in with the shape of Karaf 4.4.8's JaasHelper.doAs: binds the subject through an
 * AccessControlContext combiner, which Java 24+ ignores.
 */
@SuppressWarnings("removal")
public final class JaasHelper {
    private JaasHelper() {
    }

    public static <T> T doAs(final Subject subject, final PrivilegedAction<T> action) {
        final AccessControlContext acc = new AccessControlContext(AccessController.getContext(),
            new SubjectDomainCombiner(subject));
        return AccessController.doPrivileged(action, acc);
    }

    public static <T> T doAs(final Subject subject, final PrivilegedExceptionAction<T> action)
            throws PrivilegedActionException {
        final AccessControlContext acc = new AccessControlContext(AccessController.getContext(),
            new SubjectDomainCombiner(subject));
        return AccessController.doPrivileged(action, acc);
    }
}
