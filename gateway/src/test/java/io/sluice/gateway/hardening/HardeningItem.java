package io.sluice.gateway.hardening;

/** The items of HARDENING.md section B (tensors) the corpus covers; every item has cases. */
enum HardeningItem {
  UNKNOWN_MODEL_OR_VERSION("unknown model or version -> 404/NOT_FOUND"),
  MALFORMED_VERSION("malformed version -> 400"),
  INPUTS("missing, unknown or duplicate inputs"),
  DATATYPE("wrong datatype"),
  ELEMENT_TYPE("JSON element of the wrong type (typed gRPC: value out of range or in the wrong field)"),
  ELEMENT_COUNT("element count != shape product"),
  RAGGED("ragged nested arrays"),
  NEGATIVE_DIMS("negative dims"),
  SHAPE_OVERFLOW("shapes whose product overflows, checked before any allocation"),
  MAX_BATCH_SIZE("batch above max_batch_size"),
  BYTES_PREFIX("BYTES length prefixes beyond the buffer, no allocation sized by them"),
  OUTPUTS("unknown or duplicate requested outputs"),
  NAN_INF("NaN/Inf inputs: the documented policy"),
  BINARY_SIZES("binary_data_size sums that do not match the body"),
  RAW_COUNT("gRPC raw count != inputs"),
  RAW_AND_TYPED("gRPC raw plus typed"),
  RAW_LENGTH("raw byte length != shape x dtype (gRPC raw, HTTP binary)"),
  MAX_MESSAGE("gRPC over max message size -> RESOURCE_EXHAUSTED"),
  DEADLINE("gRPC expired deadline -> DEADLINE_EXCEEDED without running the model");

  final String description;

  HardeningItem(String description) {
    this.description = description;
  }
}
