package dev.fulcrum.it.capture;

import dev.fulcrum.echo.v1.EchoRequest;
import dev.fulcrum.echo.v1.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * An application that knows nothing of Fulcrum: a plain grpc-java client that calls the service it
 * is given by name ({@code NAME:PORT}, resolved as any name is, DNS or /etc/hosts) COUNT times, and
 * prints the server that answered each call, one per line (or {@code failed: STATUS}).
 */
public final class PlainEchoClient {
  private PlainEchoClient() {}

  public static void main(String[] args) throws InterruptedException {
    String target = args[0];
    int count = Integer.parseInt(args[1]);
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      EchoServiceGrpc.EchoServiceBlockingStub echo = EchoServiceGrpc.newBlockingStub(channel);
      for (int i = 0; i < count; i++) {
        try {
          System.out.println(echo.withDeadlineAfter(10, TimeUnit.SECONDS)
              .echo(EchoRequest.newBuilder().setMessage("call " + i).build()).getServer());
        } catch (io.grpc.StatusRuntimeException e) {
          System.out.println("failed: " + e.getStatus());
        }
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
