package dev.fulcrum.controlplane.authz;

/**
 * The result of validating one Authorization (grpc-java's ConfigOrError): the valid policy, or a
 * message naming the document and each field that is wrong.
 */
public record AuthorizationOrError(MeshAuthorization authorization, String error) {

  public static AuthorizationOrError of(MeshAuthorization authorization) {
    return new AuthorizationOrError(authorization, null);
  }

  public static AuthorizationOrError error(String error) {
    return new AuthorizationOrError(null, error);
  }

  public boolean isValid() {
    return authorization != null;
  }
}
