package dev.fulcrum.dataplane;

import io.grpc.Server;
import java.util.concurrent.TimeUnit;

/** Stops a gRPC server as a drain would: calls in flight get 5 s to finish, then the rest is cut. */
public final class GracefulStop {
  private GracefulStop() {}

  public static void stop(Server server) {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }
}
