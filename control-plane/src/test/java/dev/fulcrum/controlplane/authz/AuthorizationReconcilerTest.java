package dev.fulcrum.controlplane.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fulcrum.api.link.AuthorizationExample;
import dev.fulcrum.api.link.LinkYaml;
import dev.fulcrum.api.link.LinkYaml.Document;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.MeshReconciler;
import dev.fulcrum.controlplane.mesh.LinkValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Policies from the documents of each delivery; a bad edit never drops or opens one. */
class AuthorizationReconcilerTest {
  private static final String GOOD = AuthorizationExample.YAML;
  private static final String AUDIT = GOOD.replace("mode: enforce", "mode: audit");
  private static final String BAD_MODE = GOOD.replace("mode: enforce", "mode: enforcing");

  private final MeshReconciler reconciler = new MeshReconciler(new LinkValidator(), target -> List.of());

  private MeshModel deliver(String yaml) {
    return reconciler.reconcile(LinkYaml.read("policies.yaml", yaml));
  }

  @Test
  void aValidAuthorizationIsInForce() {
    MeshModel model = deliver(GOOD);

    assertEquals(List.of("default/echo-callers"), ids(model));
    assertEquals(List.of(), model.errors());
    assertTrue(model.authorizations().rejected().isEmpty());
  }

  @Test
  void anInvalidEditKeepsTheLastGoodVersionInForceAndSaysWhy() {
    deliver(AUDIT);
    MeshModel model = deliver(BAD_MODE);

    assertEquals(List.of(MeshAuthorization.Mode.AUDIT), model.authorizations().enforced().stream().map(MeshAuthorization::mode).toList());
    String why = model.authorizations().rejected().get("default/echo-callers");
    assertEquals("policies.yaml#1 (Authorization echo-callers): spec.mode: 'enforcing' is neither enforce nor audit", why);
    assertEquals(List.of(why, "policies.yaml#1: keeps enforcing the last valid version of Authorization default/echo-callers"),
        model.errors());

    assertEquals(MeshAuthorization.Mode.ENFORCE, deliver(GOOD).authorizations().enforced().get(0).mode(), "a fixed edit applies");
  }

  @Test
  void anInvalidNewPolicyIsNotInForce() {
    MeshModel model = deliver(BAD_MODE);

    assertEquals(List.of(), ids(model));
    assertEquals(1, model.authorizations().rejected().size());
  }

  @Test
  void aRemovedPolicyIsNoLongerInForce() {
    deliver(GOOD);
    assertEquals(List.of(), ids(deliver("")));
  }

  @Test
  void anUnreadableDocumentDropsNoPolicy() {
    deliver(GOOD);
    MeshModel model = deliver("apiVersion: linkerd.io/v1alpha1\nkind: Authorization\nmetadata: {name: [unclosed\n");

    assertEquals(List.of("default/echo-callers"), ids(model), "which policy the broken document held is unknown");
  }

  @Test
  void aPolicyDeclaredTwiceKeepsTheFirst() {
    MeshModel model = deliver(GOOD + "---\n" + AUDIT);

    assertEquals(List.of(MeshAuthorization.Mode.ENFORCE), model.authorizations().enforced().stream().map(MeshAuthorization::mode).toList());
    assertEquals(List.of("policies.yaml#2: metadata.name: Authorization default/echo-callers is declared twice; the first one is kept"),
        model.errors());
  }

  @Test
  void linksAndPoliciesLiveSideBySide() {
    List<Document> documents = LinkYaml.read("mesh.yaml", dev.fulcrum.controlplane.mesh.Seed.YAML + "---\n" + GOOD);
    MeshModel model = reconciler.reconcile(documents);

    assertEquals(1, model.links().size());
    assertEquals(List.of("default/echo-callers"), ids(model));
    assertEquals(List.of(), MeshReconciler.check(documents));
    assertEquals(1, MeshReconciler.check(LinkYaml.read("mesh.yaml", BAD_MODE)).size(), "a command refuses a bad policy before it starts");
  }

  private static List<String> ids(MeshModel model) {
    return model.authorizations().enforced().stream().map(MeshAuthorization::id).toList();
  }
}
