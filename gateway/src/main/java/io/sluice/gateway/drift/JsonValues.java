package io.sluice.gateway.drift;

/** {@link InputValues} over arrays parsed from a line of JSON data. */
final class JsonValues implements InputValues {
  private final String name;
  private final long[] shape;
  private final double[] numbers;
  private final String[] strings;

  private JsonValues(String name, long[] shape, double[] numbers, String[] strings) {
    this.name = name;
    this.shape = shape.clone();
    this.numbers = numbers;
    this.strings = strings;
  }

  static JsonValues ofNumbers(String name, long[] shape, double[] numbers) {
    return new JsonValues(name, shape, numbers, null);
  }

  static JsonValues ofStrings(String name, long[] shape, String[] strings) {
    return new JsonValues(name, shape, null, strings);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isBytes() {
    return strings != null;
  }

  @Override
  public int rank() {
    return shape.length;
  }

  @Override
  public long dim(int axis) {
    return shape[axis];
  }

  @Override
  public int count() {
    return strings != null ? strings.length : numbers.length;
  }

  @Override
  public double number(int index) {
    return numbers[index];
  }

  @Override
  public String category(int index) {
    return Categories.ofString(strings[index]);
  }
}
