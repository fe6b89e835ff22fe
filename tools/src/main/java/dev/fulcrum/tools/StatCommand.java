package dev.fulcrum.tools;

import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.dashboard.DashboardJson;
import dev.fulcrum.controlplane.dashboard.DashboardServer;
import dev.fulcrum.controlplane.dashboard.MeshStats;
import dev.fulcrum.tools.Fulcrum.UnreachableException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stat", mixinStandardHelpOptions = true,
    description = {
        "Prints each service's backends with their traffic, as the control plane's dashboard sees it:",
        "requests per second and success over the last poll, latency and calls since each proxy started."})
public final class StatCommand implements Callable<Integer> {

  @Option(names = "--control-plane", paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:" + ControlPlaneConfig.DEFAULT_ADMIN_PORT,
      description = "The control plane's admin address (its --admin-port; default: ${DEFAULT-VALUE}).")
  String controlPlane;

  @Override
  public Integer call() throws Exception {
    HostPort target = HostPort.parse("--control-plane", controlPlane);
    String json = new AdminClient().get("control plane", target, DashboardServer.API_STATS);
    MeshStats stats;
    try {
      stats = new DashboardJson().meshStats(json);
    } catch (RuntimeException e) {
      throw new UnreachableException("http://" + target + "/api/stats is not the dashboard's stats: " + e.getMessage());
    }
    print(stats, System.out);
    return 0;
  }

  static void print(MeshStats stats, PrintStream out) {
    int serviceWidth = Math.max("SERVICE".length(),
        stats.services().stream().mapToInt(s -> s.service().length()).max().orElse(0));
    int backendWidth = Math.max("BACKEND".length(), stats.services().stream()
        .flatMap(s -> s.backends().stream()).mapToInt(b -> b.backend().length()).max().orElse(0));
    String row = "%-" + serviceWidth + "s  %-" + backendWidth + "s  %8s  %8s  %9s  %9s  %9s  %-9s  %s%n";
    out.printf(row, "SERVICE", "BACKEND", "RPS", "SUCCESS", "P50", "P99", "CALLS", "TLS", "IDENTITY");
    for (MeshStats.Service service : stats.services()) {
      for (MeshStats.Backend backend : service.backends()) {
        out.printf(row, service.service(), backend.backend(), String.format(Locale.ROOT, "%.1f", backend.rps()),
            backend.successRate() == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * backend.successRate()),
            millis(backend.p50Ms()), millis(backend.p99Ms()), backend.requests(),
            backend.tls() ? "mTLS" : "plaintext", backend.identity().isEmpty() ? "-" : backend.identity());
      }
    }
    if (stats.services().isEmpty()) {
      out.println("(no calls through a proxy yet)");
    }
    int nodeWidth = Math.max("PROXY".length(), stats.proxies().stream().mapToInt(p -> p.node().length()).max().orElse(0));
    String proxyRow = "%-" + nodeWidth + "s  %-21s  %s%n";
    out.println();
    out.printf(proxyRow, "PROXY", "ADMIN", "STATUS");
    for (MeshStats.Proxy proxy : stats.proxies()) {
      out.printf(proxyRow, proxy.node(), proxy.admin(),
          proxy.status() + (proxy.error() == null ? "" : " (" + proxy.error() + ")"));
    }
    if (stats.proxies().isEmpty()) {
      out.println("(no proxy connected)");
    }
  }

  private static String millis(double ms) {
    return ms == 0 ? "-" : String.format(Locale.ROOT, ms < 10 ? "%.2fms" : "%.1fms", ms);
  }
}
