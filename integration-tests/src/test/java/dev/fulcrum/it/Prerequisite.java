package dev.fulcrum.it;

import org.junit.jupiter.api.Assumptions;

/**
 * What a suite needs from the machine (a Docker engine, a browser). Missing on a developer's
 * machine, the suite is skipped; missing under {@code CI=true}, it fails: a CI that silently lost
 * its container suite must go red, not green.
 */
public final class Prerequisite {
  private Prerequisite() {}

  public static void require(boolean present, String missing) {
    require(present, missing, System.getenv("CI"));
  }

  static void require(boolean present, String missing, String ci) {
    if (present) {
      return;
    }
    if ("true".equals(ci)) {
      throw new AssertionError(missing + ", and CI=true: a suite CI skips is a suite CI lost");
    }
    Assumptions.abort(missing);
  }
}
