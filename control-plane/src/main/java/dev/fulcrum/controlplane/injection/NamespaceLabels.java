package dev.fulcrum.controlplane.injection;

import java.util.Map;

/**
 * The labels of a pod's namespace, which an admission request does not carry: where a namespace
 * sets what its pods' annotations may override (such as {@link dev.fulcrum.contract.InboundTls#ANNOTATION}).
 * Read from a cache: must not block.
 */
@FunctionalInterface
public interface NamespaceLabels {
  /** No namespace is known (file mode): every namespace reads as unlabelled. */
  NamespaceLabels NONE = namespace -> Map.of();

  Map<String, String> of(String namespace);
}
