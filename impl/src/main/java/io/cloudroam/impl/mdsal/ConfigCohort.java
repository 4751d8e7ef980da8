/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.mdsal;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.FluentFuture;
import io.cloudroam.impl.config.CloudroamConfig;
import io.cloudroam.impl.config.ConfigListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.opendaylight.mdsal.common.api.DataValidationFailedException;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.common.api.PostCanCommitStep;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.mdsal.dom.api.DOMDataTreeCandidate;
import org.opendaylight.mdsal.dom.api.DOMDataTreeCommitCohort;
import org.opendaylight.mdsal.dom.api.DOMDataTreeIdentifier;
import org.opendaylight.netconf.api.NetconfDocumentedException;
import org.opendaylight.yang.gen.v1.urn.cloudroam.yang.cloudroam.rev261125.Cloudroam;
import org.opendaylight.yangtools.binding.data.codec.api.BindingNormalizedNodeSerializer;
import org.opendaylight.yangtools.concepts.Registration;
import org.opendaylight.yangtools.util.concurrent.FluentFutures;
import org.opendaylight.yangtools.yang.common.ErrorSeverity;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;

/**
 * Takes part in every commit that touches {@code /cloudroam} in the configuration datastore and
 * vetoes one whose result is inconsistent (unknown cloud or virtual network, endpoint or switch
 * used twice, an MTU outside its range or larger than a measured tunnel of the network carries):
 * the commit fails with every problem in its message, and nothing of it is stored.
 * RESTCONF turns the veto into a {@code 400 invalid-value} reply whose message lists the problems.
 */
public final class ConfigCohort implements DOMDataTreeCommitCohort {
    private final BindingNormalizedNodeSerializer codec;
    private final Function<Cloudroam, CloudroamConfig> convert;
    private final BiFunction<CloudroamConfig, CloudroamConfig, List<String>> measured;

    private ConfigCohort(final BindingNormalizedNodeSerializer codec,
            final Function<Cloudroam, CloudroamConfig> convert,
            final BiFunction<CloudroamConfig, CloudroamConfig, List<String>> measured) {
        this.codec = requireNonNull(codec);
        this.convert = requireNonNull(convert);
        this.measured = requireNonNull(measured);
    }

    /**
     * Registers the cohort.
     *
     * @param broker the DOM data broker, which must support commit cohorts
     * @param codec converts the candidate data to bindings
     * @param measured what the network measured says against a change (the configuration before, the
     *        one being committed): problems, one sentence each
     * @return the registration
     * @throws IllegalStateException when the broker does not support commit cohorts
     */
    public static Registration register(final DOMDataBroker broker, final BindingNormalizedNodeSerializer codec,
            final BiFunction<CloudroamConfig, CloudroamConfig, List<String>> measured) {
        final var cohorts = broker.extension(DOMDataBroker.CommitCohortExtension.class);
        if (cohorts == null) {
            throw new IllegalStateException("the data broker does not accept commit cohorts");
        }
        return cohorts.registerCommitCohort(DOMDataTreeIdentifier.of(LogicalDatastoreType.CONFIGURATION,
            YangInstanceIdentifier.of(Cloudroam.QNAME)), new ConfigCohort(codec, ConfigListener::toConfig, measured));
    }

    @Override
    public FluentFuture<PostCanCommitStep> canCommit(final Object txId, final EffectiveModelContext ctx,
            final Collection<DOMDataTreeCandidate> candidates) {
        for (var candidate : candidates) {
            final var after = candidate.getRootNode().dataAfter();
            if (after == null) {
                continue;
            }
            final var path = candidate.getRootPath().path();
            final var binding = codec.fromNormalizedNode(path, after);
            if (binding == null || !(binding.getValue() instanceof Cloudroam cloudroam)) {
                continue;
            }
            final var config = convert.apply(cloudroam);
            final var problems = new ArrayList<>(config.problems());
            if (problems.isEmpty()) {
                problems.addAll(measured.apply(before(candidate, path), config));
            }
            if (!problems.isEmpty()) {
                final var message = "invalid cloudroam configuration: " + String.join("; ", problems);
                // RESTCONF looks for a NetconfDocumentedException among the causes of a failed commit
                // and answers with its error-tag: 400 invalid-value, not 500 operation-failed
                return FluentFutures.immediateFailedFluentFuture(new DataValidationFailedException(
                    YangInstanceIdentifier.class, path, message, new NetconfDocumentedException(message,
                        ErrorType.APPLICATION, ErrorTag.INVALID_VALUE, ErrorSeverity.ERROR)));
            }
        }
        return PostCanCommitStep.NOOP_SUCCESSFUL_FUTURE;
    }

    private CloudroamConfig before(final DOMDataTreeCandidate candidate, final YangInstanceIdentifier path) {
        final var before = candidate.getRootNode().dataBefore();
        final var binding = before == null ? null : codec.fromNormalizedNode(path, before);
        return binding != null && binding.getValue() instanceof Cloudroam cloudroam ? convert.apply(cloudroam)
            : CloudroamConfig.EMPTY;
    }
}
