package dev.fulcrum.contract.authz;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a server accepts when no Authorization selects it: the value of the control plane's and the
 * proxy's {@code --default-inbound-policy} flag and of a pod's {@link #ANNOTATION}.
 */
public enum DefaultInboundPolicy {
  /** Every caller, meshed or not (callers without mTLS only where the inbound side is permissive). */
  ALLOW,
  /** Every caller with a mesh identity; plaintext callers are refused. */
  AUTHENTICATED,
  /** Nobody: only what an Authorization allows. */
  DENY;

  public static final String ANNOTATION = "fulcrum.io/default-inbound-policy";
  public static final String FLAG = "--default-inbound-policy";
  public static final DefaultInboundPolicy DEFAULT = ALLOW;

  @JsonValue
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** How decisions made by this default name their policy in metrics and refusals: {@code default:deny}. */
  public String policyName() {
    return "default:" + yamlName();
  }

  public static Optional<DefaultInboundPolicy> of(String yamlName) {
    return Arrays.stream(values()).filter(policy -> policy.yamlName().equals(yamlName)).findFirst();
  }

  /** The three values, as a flag's help or an error lists them. */
  public static String choices() {
    return String.join("|", Arrays.stream(values()).map(DefaultInboundPolicy::yamlName).toList());
  }
}
