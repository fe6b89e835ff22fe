package dev.fulcrum.it;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Fulcrum's CRDs, applied as {@code kubectl apply -f deploy/crds/} would. */
public final class Crds {
  private Crds() {}

  /** Creates every CRD in {@code dir} (deploy/crds) through {@code kubectl}. */
  public static void apply(KubernetesClient kubectl, Path dir) throws IOException {
    List<Path> files;
    try (var listing = Files.list(dir)) {
      files = listing.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
    for (Path file : files) {
      try (InputStream crd = Files.newInputStream(file)) {
        kubectl.resource(kubectl.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
      }
    }
  }
}
