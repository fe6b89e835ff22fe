package dev.fulcrum.tools;

import dev.fulcrum.controlplane.ControlPlaneConfig;
import dev.fulcrum.controlplane.dashboard.DashboardJson;
import dev.fulcrum.controlplane.dashboard.DashboardServer;
import dev.fulcrum.controlplane.dashboard.MeshStats;
import dev.fulcrum.tools.Fulcrum.UnreachableException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stat", mixinStandardHelpOptions = true,
    description = {
        "Prints each service's backends with their traffic, as the control plane's dashboard sees it:",
        "requests per second and success over the last poll, latency and calls since each proxy started;",
        "then per server, the calls its authorization policy allowed, denied, and allowed in audit mode",
        "though it would have denied them (audit-denied), since each proxy started: in all and per policy."})
public final class StatCommand implements Callable<Integer> {
  /** The POLICY of a server's first row, its totals: no Authorization or default is named so. */
  static final String ALL_POLICIES = "(all)";

  @Spec
  CommandSpec spec;

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
    PrintWriter out = spec.commandLine().getOut();
    print(stats, out);
    out.flush();
    return 0;
  }

  static void print(MeshStats stats, PrintWriter out) {
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
    out.println();
    printServers(stats.servers(), out);
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

  /** Per server, a row of its totals then one per policy, the server repeated on each for grep. */
  private static void printServers(List<MeshStats.Server> servers, PrintWriter out) {
    int serverWidth = Math.max("SERVER".length(),
        servers.stream().mapToInt(s -> s.identity().length()).max().orElse(0));
    int policyWidth = Stream.concat(Stream.of("POLICY", ALL_POLICIES),
            servers.stream().flatMap(s -> s.policies().stream()).map(MeshStats.Policy::policy))
        .mapToInt(String::length).max().orElseThrow();
    String row = "%-" + serverWidth + "s  %-" + policyWidth + "s  %9s  %9s  %12s%n";
    out.printf(row, "SERVER", "POLICY", "ALLOWED", "DENIED", "AUDIT-DENIED");
    for (MeshStats.Server server : servers) {
      out.printf(row, server.identity(), ALL_POLICIES, server.allowed(), server.denied(), server.auditDenied());
      for (MeshStats.Policy policy : server.policies()) {
        out.printf(row, server.identity(), policy.policy(), policy.allowed(), policy.denied(), policy.auditDenied());
      }
    }
    if (servers.isEmpty()) {
      out.println("(no server reports its authorization yet)");
    }
  }

  private static String millis(double ms) {
    return ms == 0 ? "-" : String.format(Locale.ROOT, ms < 10 ? "%.2fms" : "%.1fms", ms);
  }
}
