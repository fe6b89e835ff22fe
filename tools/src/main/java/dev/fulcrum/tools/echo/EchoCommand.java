package dev.fulcrum.tools.echo;

import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "echo", mixinStandardHelpOptions = true,
    description = "Runs a gRPC echo server that logs each request and replies with its own name.")
public final class EchoCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(EchoCommand.class);

  @Option(names = "--port", required = true, description = "Port to listen on (all interfaces).")
  int port;

  @Option(names = "--name", description = "Name put in every reply (default: the port).")
  String name;

  @Option(names = "--quiet", description = "Do not log each request (for benchmarks).")
  boolean quiet;

  @Option(names = "--xds", description = "Serve as a proxyless xDS server (grpc's XdsServerBuilder): the control plane"
      + " sets its security (mTLS). Needs a grpc-xds bootstrap in GRPC_XDS_BOOTSTRAP, e.g. from tools/fulcrum identity.")
  boolean xds;

  @Override
  public Integer call() throws Exception {
    String serverName = name != null ? name : String.valueOf(port);
    try (EchoServer server = xds ? EchoServer.startXds(port, serverName) : EchoServer.start(port, serverName)) {
      server.service().logRequests(!quiet);
      log.info("echo server {} listening on port {}", serverName, server.port());
      // SIGTERM (docker stop, a pod's deletion) drains: callers get GOAWAY, calls in flight finish.
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "echo-drain"));
      server.awaitTermination();
    }
    return 0;
  }
}
