package dev.fulcrum.it;

/** Reading a proxy's {@code /metrics}, Prometheus' text format. */
public final class PrometheusText {
  private PrometheusText() {
  }

  /** The sum of {@code name}'s series in {@code exposition} whose labels hold {@code label} ({@code key="value"}). */
  public static double sum(String exposition, String name, String label) {
    return exposition.lines()
        .filter(line -> line.startsWith(name + "{") && line.contains(label))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
