package dev.fulcrum.api.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the control plane made of a {@link ClusterLink}, written to its status subresource.
 *
 * @param observedGeneration the {@code metadata.generation} these conditions describe
 * @param conditions {@link #ACCEPTED} (the spec is valid and its Secret holds a kubeconfig that
 *     parses), {@link #API_SERVER_REACHABLE}, {@link #GATEWAY_ALIVE}, {@link #MIRRORED}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterLinkStatus(Long observedGeneration, List<Condition> conditions) {
  public static final String ACCEPTED = LinkStatus.ACCEPTED;
  /** The remote API server answers the mirror's watches. */
  public static final String API_SERVER_REACHABLE = "ApiServerReachable";
  /** The gateway answers its probe; while it does not, its mirrors have no endpoints. */
  public static final String GATEWAY_ALIVE = "GatewayAlive";
  /** Every exported Service has its mirror here, up to date. */
  public static final String MIRRORED = "Mirrored";
}
