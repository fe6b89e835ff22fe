package dev.fulcrum.controlplane.dashboard;

import javax.inject.Inject;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of the dashboard's {@code /api/stats}, snake_case ({@code p50_ms}) like a proxy's
 * {@code /stats} (read with the contract's {@code StatsJson}). Unknown fields are ignored, so
 * either side can add some.
 */
public final class DashboardJson {
  private final JsonMapper mapper = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  @Inject
  public DashboardJson() {}

  public MeshStats meshStats(String json) {
    return mapper.readValue(json, MeshStats.class);
  }

  public String write(MeshStats stats) {
    return mapper.writeValueAsString(stats);
  }
}
