package dev.fulcrum.contract;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Optional;

/**
 * What a proxy tells the control plane about itself in its xDS node metadata: where it listens
 * and where its admin endpoint is (the dashboard polls its stats there), each {@code host:port}.
 */
public record NodeMetadata(Optional<String> listen, Optional<String> admin) {
  static final String LISTEN = "fulcrum.dev/listen";
  static final String ADMIN = "fulcrum.dev/admin";

  public NodeMetadata(String listen, String admin) {
    this(Optional.of(listen), Optional.of(admin));
  }

  /** The node's {@code metadata} as the xDS bootstrap and the Node message carry it. */
  public Struct toStruct() {
    Struct.Builder struct = Struct.newBuilder();
    listen.ifPresent(value -> struct.putFields(LISTEN, Value.newBuilder().setStringValue(value).build()));
    admin.ifPresent(value -> struct.putFields(ADMIN, Value.newBuilder().setStringValue(value).build()));
    return struct.build();
  }

  /** Reads what a node sent; a field absent or not a non-empty string is empty. */
  public static NodeMetadata of(Struct metadata) {
    return new NodeMetadata(text(metadata, LISTEN), text(metadata, ADMIN));
  }

  private static Optional<String> text(Struct metadata, String key) {
    Value value = metadata.getFieldsOrDefault(key, Value.getDefaultInstance());
    return value.hasStringValue() && !value.getStringValue().isBlank()
        ? Optional.of(value.getStringValue()) : Optional.empty();
  }
}
