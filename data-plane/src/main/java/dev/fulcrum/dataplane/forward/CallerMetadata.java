package dev.fulcrum.dataplane.forward;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * How much metadata a call may carry through the proxy. Backends built with grpc accept 8 KiB by
 * default and answer more with a GOAWAY of the whole connection: forwarded, one oversized call
 * would end every call the proxy has on that backend connection. So the proxy refuses it itself,
 * that call alone (RESOURCE_EXHAUSTED).
 *
 * <p>The proxy's own listening side accepts up to {@link #LISTENER_LIMIT_BYTES} so that it gets to
 * refuse such a call; Netty answers a header list above that with HTTP 431 on its stream, and one
 * above 1.25 times that with a GOAWAY, a rule grpc-java leaves no way to change.
 */
final class CallerMetadata {
  /** gRPC's default for what a server accepts. */
  static final int LIMIT_BYTES = 8 * 1024;
  static final int LISTENER_LIMIT_BYTES = 64 * 1024;
  /** What HTTP/2 counts for each entry besides its name and value (RFC 7540, 6.5.2). */
  private static final int ENTRY_OVERHEAD = 32;

  private CallerMetadata() {}

  /** Refuses the call if its metadata is over {@link #LIMIT_BYTES}, returning its (idle) listener; else null. */
  static ServerCall.Listener<byte[]> refuseOversized(ServerCall<byte[], DetachedMessage> call, Metadata headers) {
    int bytes = size(headers, LIMIT_BYTES);
    if (bytes <= LIMIT_BYTES) {
      return null;
    }
    return refuse(call, Status.RESOURCE_EXHAUSTED.withDescription("fulcrum proxy: the call's metadata is at least "
        + bytes + " bytes, above the " + LIMIT_BYTES + " a backend accepts"));
  }

  /** Ends the call here, before anything goes upstream. */
  static ServerCall.Listener<byte[]> refuse(ServerCall<byte[], DetachedMessage> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** The header list's size as HTTP/2 counts it, or any number above {@code limit} once past it. */
  static int size(Metadata headers, int limit) {
    int size = 0;
    for (String key : headers.keys()) {
      int name = key.length();
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (byte[] value : headers.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
          size += ENTRY_OVERHEAD + name + (value.length + 2) / 3 * 4; // sent base64-encoded
        }
      } else {
        for (String value : headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
          size += ENTRY_OVERHEAD + name + value.length(); // ASCII: a byte a character
        }
      }
      if (size > limit) {
        return size;
      }
    }
    return size;
  }
}
