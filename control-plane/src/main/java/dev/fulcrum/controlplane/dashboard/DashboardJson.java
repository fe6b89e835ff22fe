package dev.fulcrum.controlplane.dashboard;

import javax.inject.Inject;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of a proxy's {@code /stats} and of the dashboard's {@code /api/stats}, both snake_case
 * ({@code p50_ms}). Unknown fields are ignored, so either side can add some.
 */
public final class DashboardJson {
  private final JsonMapper mapper = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  @Inject
  public DashboardJson() {}

  /** Throws {@link tools.jackson.core.JacksonException} when {@code json} is not a proxy's stats. */
  public ProxyStats proxyStats(String json) {
    return mapper.readValue(json, ProxyStats.class);
  }

  public MeshStats meshStats(String json) {
    return mapper.readValue(json, MeshStats.class);
  }

  public String write(MeshStats stats) {
    return mapper.writeValueAsString(stats);
  }
}
