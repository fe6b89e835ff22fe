package dev.fulcrum.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.fulcrum.controlplane.dashboard.DashboardJson;
import dev.fulcrum.controlplane.dashboard.DashboardServer;
import dev.fulcrum.controlplane.dashboard.MeshStats;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code fulcrum stat} against a real HTTP server answering {@code /api/stats} as the dashboard does. */
class StatCommandTest {
  private static final List<MeshStats.Proxy> PROXIES = List.of(
      new MeshStats.Proxy("default/echo-a", "10.0.0.1:9990", "answering", null),
      new MeshStats.Proxy("default/web", "10.0.0.3:9990", "not answering", "connection refused"));
  private static final List<MeshStats.Service> SERVICES = List.of(new MeshStats.Service("echo.default:50051", List.of(
      new MeshStats.Backend("10.0.0.1:4143", 25.0, 1.0, 1200, 0, 0.8, 3.1, 1, true,
          "spiffe://cluster.local/ns/default/sa/echo"))));
  private static final String SERVICES_TABLE = """
      SERVICE             BACKEND             RPS   SUCCESS        P50        P99      CALLS  TLS        IDENTITY
      echo.default:50051  10.0.0.1:4143      25.0   100.00%     0.80ms     3.10ms       1200  mTLS       spiffe://cluster.local/ns/default/sa/echo

      """;
  private static final String PROXIES_TABLE = """

      PROXY           ADMIN                  STATUS
      default/echo-a  10.0.0.1:9990          answering
      default/web     10.0.0.3:9990          not answering (connection refused)
      """;

  private HttpServer dashboard;

  @AfterEach
  void stop() {
    dashboard.stop(0);
  }

  /** Serves {@code json} at the dashboard's {@code /api/stats}; its address. */
  private String serve(String json) throws Exception {
    dashboard = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    dashboard.createContext(DashboardServer.API_STATS, exchange -> {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    dashboard.start();
    return "127.0.0.1:" + dashboard.getAddress().getPort();
  }

  private static String stat(String controlPlane) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Fulcrum.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("stat", "--control-plane", controlPlane);
    assertEquals(0, exit, err.toString());
    return out.toString();
  }

  @Test
  void printsEachServerWithItsTotalsThenEachPolicyThatDecided() throws Exception {
    MeshStats stats = new MeshStats(PROXIES, SERVICES, List.of(
        new MeshStats.Server("default/echo", 1530, 12, 3, 2, List.of(
            new MeshStats.Policy("default/echo-callers", 1500, 0, 0),
            new MeshStats.Policy("default/audit-all", 30, 0, 3),
            new MeshStats.Policy("default:deny", 0, 12, 0))),
        new MeshStats.Server("shop/web", 7, 0, 0, 1, List.of(new MeshStats.Policy("default:allow", 7, 0, 0)))));
    assertEquals(SERVICES_TABLE + """
        SERVER        POLICY                  ALLOWED     DENIED  AUDIT-DENIED
        default/echo  (all)                      1530         12             3
        default/echo  default/echo-callers       1500          0             0
        default/echo  default/audit-all            30          0             3
        default/echo  default:deny                  0         12             0
        shop/web      (all)                         7          0             0
        shop/web      default:allow                 7          0             0
        """ + PROXIES_TABLE, stat(serve(new DashboardJson().write(stats))));
  }

  @Test
  void aDashboardFromBeforeServersPrintsTheServicesAsBeforeAndNoServer() throws Exception {
    String json = new DashboardJson().write(new MeshStats(PROXIES, SERVICES, List.of()))
        .replace(",\"servers\":[]", "");
    assertEquals(SERVICES_TABLE + """
        SERVER  POLICY    ALLOWED     DENIED  AUDIT-DENIED
        (no server reports its authorization yet)
        """ + PROXIES_TABLE, stat(serve(json)));
  }
}
