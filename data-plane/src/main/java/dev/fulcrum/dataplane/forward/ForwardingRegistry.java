package dev.fulcrum.dataplane.forward;

import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import javax.inject.Inject;

/**
 * Accepts every method: the proxy does not know the services it forwards, so each method name
 * maps to a pass-through definition handled by the {@link CallForwarder}.
 */
public final class ForwardingRegistry extends HandlerRegistry {
  private final CallForwarder forwarder;

  @Inject
  public ForwardingRegistry(CallForwarder forwarder) {
    this.forwarder = forwarder;
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String fullMethodName, String authority) {
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        // The proxy cannot know how many messages flow each way; UNKNOWN lets every kind through.
        .setType(MethodDescriptor.MethodType.UNKNOWN)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(PassThroughMarshaller.INSTANCE)
        .setResponseMarshaller(PassThroughMarshaller.INSTANCE)
        .build();
    return ServerMethodDefinition.create(method, forwarder);
  }
}
