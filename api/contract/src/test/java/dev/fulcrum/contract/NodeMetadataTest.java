package dev.fulcrum.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeMetadataTest {

  @Test
  void whatAProxySendsTheControlPlaneReads() {
    NodeMetadata metadata = new NodeMetadata("10.0.0.7:15001", "10.0.0.7:9990");
    assertEquals(metadata, NodeMetadata.of(metadata.toStruct()));
    assertEquals("10.0.0.7:9990", metadata.toStruct().getFieldsOrThrow("fulcrum.dev/admin").getStringValue());
    assertEquals("10.0.0.7:15001", metadata.toStruct().getFieldsOrThrow("fulcrum.dev/listen").getStringValue());
  }

  @Test
  void aPlainGrpcClientSendsNone() {
    assertEquals(new NodeMetadata(Optional.empty(), Optional.empty()), NodeMetadata.of(Struct.getDefaultInstance()));
    Struct odd = Struct.newBuilder()
        .putFields("fulcrum.dev/admin", Value.newBuilder().setNumberValue(9990).build())
        .putFields("fulcrum.dev/listen", Value.newBuilder().setStringValue(" ").build())
        .build();
    assertEquals(new NodeMetadata(Optional.empty(), Optional.empty()), NodeMetadata.of(odd));
  }
}
