package io.sluice.benchmarks.load;

/** A stub v2 server for the load generator's tests. */
interface StubServer extends AutoCloseable {

  /** The {@code --target} URL. */
  String target();

  /** What it does and what it counted. */
  StubBehavior behavior();

  @Override
  void close();
}
