package dev.fulcrum.api.link;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The {@code Authorization} resource: who may call which methods of the workloads with one
 * identity, enforced on their inbound side. In the Link's group; the CRD in {@code deploy/crds/}
 * is generated from this class, as the Link's is.
 */
@Group(Link.GROUP)
@Version(Link.VERSION)
@Kind("Authorization")
@Plural("authorizations")
@AdditionalPrinterColumn(name = "Server", jsonPath = ".spec.server.identity")
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode")
@AdditionalPrinterColumn(name = "Accepted", jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Authorization extends CustomResource<AuthorizationSpec, AuthorizationStatus> implements Namespaced {}
