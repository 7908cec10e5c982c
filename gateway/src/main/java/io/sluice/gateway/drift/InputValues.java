package io.sluice.gateway.drift;

/**
 * Read access to one input's elements in row-major order, whatever they came from (a request's tensor or a
 * line of baseline data). Numeric inputs answer {@link #number}; BYTES inputs answer {@link #category}.
 */
interface InputValues {
  String name();

  /** True for BYTES (string) inputs. */
  boolean isBytes();

  int rank();

  long dim(int axis);

  /** The number of elements (the product of the shape). */
  int count();

  /** Element {@code index} as a double (integers exactly up to 2^53, BOOL as 0 or 1). Numeric inputs only. */
  double number(int index);

  /** Element {@code index} as a category key, see {@link Categories#ofBytes}. BYTES inputs only. */
  String category(int index);
}
