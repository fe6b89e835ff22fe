package dev.fulcrum.dataplane.authz;

import dev.fulcrum.contract.identity.SpiffeId;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * RBAC's principals and permissions as tests of an {@link InboundCall}: the subset a sidecar can
 * judge from the caller's certificate and the method's path. Principals: {@code any},
 * {@code authenticated} (the caller's SPIFFE ID; a caller without a certificate is never
 * authenticated), {@code and_ids}, {@code or_ids}, {@code not_id}. Permissions: {@code any},
 * {@code url_path}, {@code and_rules}, {@code or_rules}, {@code not_rule}. Strings: exact, prefix,
 * suffix, contains, each optionally ignoring case. Anything else (headers, addresses, metadata,
 * regular expressions) is refused naming its field: a rule skipped would allow or refuse what its
 * author did not mean.
 */
final class RbacMatchers {
  private RbacMatchers() {}

  /** Whether any of {@code principals} matches the call; {@code field} is their place, for errors. */
  static Predicate<InboundCall> anyPrincipal(List<Principal> principals, String field) throws InvalidPolicyException {
    return any(principals, field, RbacMatchers::principal);
  }

  /** Whether any of {@code permissions} matches the call. */
  static Predicate<InboundCall> anyPermission(List<Permission> permissions, String field) throws InvalidPolicyException {
    return any(permissions, field, RbacMatchers::permission);
  }

  static Predicate<InboundCall> principal(Principal principal, String field) throws InvalidPolicyException {
    return switch (principal.getIdentifierCase()) {
      case ANY -> always(principal.getAny(), field + ".any");
      case AUTHENTICATED -> authenticated(principal.getAuthenticated(), field + ".authenticated");
      case OR_IDS -> any(principal.getOrIds().getIdsList(), field + ".or_ids.ids", RbacMatchers::principal);
      case AND_IDS -> all(principal.getAndIds().getIdsList(), field + ".and_ids.ids", RbacMatchers::principal);
      case NOT_ID -> principal(principal.getNotId(), field + ".not_id").negate();
      case IDENTIFIER_NOT_SET -> throw new InvalidPolicyException(field, "no principal set");
      default -> throw unsupported(field, principal.getIdentifierCase().name());
    };
  }

  static Predicate<InboundCall> permission(Permission permission, String field) throws InvalidPolicyException {
    return switch (permission.getRuleCase()) {
      case ANY -> always(permission.getAny(), field + ".any");
      case URL_PATH -> {
        String path = field + ".url_path";
        if (!permission.getUrlPath().hasPath()) {
          throw new InvalidPolicyException(path, "no path matcher set");
        }
        Predicate<String> matches = string(permission.getUrlPath().getPath(), path + ".path");
        yield call -> matches.test(call.path());
      }
      case OR_RULES -> any(permission.getOrRules().getRulesList(), field + ".or_rules.rules", RbacMatchers::permission);
      case AND_RULES -> all(permission.getAndRules().getRulesList(), field + ".and_rules.rules", RbacMatchers::permission);
      case NOT_RULE -> permission(permission.getNotRule(), field + ".not_rule").negate();
      case RULE_NOT_SET -> throw new InvalidPolicyException(field, "no permission set");
      default -> throw unsupported(field, permission.getRuleCase().name());
    };
  }

  /** {@code authenticated}: a caller with a mesh identity, its SPIFFE ID matched when a name is given. */
  private static Predicate<InboundCall> authenticated(Principal.Authenticated authenticated, String field)
      throws InvalidPolicyException {
    if (!authenticated.hasPrincipalName()) {
      return call -> call.caller().isPresent();
    }
    Predicate<String> matches = string(authenticated.getPrincipalName(), field + ".principal_name");
    return call -> call.caller().map(SpiffeId::toString).filter(matches).isPresent();
  }

  static Predicate<String> string(StringMatcher matcher, String field) throws InvalidPolicyException {
    boolean ignoreCase = matcher.getIgnoreCase();
    Function<String, String> fold = ignoreCase ? value -> value.toLowerCase(Locale.ROOT) : Function.identity();
    return switch (matcher.getMatchPatternCase()) {
      case EXACT -> {
        String exact = matcher.getExact();
        yield value -> ignoreCase ? value.equalsIgnoreCase(exact) : value.equals(exact);
      }
      case PREFIX -> {
        String prefix = fold.apply(matcher.getPrefix());
        yield value -> fold.apply(value).startsWith(prefix);
      }
      case SUFFIX -> {
        String suffix = fold.apply(matcher.getSuffix());
        yield value -> fold.apply(value).endsWith(suffix);
      }
      case CONTAINS -> {
        String part = fold.apply(matcher.getContains());
        yield value -> fold.apply(value).contains(part);
      }
      case MATCHPATTERN_NOT_SET -> throw new InvalidPolicyException(field, "no match pattern set");
      default -> throw unsupported(field, matcher.getMatchPatternCase().name());
    };
  }

  /** {@code any: true}; {@code any: false} is not valid RBAC (envoy requires true). */
  private static Predicate<InboundCall> always(boolean any, String field) throws InvalidPolicyException {
    if (!any) {
      throw new InvalidPolicyException(field, "false (only any: true is valid)");
    }
    return call -> true;
  }

  private static InvalidPolicyException unsupported(String field, String oneofCase) {
    return new InvalidPolicyException(field + "." + oneofCase.toLowerCase(Locale.ROOT),
        "not supported by the sidecar's RBAC (supported: any, authenticated, url_path, and/or/not)");
  }

  private interface Parser<T> {
    Predicate<InboundCall> parse(T item, String field) throws InvalidPolicyException;
  }

  private static <T> List<Predicate<InboundCall>> each(List<T> items, String field, Parser<T> parser)
      throws InvalidPolicyException {
    if (items.isEmpty()) {
      throw new InvalidPolicyException(field, "empty (at least one is needed)");
    }
    List<Predicate<InboundCall>> matchers = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      matchers.add(parser.parse(items.get(i), field + "[" + i + "]"));
    }
    return List.copyOf(matchers);
  }

  private static <T> Predicate<InboundCall> any(List<T> items, String field, Parser<T> parser) throws InvalidPolicyException {
    List<Predicate<InboundCall>> matchers = each(items, field, parser);
    return call -> {
      for (Predicate<InboundCall> matcher : matchers) {
        if (matcher.test(call)) {
          return true;
        }
      }
      return false;
    };
  }

  private static <T> Predicate<InboundCall> all(List<T> items, String field, Parser<T> parser) throws InvalidPolicyException {
    List<Predicate<InboundCall>> matchers = each(items, field, parser);
    return call -> {
      for (Predicate<InboundCall> matcher : matchers) {
        if (!matcher.test(call)) {
          return false;
        }
      }
      return true;
    };
  }
}
