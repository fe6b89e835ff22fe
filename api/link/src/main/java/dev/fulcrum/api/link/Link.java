package dev.fulcrum.api.link;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The {@code Link} resource: one gRPC service (the authority clients call) and the targets that
 * serve it, with the balancing strategy and request policy. Users write it as YAML; the same class
 * is the Kubernetes custom resource ({@code links.linkerd.io/v1alpha1}), and the CRD in
 * {@code deploy/crds/} is generated from it.
 */
@Group(Link.GROUP)
@Version(Link.VERSION)
@Kind("Link")
@Plural("links")
@AdditionalPrinterColumn(name = "Service", jsonPath = ".spec.service.name")
@AdditionalPrinterColumn(name = "Port", jsonPath = ".spec.service.port", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Strategy", jsonPath = ".spec.strategy")
@AdditionalPrinterColumn(name = "Targets Ready", jsonPath = ".status.targetsReady")
@AdditionalPrinterColumn(name = "Accepted", jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Link extends CustomResource<LinkSpec, LinkStatus> implements Namespaced {
  public static final String GROUP = "linkerd.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
}
