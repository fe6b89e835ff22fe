package dev.fulcrum.controlplane.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fulcrum.api.link.Authorization;
import dev.fulcrum.api.link.AuthorizationExample;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Authorizations in, typed policies or errors naming the document and every wrong field out. */
class AuthorizationValidatorTest {
  private static final String EXAMPLE = AuthorizationExample.YAML;

  private final AuthorizationValidator validator = new AuthorizationValidator();

  private AuthorizationOrError validate(String yaml) {
    return validator.validate("policies.yaml#1", Serialization.unmarshal(yaml, Authorization.class));
  }

  @Test
  void theExampleIsAPolicyOfTwoRules() {
    assertEquals(AuthorizationOrError.of(new MeshAuthorization("default/echo-callers", "default/echo-v1", Optional.empty(),
            MeshAuthorization.Mode.ENFORCE, List.of(
                new MeshAuthorization.Rule(new MeshAuthorization.Callers(List.of("default/client", "payments/*"), false),
                    List.of("/fulcrum.echo.v1.EchoService/*")),
                new MeshAuthorization.Rule(new MeshAuthorization.Callers(List.of(), true),
                    List.of("/grpc.health.v1.Health/Check"))))),
        validate(EXAMPLE));
  }

  @Test
  void auditModeAPortAnyCallerAndEveryMethod() {
    MeshAuthorization policy = validate(EXAMPLE.replace("mode: enforce", "mode: audit")
        .replace("{identity: default/echo-v1}", "{identity: default/echo-v1, port: 4143}")
        .replace("[\"default/client\", \"payments/*\"]", "[\"*\"]").replace("[\"/fulcrum.echo.v1.EchoService/*\"]", "[\"*\"]"))
        .authorization();
    assertEquals(MeshAuthorization.Mode.AUDIT, policy.mode());
    assertEquals(Optional.of(4143), policy.port());
    assertEquals(List.of("*"), policy.rules().get(0).callers().identities());
    assertEquals(List.of("*"), policy.rules().get(0).methods());
    assertEquals(MeshAuthorization.Mode.ENFORCE, validate(EXAMPLE.replace("  mode: enforce\n", "")).authorization().mode(),
        "enforce unless told otherwise");
  }

  @Test
  void theCrdsModesAreTheValidatorsModes() {
    // The CRD's enum (LinkSchema) and the modes accepted here must not drift apart.
    for (dev.fulcrum.api.link.LinkSchema.AuthorizationModeName name : dev.fulcrum.api.link.LinkSchema.AuthorizationModeName.values()) {
      String written = name.name().toLowerCase(java.util.Locale.ROOT);
      assertEquals(MeshAuthorization.Mode.valueOf(name.name()),
          validate(EXAMPLE.replace("mode: enforce", "mode: " + written)).authorization().mode(), written);
    }
    assertEquals(MeshAuthorization.Mode.values().length, dev.fulcrum.api.link.LinkSchema.AuthorizationModeName.values().length);
  }

  @Test
  void everyWrongFieldIsNamedInOneError() {
    AuthorizationOrError result = validate(EXAMPLE.replace("mode: enforce", "mode: block")
        .replace("\"payments/*\"", "\"Payments/*\", \"client\"")
        .replace("/grpc.health.v1.Health/Check", "Health.Check")
        .replace("{unauthenticated: true}", "{unauthenticated: false}"));
    assertFalse(result.isValid());
    assertEquals("policies.yaml#1 (Authorization echo-callers): spec.mode: 'block' is neither enforce nor audit; "
        + "spec.rules[0].from.identities[1]: 'Payments/*' is not NAMESPACE/* (the namespace a DNS label); "
        + "spec.rules[0].from.identities[2]: 'client' is not NAMESPACE/SERVICEACCOUNT; "
        + "spec.rules[1].from: names no caller (identities, or unauthenticated: true); "
        + "spec.rules[1].methods[0]: 'Health.Check' is not /pkg.Service/Method, /pkg.Service/* or *", result.error());
  }

  @Test
  void aRuleWithoutFromOrMethodsAndAPolicyWithoutServerOrRulesAreRefused() {
    assertEquals("policies.yaml#1 (Authorization echo-callers): spec.rules[1].from: is required (identities, or"
            + " unauthenticated: true); spec.rules[1].methods: at least one method is required (/pkg.Service/Method,"
            + " /pkg.Service/*, or * for all)",
        validate(EXAMPLE.replace("    - from: {unauthenticated: true}\n      methods: [\"/grpc.health.v1.Health/Check\"]\n",
            "    - {}\n")).error());
    assertEquals("policies.yaml#1 (Authorization echo-callers): spec.server: is required; spec.rules: at least one rule"
        + " is required", validate(EXAMPLE.substring(0, EXAMPLE.indexOf("  server:")) + "  mode: audit\n").error());
  }
}
