/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */

package io.cloudroam.impl.northbound;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.QNameModule;
import org.opendaylight.yangtools.yang.model.api.ContainerLike;
import org.opendaylight.yangtools.yang.model.api.DataNodeContainer;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.opendaylight.yangtools.yang.model.api.LeafListSchemaNode;
import org.opendaylight.yangtools.yang.model.api.LeafSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;
import org.opendaylight.yangtools.yang.model.api.TypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.BooleanTypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.EnumTypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.Int16TypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.Int32TypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.Int64TypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.Int8TypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.ModifierKind;
import org.opendaylight.yangtools.yang.model.api.type.RangeRestrictedTypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.StringTypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.Uint16TypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.Uint32TypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.Uint64TypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.Uint8TypeDefinition;

/**
 * Checks a RESTCONF request body aimed at the cloudroam model against the model's types before
 * RESTCONF parses it, so that a value of the wrong type or out of range is answered with an error
 * naming the node (netconf 9.0.1's parser names the value but not the leaf, and reports a range
 * violation with no message at all).
 *
 * <p>Only what is certainly wrong is reported: integers (syntax and range), enumerations, booleans
 * and strings (length and pattern) of the cloudroam module. Anything else (unions such as
 * addresses, leafrefs, unknown members, other modules) is left to RESTCONF, so this check never
 * refuses what RESTCONF would accept.
 */
public final class InputCheck {
    /** The module whose requests are checked. */
    public static final String MODULE = "cloudroam";

    /** RFC 7950 integer syntax as yangtools accepts it: decimal, 0x hexadecimal, 0 octal, signed. */
    private static final Pattern INTEGER = Pattern.compile("[-+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)");
    /** RFC 7950 identifier: what a node name can be at all. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    /**
     * What is wrong with a body.
     *
     * @param errorTag the RFC 8040 error-tag: invalid-value, unknown-element or malformed-message
     * @param errorPath the offending node as an RFC 8040 instance-identifier, empty for the body as a whole
     * @param message what is wrong, naming the node
     */
    public record Problem(String errorTag, String errorPath, String message) {
        static Problem at(final String tag, final String path, final String detail) {
            return new Problem(tag, path, (path.isEmpty() ? "the body" : path.substring(path.indexOf(':') + 1))
                + ": " + detail);
        }
    }

    /**
     * Whether a request path addresses the cloudroam model (so that this check answers for it).
     *
     * @param path the request path below RESTCONF's root
     * @return true for {@code /data/cloudroam:...} and {@code /operations/cloudroam:...}
     */
    public static boolean concerns(final String path) {
        return path.startsWith("/data/" + MODULE + ":") || path.startsWith("/operations/" + MODULE + ":");
    }

    private InputCheck() {
        // functions only
    }

    /**
     * Checks a request.
     *
     * @param context the schema RESTCONF serves
     * @param method the HTTP method
     * @param path the request path below RESTCONF's root: {@code /data/...} or {@code /operations/...}
     * @param body the parsed JSON body
     * @return the first problem found, empty when there is none or the request is not cloudroam's
     */
    public static Optional<Problem> check(final EffectiveModelContext context, final String method,
            final String path, final JsonElement body) {
        // the newest revision (findModule(name) would want a module without revision)
        final var module = context.findModules(MODULE).stream().findFirst().orElse(null);
        if (module == null) {
            return Optional.empty();
        }
        if (!body.isJsonObject()) {
            return concerns(path) ? Optional.of(Problem.at("malformed-message", "", "not a JSON object"))
                : Optional.empty();
        }
        final var problems = new ArrayList<Problem>();
        final var namespace = module.getQNameModule();
        if (path.startsWith("/operations/" + MODULE + ":")) {
            final var name = path.substring(("/operations/" + MODULE + ":").length());
            final var rpcPath = "/" + MODULE + ":" + name;
            module.getRpcs().stream().filter(rpc -> rpc.getQName().getLocalName().equals(name)).findFirst()
                .ifPresent(rpc -> body.getAsJsonObject().entrySet().forEach(member -> {
                    if ("input".equals(member.getKey()) || (MODULE + ":input").equals(member.getKey())) {
                        container(rpc.getInput(), namespace, rpcPath + "/input", member.getValue(), problems);
                    } else {
                        problems.add(Problem.at("unknown-element", rpcPath, "unknown member '" + member.getKey()
                            + "' (an RPC body has only 'input')"));
                    }
                }));
            return problems.stream().findFirst();
        }
        if ("/data".equals(path) || "/data/".equals(path)) {
            // the datastore root: top-level members, each named with its module
            members(module, namespace, "", body.getAsJsonObject(), problems, true);
            return problems.stream().findFirst();
        }
        if (!path.startsWith("/data/" + MODULE + ":")) {
            return Optional.empty();
        }
        // walk the request path to its target, building the instance-identifier on the way
        DataNodeContainer parent = module;
        DataSchemaNode target = null;
        var parentPath = "";
        var targetPath = "";
        for (var segment : path.substring("/data/".length()).split("/")) {
            if (target != null) {
                if (!(target instanceof DataNodeContainer container)) {
                    return Optional.empty();
                }
                parent = container;
                parentPath = targetPath;
            }
            final var equals = segment.indexOf('=');
            final var name = localName(decode(equals < 0 ? segment : segment.substring(0, equals)));
            if (!IDENTIFIER.matcher(name).matches()) {
                return Optional.empty();
            }
            target = parent.dataChildByName(QName.create(namespace, name));
            if (target == null) {
                return Optional.empty();
            }
            targetPath = segmentPath(parentPath, target, equals < 0 ? List.of()
                : List.of(segment.substring(equals + 1).split(",", -1)).stream().map(InputCheck::decode).toList());
        }
        final var object = body.getAsJsonObject();
        if ("POST".equals(method)) {
            // creates children of the target
            if (target instanceof DataNodeContainer container) {
                members(container, namespace, targetPath, object, problems, false);
            }
        } else {
            // PUT and PATCH name the target itself
            final var targetName = target.getQName().getLocalName();
            for (var member : object.entrySet()) {
                if (localName(member.getKey()).equals(targetName)) {
                    node(target, namespace, parentPath, member.getValue(), problems, parentPath.isEmpty());
                } else if (isOurs(member.getKey())) {
                    problems.add(Problem.at("unknown-element", targetPath, "the body names '" + member.getKey()
                        + "', the request path '" + targetName + "'"));
                }
            }
        }
        return problems.stream().findFirst();
    }

    private static void members(final DataNodeContainer parent, final QNameModule namespace, final String path,
            final JsonObject object, final List<Problem> problems, final boolean topLevel) {
        for (var member : object.entrySet()) {
            final var key = member.getKey();
            if (!isOurs(key)) {
                // another module's node (an augmentation): RESTCONF judges it
                continue;
            }
            final var name = localName(key);
            final var child = IDENTIFIER.matcher(name).matches()
                ? parent.dataChildByName(QName.create(namespace, name)) : null;
            if (child != null) {
                node(child, namespace, path, member.getValue(), problems, topLevel);
            } else {
                problems.add(Problem.at("unknown-element", path.isEmpty() ? "/" + MODULE + ":" + localName(key) : path,
                    "unknown member '" + key + "'"));
            }
        }
    }

    private static void container(final DataNodeContainer container, final QNameModule namespace,
            final String path, final JsonElement value, final List<Problem> problems) {
        if (value.isJsonObject()) {
            members(container, namespace, path, value.getAsJsonObject(), problems, false);
        } else {
            problems.add(Problem.at("invalid-value", path, "expects a JSON object, not " + value));
        }
    }

    /** A member name of the cloudroam module: unprefixed (inherits it) or prefixed with it. */
    private static boolean isOurs(final String member) {
        final var colon = member.indexOf(':');
        return colon < 0 || MODULE.equals(member.substring(0, colon));
    }

    private static void node(final DataSchemaNode node, final QNameModule namespace, final String parentPath,
            final JsonElement value, final List<Problem> problems, final boolean topLevel) {
        final var name = node.getQName().getLocalName();
        final var path = parentPath + "/" + (topLevel ? MODULE + ":" : "") + name;
        switch (node) {
            case ContainerLike container -> container(container, namespace, path, value, problems);
            case ListSchemaNode list -> {
                final var entries = value.isJsonArray() ? value.getAsJsonArray().asList() : List.of(value);
                for (var entry : entries) {
                    if (!entry.isJsonObject()) {
                        problems.add(Problem.at("invalid-value", path, "expects a JSON array of entries (objects), "
                            + "not " + entry));
                        continue;
                    }
                    final var keys = list.getKeyDefinition().stream()
                        .map(key -> entry.getAsJsonObject().get(key.getLocalName()))
                        .map(key -> key == null || !key.isJsonPrimitive() ? "" : key.getAsString()).toList();
                    members(list, namespace, path + keyPredicate(list, keys), entry.getAsJsonObject(), problems,
                        false);
                }
            }
            case LeafSchemaNode leaf -> {
                if (!value.isJsonPrimitive()) {
                    problems.add(Problem.at("invalid-value", path, "expects a single value, not " + value));
                } else {
                    value(leaf.getType(), value).ifPresent(message -> problems.add(Problem.at("invalid-value", path,
                        message)));
                }
            }
            case LeafListSchemaNode leafList -> {
                final var values = value.isJsonArray() ? value.getAsJsonArray().asList() : List.of(value);
                for (var one : values) {
                    if (!one.isJsonPrimitive()) {
                        problems.add(Problem.at("invalid-value", path, "expects a JSON array of values, not " + value));
                        continue;
                    }
                    value(leafList.getType(), one).ifPresent(message -> problems.add(Problem.at("invalid-value", path,
                        message)));
                }
            }
            default -> {
                // choices and the like: left to RESTCONF
            }
        }
    }

    /** What is wrong with one value of a leaf's type, if it is certainly wrong. */
    static Optional<String> value(final TypeDefinition<?> type, final JsonElement value) {
        if (!value.isJsonPrimitive()) {
            return Optional.empty();
        }
        final var primitive = value.getAsJsonPrimitive();
        final var text = primitive.getAsString();
        return switch (type) {
            case EnumTypeDefinition enumeration -> {
                final var names = enumeration.getValues().stream().map(EnumTypeDefinition.EnumPair::getName).toList();
                yield names.contains(text) ? Optional.empty()
                    : Optional.of(quoted(primitive) + " is not one of " + String.join(", ", names));
            }
            case BooleanTypeDefinition bool -> primitive.isBoolean() || "true".equals(text) || "false".equals(text)
                ? Optional.empty() : Optional.of(quoted(primitive) + " is not true or false");
            case StringTypeDefinition string -> string(string, text);
            case RangeRestrictedTypeDefinition<?, ?> ranged when bounds(type) != null -> integer(ranged, primitive);
            default -> Optional.empty();
        };
    }

    private static Optional<String> string(final StringTypeDefinition type, final String text) {
        final var length = text.codePointCount(0, text.length());
        final var lengths = type.getLengthConstraint().map(constraint -> constraint.getAllowedRanges().asRanges())
            .orElse(Set.of());
        if (!lengths.isEmpty() && lengths.stream().noneMatch(range -> range.contains(length))) {
            return Optional.of("length " + length + " is not in " + lengths.stream()
                .map(range -> range.lowerEndpoint() + ".." + range.upperEndpoint()).collect(Collectors.joining(" | ")));
        }
        for (var pattern : type.getPatternConstraints()) {
            final var invert = pattern.getModifier().filter(ModifierKind.INVERT_MATCH::equals).isPresent();
            if (Pattern.compile(pattern.getJavaPatternString()).matcher(text).matches() == invert) {
                return Optional.of("'" + text + "' does not match "
                    + (invert ? "the inverted pattern " : "the pattern ")
                    + pattern.getRegularExpressionString());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> integer(final RangeRestrictedTypeDefinition<?, ?> type,
            final JsonPrimitive primitive) {
        final var text = primitive.getAsString().strip();
        if (primitive.isBoolean() || !INTEGER.matcher(text).matches()) {
            return Optional.of(quoted(primitive) + " is not an integer");
        }
        final var negative = text.startsWith("-");
        final var digits = text.replaceFirst("^[-+]", "");
        final BigInteger number;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            number = new BigInteger(digits.substring(2), 16);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            number = new BigInteger(digits.substring(1), 8);
        } else {
            number = new BigInteger(digits);
        }
        final var signed = negative ? number.negate() : number;
        final var ranges = type.getRangeConstraint()
            .map(constraint -> constraint.getAllowedRanges().asRanges().stream()
                .map(range -> new Interval(new BigInteger(range.lowerEndpoint().toString()),
                    new BigInteger(range.upperEndpoint().toString()))).toList())
            .orElseGet(() -> List.of(bounds(type)));
        if (ranges.stream().anyMatch(range -> range.contains(signed))) {
            return Optional.empty();
        }
        return Optional.of(signed + " is out of range " + ranges.stream().map(Interval::toString)
            .collect(Collectors.joining(" | ")));
    }

    /** An integer interval, both ends included. */
    private record Interval(BigInteger min, BigInteger max) {
        boolean contains(final BigInteger value) {
            return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
        }

        @Override
        public String toString() {
            return min + ".." + max;
        }
    }

    /** The bounds of a built-in integer type, {@code null} for anything else (decimal64). */
    private static Interval bounds(final TypeDefinition<?> type) {
        return switch (type) {
            case Int8TypeDefinition t -> range(Byte.MIN_VALUE, Byte.MAX_VALUE);
            case Int16TypeDefinition t -> range(Short.MIN_VALUE, Short.MAX_VALUE);
            case Int32TypeDefinition t -> range(Integer.MIN_VALUE, Integer.MAX_VALUE);
            case Int64TypeDefinition t -> range(Long.MIN_VALUE, Long.MAX_VALUE);
            case Uint8TypeDefinition t -> range(0, 0xFF);
            case Uint16TypeDefinition t -> range(0, 0xFFFF);
            case Uint32TypeDefinition t -> range(0, 0xFFFF_FFFFL);
            case Uint64TypeDefinition t -> new Interval(BigInteger.ZERO,
                BigInteger.TWO.pow(64).subtract(BigInteger.ONE));
            default -> null;
        };
    }

    private static Interval range(final long min, final long max) {
        return new Interval(BigInteger.valueOf(min), BigInteger.valueOf(max));
    }

    /** The instance-identifier of a node below {@code parentPath}, with its list keys when given. */
    private static String segmentPath(final String parentPath, final DataSchemaNode node, final List<String> keys) {
        final var path = parentPath + "/" + (parentPath.isEmpty() ? MODULE + ":" : "") + node.getQName().getLocalName();
        return node instanceof ListSchemaNode list && !keys.isEmpty() ? path + keyPredicate(list, keys) : path;
    }

    private static String keyPredicate(final ListSchemaNode list, final List<String> values) {
        final var keys = list.getKeyDefinition();
        final var predicate = new StringBuilder();
        for (int i = 0; i < keys.size() && i < values.size(); i++) {
            predicate.append('[').append(keys.get(i).getLocalName()).append("='")
                .append(values.get(i).replace("'", "\\'")).append("']");
        }
        return predicate.toString();
    }

    private static String quoted(final JsonPrimitive primitive) {
        return primitive.isString() ? "'" + primitive.getAsString() + "'" : primitive.getAsString();
    }

    private static String localName(final String member) {
        return member.substring(member.indexOf(':') + 1);
    }

    private static String decode(final String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
