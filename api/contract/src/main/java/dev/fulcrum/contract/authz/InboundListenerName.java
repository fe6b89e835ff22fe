package dev.fulcrum.contract.authz;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The name of a server's inbound Listener, which says which policy the control plane must serve
 * it: {@code fulcrum/inbound/ADDRESS?identity=NS/SA&default=deny}. A proxyless application's
 * bootstrap holds it as grpc's {@code server_listener_resource_name_template} (grpc puts the
 * listening address where {@link #template} has {@code %s}); a sidecar asks for it with its
 * application's address. The identity is the server's own, so that Authorizations can select it;
 * the default is the workload's own choice, overriding the control plane's.
 *
 * <p>The Listener's HTTP filters hold the policy as RBAC (gRFC A41), in the filter named
 * {@link #RBAC_FILTER}: its {@code rules} are enforced (none: every call is allowed), and its
 * {@code shadow_rules} hold audit-mode policies, which a sidecar evaluates to count and log what
 * they would refuse (grpc's own RBAC filter ignores them, refusing nothing for them).
 *
 * @param address {@code host:port} of the server the policy protects (the application's port)
 * @param identity the server's {@code NAMESPACE/SERVICEACCOUNT}, when it has one
 * @param defaultPolicy the workload's default, when it sets one
 */
public record InboundListenerName(String address, Optional<String> identity, Optional<DefaultInboundPolicy> defaultPolicy) {
  public static final String RBAC_FILTER = "envoy.filters.http.rbac";
  static final String PREFIX = "fulcrum/inbound/";
  private static final String IDENTITY = "identity";
  private static final String DEFAULT = "default";

  /** The name template for a server with {@code identity} and {@code defaultPolicy}: {@code %s} is the address. */
  public static String template(Optional<String> identity, Optional<DefaultInboundPolicy> defaultPolicy) {
    return new InboundListenerName("%s", identity, defaultPolicy).toString();
  }

  /** Reads a name this class wrote; anything else (another Listener, an unknown parameter) is empty. */
  public static Optional<InboundListenerName> parse(String name) {
    if (name == null || !name.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String rest = name.substring(PREFIX.length());
    int query = rest.indexOf('?');
    String address = query < 0 ? rest : rest.substring(0, query);
    Map<String, String> parameters = new LinkedHashMap<>();
    if (query >= 0) {
      for (String parameter : rest.substring(query + 1).split("&", -1)) {
        int equals = parameter.indexOf('=');
        if (equals <= 0 || parameters.put(decode(parameter.substring(0, equals)), decode(parameter.substring(equals + 1))) != null) {
          return Optional.empty();
        }
      }
    }
    Optional<String> identity = Optional.ofNullable(parameters.remove(IDENTITY));
    String policy = parameters.remove(DEFAULT);
    Optional<DefaultInboundPolicy> defaultPolicy = policy == null ? Optional.empty() : DefaultInboundPolicy.of(policy);
    if (address.isEmpty() || !parameters.isEmpty() || (policy != null && defaultPolicy.isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(new InboundListenerName(address, identity, defaultPolicy));
  }

  @Override
  public String toString() {
    StringBuilder name = new StringBuilder(PREFIX).append(address);
    char separator = '?';
    if (identity.isPresent()) {
      name.append(separator).append(IDENTITY).append('=').append(encode(identity.get()));
      separator = '&';
    }
    if (defaultPolicy.isPresent()) {
      name.append(separator).append(DEFAULT).append('=').append(defaultPolicy.get().yamlName());
    }
    return name.toString();
  }

  /** Identities are NS/SA: keep the slash readable, escape only what would break the query. */
  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("%2F", "/");
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}
