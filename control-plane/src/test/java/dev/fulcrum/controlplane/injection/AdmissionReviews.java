package dev.fulcrum.controlplane.injection;

/** AdmissionReviews as the API server sends them (trimmed of fields the webhook does not read). */
final class AdmissionReviews {
  static final String UID = "705ab4f5-6393-11e8-b7cc-42010a800002";

  /** The pod of {@link #podReview}, as its YAML (for applying the patch to). */
  static final String POD_YAML = """
      apiVersion: v1
      kind: Pod
      metadata:
        generateName: client-6f7c9d-
        namespace: default
        annotations: {fulcrum.io/inject: enabled}
      spec:
        containers: [{name: client, image: example/client:1}]
      """;

  static String podReview(String uid) {
    return """
        {
          "apiVersion": "admission.k8s.io/v1",
          "kind": "AdmissionReview",
          "request": {
            "uid": "%s",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": "default",
            "operation": "CREATE",
            "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
            "object": {
              "apiVersion": "v1",
              "kind": "Pod",
              "metadata": {
                "generateName": "client-6f7c9d-",
                "namespace": "default",
                "annotations": {"fulcrum.io/inject": "enabled"}
              },
              "spec": {"containers": [{"name": "client", "image": "example/client:1"}]}
            },
            "oldObject": null,
            "dryRun": false,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}
          }
        }
        """.formatted(uid);
  }

  private AdmissionReviews() {}
}
