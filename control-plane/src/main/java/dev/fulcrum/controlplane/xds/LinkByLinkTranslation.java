package dev.fulcrum.controlplane.xds;

import com.google.protobuf.Message;
import dev.fulcrum.contract.authz.DefaultInboundPolicy;
import dev.fulcrum.contract.identity.SpiffeId;
import dev.fulcrum.controlplane.mesh.Authority;
import dev.fulcrum.controlplane.mesh.Endpoint;
import dev.fulcrum.controlplane.mesh.MeshLink;
import dev.fulcrum.controlplane.mesh.MeshModel;
import dev.fulcrum.controlplane.mesh.Target;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Named;
import javax.inject.Singleton;

/**
 * Translates and validates a model one Link at a time, reusing what it made last time for every
 * Link whose part of the model (the Link, its targets' endpoints, its aliases) is unchanged. With a
 * thousand Links, an endpoint change then costs one Link's translation, not a thousand, and the
 * unchanged resources are the same objects as before (so the cache's hashing can skip them too).
 * The result equals translating the whole model at once (XdsTranslator is per Link), which
 * {@code LinkByLinkTranslationTest} checks.
 */
@Singleton
public final class LinkByLinkTranslation {
  private final XdsTranslator translator;
  private final XdsResourceValidator validator;
  private final DefaultInboundPolicy defaultInboundPolicy;
  private final String trustDomain;
  /** The last translation of each Link's part of the model; only the parts last seen are kept. */
  private Map<MeshModel, Translated> memo = new HashMap<>();

  /** Resources, and why clients would reject them (empty if they would not). */
  public record Translated(XdsResources resources, List<String> errors) {}

  @Inject
  public LinkByLinkTranslation(XdsTranslator translator, XdsResourceValidator validator,
      DefaultInboundPolicy defaultInboundPolicy, @Named("trustDomain") String trustDomain) {
    this.translator = translator;
    this.validator = validator;
    this.defaultInboundPolicy = defaultInboundPolicy;
    this.trustDomain = trustDomain;
  }

  public LinkByLinkTranslation(XdsTranslator translator, XdsResourceValidator validator) {
    this(translator, validator, DefaultInboundPolicy.DEFAULT, SpiffeId.DEFAULT_TRUST_DOMAIN);
  }

  public synchronized Translated translate(MeshModel model) {
    Map<MeshModel, Translated> next = new HashMap<>();
    Map<XdsType, Map<String, Message>> merged = new EnumMap<>(XdsType.class);
    for (XdsType type : XdsType.values()) {
      merged.put(type, new HashMap<>());
    }
    List<String> errors = new ArrayList<>();
    for (MeshLink link : model.links()) {
      MeshModel part = partOf(model, link);
      Translated translated = next.computeIfAbsent(part, p -> {
        Translated before = memo.get(p);
        return before != null ? before : translateAndValidate(p);
      });
      errors.addAll(translated.errors());
      for (XdsType type : XdsType.values()) {
        translated.resources().ofType(type).forEach((name, resource) -> {
          if (merged.get(type).putIfAbsent(name, resource) != null) {
            errors.add(type.shortName() + " resource " + name + " is made by two Links");
          }
        });
      }
    }
    memo = next;
    InboundPolicies inbound = new InboundPolicies(model.authorizations().enforced(), defaultInboundPolicy, trustDomain);
    return new Translated(resources(merged, inbound), errors);
  }

  private Translated translateAndValidate(MeshModel part) {
    XdsResources resources = translator.translate(part);
    return new Translated(resources, validator.validate(resources));
  }

  /** The part of {@code model} that {@code link}'s resources are made from. */
  private static MeshModel partOf(MeshModel model, MeshLink link) {
    Map<Target, List<Endpoint>> endpoints = new HashMap<>();
    link.targets().forEach(target -> endpoints.put(target, model.endpointsOf(target)));
    List<Authority> aliases = model.aliasesOf(link);
    return new MeshModel(List.of(link), endpoints, List.of(), Map.of(), Map.of(),
        aliases.isEmpty() ? Map.of() : Map.of(link.id(), aliases));
  }

  @SuppressWarnings("unchecked")
  private static XdsResources resources(Map<XdsType, Map<String, Message>> merged, InboundPolicies inbound) {
    return new XdsResources(
        (Map) merged.get(XdsType.LISTENER), (Map) merged.get(XdsType.ROUTE),
        (Map) merged.get(XdsType.CLUSTER), (Map) merged.get(XdsType.ENDPOINT), inbound);
  }
}
