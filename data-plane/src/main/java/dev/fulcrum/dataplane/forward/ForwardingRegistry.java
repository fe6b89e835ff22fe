package dev.fulcrum.dataplane.forward;

import dev.fulcrum.dataplane.BoundedMemo;
import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;

/**
 * Accepts every method: the proxy does not know the services it forwards, so each method name
 * maps to a pass-through definition handled by the {@link CallForwarder}. Definitions are made
 * once per method and kept, up to {@link #MAX_CACHED} of them (callers choose the names, so the
 * cache must not grow without bound). One registry per listening side: the outbound side's hands its
 * calls to the {@link CallForwarder}, the inbound side's to the {@link AppForwarder}.
 */
public final class ForwardingRegistry extends HandlerRegistry {
  static final int MAX_CACHED = 10_000;

  private final ServerCallHandler<byte[], DetachedMessage> forwarder;
  private final BoundedMemo<String, ServerMethodDefinition<byte[], DetachedMessage>> methods =
      new BoundedMemo<>(MAX_CACHED, this::definition);

  ForwardingRegistry(ServerCallHandler<byte[], DetachedMessage> forwarder) {
    this.forwarder = forwarder;
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String fullMethodName, String authority) {
    return methods.get(fullMethodName);
  }

  private ServerMethodDefinition<byte[], DetachedMessage> definition(String fullMethodName) {
    MethodDescriptor<byte[], DetachedMessage> method = MethodDescriptor.<byte[], DetachedMessage>newBuilder()
        // The proxy cannot know how many messages flow each way; UNKNOWN lets every kind through.
        .setType(MethodDescriptor.MethodType.UNKNOWN)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(RequestMarshaller.INSTANCE)
        .setResponseMarshaller(ResponseMarshaller.INSTANCE)
        .build();
    return ServerMethodDefinition.create(method, forwarder);
  }
}
