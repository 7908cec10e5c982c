package io.sluice.canary.routing;

/**
 * Where one request goes. Instances are preallocated per compiled policy and shared between requests;
 * compare {@link #reason()} and versions, never identities.
 *
 * @param version the primary version, or {@link #NO_VERSION} when the router makes no decision (the gateway
 *     then uses its default: the highest loaded version)
 * @param shadowVersion the version that also runs a mirrored copy of the request, or {@link #NO_VERSION}
 * @param reason why the primary version was chosen
 */
public record RouteDecision(long version, long shadowVersion, Reason reason) {

  /** The version value meaning "none". */
  public static final long NO_VERSION = -1;

  /** No decision: no policy for the model, or the chosen version and the stable version are not loaded. */
  public static final RouteDecision NONE = new RouteDecision(NO_VERSION, NO_VERSION, Reason.NONE);

  /** Why a version was chosen; low-cardinality, suitable as a metric tag. */
  public enum Reason {
    /** No decision. */
    NONE,
    /** The request named the version (URL path or gRPC {@code model_version}). */
    EXPLICIT,
    /** The {@code x-sluice-version} header pinned the version. */
    PIN,
    /** The sticky hash of the routing key picked the version. */
    STICKY,
    /** The weighted random pick chose the version. */
    WEIGHTED,
    /** The picked candidate is not loaded; the stable version took the request. */
    FALLBACK
  }

  public RouteDecision {
    if (reason == null) {
      throw new IllegalArgumentException("reason: null (expected: a Reason)");
    }
  }

  /** Whether the router chose a version; false means "use the gateway's default". */
  public boolean decided() {
    return version != NO_VERSION;
  }

  /** Whether a mirrored copy of the request should run on {@link #shadowVersion()}. */
  public boolean shadowed() {
    return shadowVersion != NO_VERSION;
  }
}
