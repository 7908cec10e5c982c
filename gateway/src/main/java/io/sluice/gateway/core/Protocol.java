package io.sluice.gateway.core;

import java.util.Locale;

/** The front end a request came in on; a low-cardinality metrics tag. */
public enum Protocol {
  HTTP,
  GRPC;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The lowercase name used as the {@code protocol} tag: {@code http} or {@code grpc}. */
  public String tag() {
    return tag;
  }
}
