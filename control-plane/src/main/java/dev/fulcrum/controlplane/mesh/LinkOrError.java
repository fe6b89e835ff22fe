package dev.fulcrum.controlplane.mesh;

/**
 * The result of validating one Link, as a value (grpc-java's ConfigOrError): the valid link, or a
 * message naming the document and each field that is wrong.
 */
public record LinkOrError(MeshLink link, String error) {

  public static LinkOrError of(MeshLink link) {
    return new LinkOrError(link, null);
  }

  public static LinkOrError error(String error) {
    return new LinkOrError(null, error);
  }

  public boolean isValid() {
    return link != null;
  }
}
