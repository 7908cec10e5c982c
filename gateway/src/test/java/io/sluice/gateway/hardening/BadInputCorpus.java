package io.sluice.gateway.hardening;

import static io.sluice.gateway.hardening.Answer.DEADLINE_EXCEEDED;
import static io.sluice.gateway.hardening.Answer.INVALID;
import static io.sluice.gateway.hardening.Answer.NOT_FOUND;
import static io.sluice.gateway.hardening.Answer.RESET;
import static io.sluice.gateway.hardening.Answer.TOO_LARGE;
import static io.sluice.gateway.hardening.CorpusCase.refused;
import static io.sluice.gateway.hardening.CorpusCase.served;
import static io.sluice.gateway.hardening.HardeningItem.BINARY_SIZES;
import static io.sluice.gateway.hardening.HardeningItem.BYTES_PREFIX;
import static io.sluice.gateway.hardening.HardeningItem.DATATYPE;
import static io.sluice.gateway.hardening.HardeningItem.DEADLINE;
import static io.sluice.gateway.hardening.HardeningItem.ELEMENT_COUNT;
import static io.sluice.gateway.hardening.HardeningItem.ELEMENT_TYPE;
import static io.sluice.gateway.hardening.HardeningItem.INPUTS;
import static io.sluice.gateway.hardening.HardeningItem.MALFORMED_VERSION;
import static io.sluice.gateway.hardening.HardeningItem.MAX_BATCH_SIZE;
import static io.sluice.gateway.hardening.HardeningItem.MAX_MESSAGE;
import static io.sluice.gateway.hardening.HardeningItem.NAN_INF;
import static io.sluice.gateway.hardening.HardeningItem.NEGATIVE_DIMS;
import static io.sluice.gateway.hardening.HardeningItem.OUTPUTS;
import static io.sluice.gateway.hardening.HardeningItem.RAGGED;
import static io.sluice.gateway.hardening.HardeningItem.RAW_AND_TYPED;
import static io.sluice.gateway.hardening.HardeningItem.RAW_COUNT;
import static io.sluice.gateway.hardening.HardeningItem.RAW_LENGTH;
import static io.sluice.gateway.hardening.HardeningItem.SHAPE_OVERFLOW;
import static io.sluice.gateway.hardening.HardeningItem.UNKNOWN_MODEL_OR_VERSION;

import io.sluice.gateway.contract.ContractServer;
import io.sluice.gateway.contract.ProtocolClient.Call;
import io.sluice.gateway.contract.ProtocolClient.Input;
import io.sluice.gateway.contract.ProtocolClient.JsonData;
import io.sluice.gateway.contract.ProtocolClient.RawData;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.runtime.onnx.SampleRepository;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bad-input corpus: HARDENING.md section B as data. Most cases are wire-neutral contract calls that run on
 * every path; the rest carry values or tweaks only some wire forms can express (JSON element text, raw bytes,
 * typed contents, framing of the binary part, gRPC message limits and deadlines). Models are those of
 * {@link ContractServer}.
 */
final class BadInputCorpus {
  private static final String TWO = ContractServer.TWO_OUTPUTS;
  private static final String FIXED = ContractServer.FIXED_ADD;
  private static final String SCALE = ContractServer.SCALE;
  private static final String IDENTITY = ContractServer.IDENTITY;
  private static final String BATCHED = ContractServer.BATCHED;
  private static final String LOOKUP = SampleRepository.LOOKUP;
  private static final String LONG_NAME = "n".repeat(20_000);
  /** How messages echo {@link #LONG_NAME}: its first 64 characters, then an ellipsis. */
  private static final String LONG_ECHO = "n".repeat(64) + "...";
  /** 7 x 0x6DB6DB6DB6DB6DB7 wraps to exactly 1 in 64-bit arithmetic. */
  private static final long WRAPS_TO_ONE = 0x6DB6DB6DB6DB6DB7L;

  /**
   * JSON {@code data} of the wrong kind for one {@code identity_all} input: name, input suffix, datatype,
   * data, expected message part.
   */
  private static final String[][] JSON_ELEMENTS = {
    {"int32-fraction", "int32", "INT32", "[1.5]", "data element 0 is 1.5"},
    {"int32-exponent", "int32", "INT32", "[1e2]", "data element 0 is 1e2"},
    {"int32-above-range", "int32", "INT32", "[2147483648]", "data element 0 is 2147483648"},
    {"int32-string", "int32", "INT32", "[\"7\"]", "data element 0 is a string"},
    {"int32-true", "int32", "INT32", "[true]", "data element 0 is true"},
    {"int32-null", "int32", "INT32", "[null]", "data element 0 is null"},
    {"int32-object", "int32", "INT32", "[{\"v\":1}]", "data element 0 is an object"},
    {"int32-second-element", "int32", "INT32", "[1,2.5]", "data element 1 is 2.5"},
    {"uint8-300", "uint8", "UINT8", "[300]", "data element 0 is 300"},
    {"uint8-negative", "uint8", "UINT8", "[-1]", "data element 0 is -1"},
    {"int8-128", "int8", "INT8", "[128]", "data element 0 is 128"},
    {"int16-40000", "int16", "INT16", "[40000]", "data element 0 is 40000"},
    {"int64-2-pow-63", "int64", "INT64", "[9223372036854775808]", "data element 0 is 9223372036854775808"},
    {"int64-below-min", "int64", "INT64", "[-9223372036854775809]", "data element 0 is -9223372036854775809"},
    {"int64-fraction", "int64", "INT64", "[1.0]", "data element 0 is 1.0"},
    {"int64-1001-digits", "int64", "INT64", "[" + "1".repeat(1001) + "]", "parser limit"},
    {"bool-one", "bool", "BOOL", "[1]", "data element 0 is 1"},
    {"bool-string", "bool", "BOOL", "[\"true\"]", "data element 0 is a string"},
    {"bool-null", "bool", "BOOL", "[null]", "data element 0 is null"},
    {"bytes-number", "string", "BYTES", "[5]", "data element 0 is 5"},
    {"bytes-null", "string", "BYTES", "[null]", "data element 0 is null"},
    {"bytes-array-of-codes", "string", "BYTES", "[[104,105]]", "nested deeper"},
    {"fp32-string-number", "fp32", "FP32", "[\"1.5\"]", "data element 0 is a string"},
    {"fp64-false", "fp64", "FP64", "[false]", "data element 0 is false"},
    {"fp16-as-json", "fp16", "FP16", "[1.0]", "binary only"},
    {"bf16-as-json", "bf16", "BF16", "[1.0]", "binary only"},
  };

  /**
   * Non-finite FP32/FP64 values in JSON {@code data}, which the HTTP package's policy rejects: name, input
   * suffix, datatype, data, expected message part.
   */
  private static final String[][] JSON_NON_FINITE = {
    {"fp32-nan-string", "fp32", "FP32", "[\"NaN\"]", "data element 0 is a string"},
    {"fp32-infinity-string", "fp32", "FP32", "[\"Infinity\"]", "data element 0 is a string"},
    {"fp32-nan-token", "fp32", "FP32", "[NaN]", "malformed JSON"},
    {"fp32-infinity-token", "fp32", "FP32", "[Infinity]", "malformed JSON"},
    {"fp32-negative-infinity-token", "fp32", "FP32", "[-Infinity]", "malformed JSON"},
    {"fp32-overflow", "fp32", "FP32", "[3.5e38]", "within FP32 range"},
    {"fp32-negative-overflow", "fp32", "FP32", "[-1e39]", "within FP32 range"},
    {"fp64-overflow", "fp64", "FP64", "[1e309]", "within FP64 range"},
  };

  /**
   * Nested {@code data} for {@code batched_identity}'s {@code x} of shape [2,4]: name, data, expected message
   * part.
   */
  private static final String[][] RAGGED_DATA = {
    {"ragged-short-row", "[[1,2,3,4],[5,6,7]]", "ragged"},
    {"ragged-rows-right-total", "[[1,2,3],[4,5,6,7,8]]", "ragged"},
    {"ragged-empty-row", "[[],[1,2,3,4,5,6,7,8]]", "ragged"},
    {"ragged-row-and-scalars", "[[1,2,3,4],5,6,7,8]", "ragged"},
    {"ragged-array-among-scalars", "[[1,2,3,4],[[5],6,7,8]]", "ragged"},
    {"nested-deeper-than-rank", "[[[1,2,3,4]],[[5,6,7,8]]]", "nested deeper"},
  };

  private BadInputCorpus() {}

  static List<CorpusCase> cases() {
    List<CorpusCase> cases = new ArrayList<>();
    everyPath(cases);
    jsonOnly(cases);
    binaryAndRaw(cases);
    grpcOnly(cases);
    nonFinitePolicy(cases);
    return cases;
  }

  /** Wire-neutral calls: JSON, binary, raw and typed gRPC. */
  private static void everyPath(List<CorpusCase> cases) {
    Input x3 = x(shape(3), -1f, 0f, 2f);
    cases.add(refused(UNKNOWN_MODEL_OR_VERSION, "unknown-model", NOT_FOUND, "no_such_model",
        Call.of("no_such_model", x3)).target(TWO));
    cases.add(refused(UNKNOWN_MODEL_OR_VERSION, "unknown-model-other-case", NOT_FOUND, "Two_Outputs",
        Call.of("Two_Outputs", x3)).target(TWO));
    cases.add(refused(UNKNOWN_MODEL_OR_VERSION, "unknown-version", NOT_FOUND, "version 9",
        Call.of(TWO, x3).version("9")));
    cases.add(refused(UNKNOWN_MODEL_OR_VERSION, "unknown-version-zero", NOT_FOUND, "version 0",
        Call.of(TWO, x3).version("0")));
    cases.add(refused(UNKNOWN_MODEL_OR_VERSION, "unknown-version-18-digits", NOT_FOUND, "version 999999999999999999",
        Call.of(TWO, x3).version("999999999999999999")));
    for (String[] version : new String[][] {
        {"version-with-letter", "v1"}, {"version-negative", "-1"}, {"version-decimal", "1.0"},
        {"version-19-digits", "1000000000000000000"}}) {
      cases.add(refused(MALFORMED_VERSION, version[0], INVALID, "malformed model version",
          Call.of(TWO, x3).version(version[1])));
    }

    Input a = fp32("a", shape(2, 2), 1f, 2f, 3f, 4f);
    Input b = fp32("b", shape(2, 2), 10f, 20f, 30f, 40f);
    cases.add(refused(INPUTS, "missing-input", INVALID, "missing input 'b'", Call.of(FIXED, a)));
    cases.add(refused(INPUTS, "no-inputs", INVALID, "missing input 'a'", Call.of(FIXED)));
    cases.add(refused(INPUTS, "unknown-input", INVALID, "unknown input 'y'", Call.of(TWO, fp32("y", shape(1), 1f))));
    cases.add(refused(INPUTS, "unknown-extra-input", INVALID, "unknown input 'c'",
        Call.of(FIXED, a, b, fp32("c", shape(2, 2), 0f, 0f, 0f, 0f))));
    cases.add(refused(INPUTS, "duplicate-input", INVALID, "duplicate input 'x'", Call.of(TWO, x3, x3)));
    cases.add(refused(INPUTS, "empty-input-name", INVALID, "unknown input ''", Call.of(TWO, fp32("", shape(1), 1f))));
    cases.add(refused(INPUTS, "input-named-like-an-output", INVALID, "unknown input 'relu'",
        Call.of(TWO, fp32("relu", shape(1), 1f))));
    // Names come back in messages, short and printable: a gRPC status message travels in a header, which the
    // client limits to 8 KiB by default.
    cases.add(refused(INPUTS, "unknown-input-20000-character-name", INVALID, "unknown input '" + LONG_ECHO + "'",
        Call.of(TWO, fp32(LONG_NAME, shape(1), 1f))));
    cases.add(refused(INPUTS, "unknown-input-control-characters", INVALID, "unknown input 'a??b?c?[31m'",
        Call.of(TWO, fp32("a\r\nb\u0000c\u001b[31m", shape(1), 1f))));
    cases.add(refused(INPUTS, "long-name-and-negative-dim", INVALID, "input '" + LONG_ECHO + "': negative",
        Call.of(TWO, fp32(LONG_NAME, shape(-1), 1f))));
    cases.add(refused(INPUTS, "long-name-and-too-few-elements", INVALID, "input '" + LONG_ECHO + "': ",
        Call.of(TWO, fp32(LONG_NAME, shape(2), 1f))));

    cases.add(refused(DATATYPE, "fp64-for-fp32", INVALID, "datatype FP64",
        Call.of(TWO, new Input("x", "FP64", shape(3), new double[] {-1, 0, 2}))));
    cases.add(refused(DATATYPE, "int32-for-int64", INVALID, "datatype INT32",
        Call.of(SCALE, new Input("x", "INT32", shape(1, 2), new int[] {1, 2}))));
    cases.add(refused(DATATYPE, "bytes-for-fp32", INVALID, "datatype BYTES",
        Call.of(TWO, new Input("x", "BYTES", shape(2), new String[] {"a", "b"}))));
    cases.add(refused(DATATYPE, "fp32-for-bytes", INVALID, "datatype FP32",
        Call.of(LOOKUP, fp32("text", shape(2), 1f, 2f))));
    cases.add(refused(DATATYPE, "unknown-datatype", INVALID, "unknown datatype",
        Call.of(TWO, new Input("x", "FLOAT32", shape(3), new float[] {-1f, 0f, 2f}))));
    cases.add(refused(DATATYPE, "lower-case-datatype", INVALID, "unknown datatype",
        Call.of(TWO, new Input("x", "fp32", shape(3), new float[] {-1f, 0f, 2f}))));

    cases.add(refused(ELEMENT_COUNT, "fewer-elements-than-shape", INVALID, "shape [4]",
        Call.of(TWO, x(shape(4), 1f, 2f, 3f))));
    cases.add(refused(ELEMENT_COUNT, "more-elements-than-shape", INVALID, "shape [2]",
        Call.of(TWO, x(shape(2), 1f, 2f, 3f))));
    cases.add(refused(ELEMENT_COUNT, "zero-shape-with-data", INVALID, "shape [0]", Call.of(TWO, x(shape(0), 1f))));
    cases.add(refused(ELEMENT_COUNT, "bytes-fewer-elements", INVALID, "shape [3]",
        Call.of(LOOKUP, new Input("text", "BYTES", shape(3), new String[] {"dog"}))));
    cases.add(refused(ELEMENT_COUNT, "fixed-dims-mismatch", INVALID, "shape [2,3]",
        Call.of(FIXED, fp32("a", shape(2, 3), new float[6]), fp32("b", shape(2, 3), new float[6]))));
    cases.add(refused(ELEMENT_COUNT, "rank-above-model", INVALID, "shape [1,3]",
        Call.of(TWO, x(shape(1, 3), 1f, 2f, 3f))));
    cases.add(refused(ELEMENT_COUNT, "scalar-for-vector", INVALID, "shape []", Call.of(TWO, x(shape(), 1f))));
    cases.add(refused(ELEMENT_COUNT, "rank-17", INVALID, "rank",
        Call.of(TWO, x(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 1f))));

    cases.add(refused(NEGATIVE_DIMS, "negative-dim", INVALID, "negative dimension", Call.of(TWO, x(shape(-1), 1f))));
    cases.add(refused(NEGATIVE_DIMS, "negative-second-dim", INVALID, "negative dimension",
        Call.of(SCALE, int64("x", shape(1, -3), 1, 2, 3))));
    cases.add(refused(NEGATIVE_DIMS, "two-negative-dims-positive-product", INVALID, "negative dimension",
        Call.of(SCALE, int64("x", shape(-1, -1), 1))));
    cases.add(refused(NEGATIVE_DIMS, "min-long-dim", INVALID, "negative dimension",
        Call.of(TWO, x(shape(Long.MIN_VALUE), 1f))));

    cases.add(refused(SHAPE_OVERFLOW, "product-overflows-long", INVALID, "too many elements",
        Call.of(SCALE, int64("x", shape(1L << 32, 1L << 32), 1))));
    cases.add(refused(SHAPE_OVERFLOW, "product-wraps-to-zero", INVALID, "too many elements",
        Call.of(SCALE, int64("x", shape(1L << 62, 4)))));
    cases.add(refused(SHAPE_OVERFLOW, "product-wraps-to-one", INVALID, "too many elements",
        Call.of(SCALE, int64("x", shape(7, WRAPS_TO_ONE), 1))));
    // The rest overflow no long but need far more memory than was sent: refused before any allocation.
    cases.add(refused(SHAPE_OVERFLOW, "max-long-dim", INVALID, "9223372036854775807",
        Call.of(TWO, x(shape(Long.MAX_VALUE), 1f))));
    cases.add(refused(SHAPE_OVERFLOW, "bytes-beyond-one-buffer", INVALID, "1073741824",
        Call.of(TWO, x(shape(1L << 30), 1f))));
    cases.add(refused(SHAPE_OVERFLOW, "one-gib-declared-four-bytes-sent", INVALID, "268435456",
        Call.of(TWO, x(shape(1L << 28), 1f))));

    cases.add(refused(MAX_BATCH_SIZE, "batch-one-above-max", INVALID, "batch size 9",
        Call.of(BATCHED, fp32("x", shape(9, 4), new float[36]))));
    cases.add(refused(MAX_BATCH_SIZE, "batch-far-above-max", INVALID, "batch size 1000",
        Call.of(BATCHED, fp32("x", shape(1000, 4), new float[4000]))));

    cases.add(refused(OUTPUTS, "unknown-output", INVALID, "unknown output 'nope'", Call.of(TWO, x3).outputs("nope")));
    cases.add(refused(OUTPUTS, "duplicate-output", INVALID, "duplicate output 'relu'",
        Call.of(TWO, x3).outputs("relu", "relu")));
    cases.add(refused(OUTPUTS, "output-named-like-an-input", INVALID, "unknown output 'x'",
        Call.of(TWO, x3).outputs("x")));
    cases.add(refused(OUTPUTS, "empty-output-name", INVALID, "unknown output ''", Call.of(TWO, x3).outputs("")));
    cases.add(refused(OUTPUTS, "known-then-unknown-output", INVALID, "unknown output 'nope'",
        Call.of(TWO, x3).outputs("neg", "nope")));
    cases.add(refused(OUTPUTS, "unknown-output-20000-character-name", INVALID, "unknown output '" + LONG_ECHO + "'",
        Call.of(TWO, x3).outputs(LONG_NAME)));
  }

  /**
   * JSON element text: wrong kinds, non-finite values and ragged nesting; each twice, with {@code data} after
   * the fields that describe it (read straight into the tensor) and before them (kept as tokens, read later).
   */
  private static void jsonOnly(List<CorpusCase> cases) {
    for (boolean first : new boolean[] {false, true}) {
      String suffix = first ? "-data-first" : "";
      for (String[] row : JSON_ELEMENTS) {
        cases.add(refused(ELEMENT_TYPE, row[0] + suffix, INVALID, row[4], jsonCall(row, first)));
      }
      for (String[] row : JSON_NON_FINITE) {
        cases.add(refused(NAN_INF, row[0] + suffix, INVALID, row[4], jsonCall(row, first)));
      }
      for (String[] row : RAGGED_DATA) {
        cases.add(refused(RAGGED, row[0] + suffix, INVALID, row[2],
            Call.of(BATCHED, new Input("x", "FP32", shape(2, 4), new JsonData(row[1], first)))));
      }
    }
  }

  private static Call jsonCall(String[] row, boolean first) {
    return Call.of(IDENTITY, new Input("in_" + row[1], row[2], shape(json(row[3])), new JsonData(row[3], first)));
  }

  /** Bytes the shape and datatype do not describe: HTTP binary and raw gRPC. */
  private static void binaryAndRaw(List<CorpusCase> cases) {
    cases.add(refused(BYTES_PREFIX, "bytes-prefix-past-end", INVALID, "declares 100 bytes but only 3 remain",
        text(1, prefixed(100, "abc"))));
    cases.add(refused(BYTES_PREFIX, "bytes-prefix-2-gib", INVALID, "declares 2147483632 bytes",
        text(1, prefixed(0x7FFF_FFF0, "abc"))));
    cases.add(refused(BYTES_PREFIX, "bytes-prefix-4-gib", INVALID, "declares 4294967295 bytes",
        text(1, prefixed(-1, "abc"))));
    cases.add(refused(BYTES_PREFIX, "bytes-truncated-prefix", INVALID, "truncated BYTES length prefix",
        text(1, new byte[] {3, 0})));
    cases.add(refused(BYTES_PREFIX, "bytes-second-prefix-past-end", INVALID, "BYTES element 1 declares 9 bytes",
        text(2, concat(prefixed(1, "a"), prefixed(9, "b")))));

    cases.add(refused(RAW_LENGTH, "raw-shorter-than-shape", INVALID, "(expected: 16 bytes)",
        raw(TWO, "FP32", shape(4), 12)));
    cases.add(refused(RAW_LENGTH, "raw-longer-than-shape", INVALID, "(expected: 8 bytes)",
        raw(TWO, "FP32", shape(2), 16)));
    cases.add(refused(RAW_LENGTH, "raw-not-a-multiple-of-int64", INVALID, "(expected: 8 bytes)",
        raw(SCALE, "INT64", shape(1, 1), 7)));
    cases.add(refused(RAW_LENGTH, "raw-empty-for-one-element", INVALID, "(expected: 4 bytes)",
        raw(TWO, "FP32", shape(1), 0)));
    cases.add(refused(RAW_LENGTH, "raw-one-gib-declared-four-bytes-sent", INVALID, "(expected: 1073741824 bytes)",
        raw(TWO, "FP32", shape(1L << 28), 4)));

    Call valid = Call.of(TWO, x(shape(3), -1f, 0f, 2f));
    cases.add(refused(BINARY_SIZES, "binary-bytes-after-the-sizes", INVALID, "binary_data_size", valid)
        .with(Tweak.TRAILING_BINARY_BYTES));
    cases.add(refused(BINARY_SIZES, "binary-body-shorter-than-the-sizes", INVALID, "binary_data_size", valid)
        .with(Tweak.MISSING_BINARY_BYTES));
    cases.add(refused(BINARY_SIZES, "binary-without-header-length", INVALID, "malformed JSON", valid)
        .with(Tweak.NO_HEADER_LENGTH));
    cases.add(refused(BINARY_SIZES, "binary-header-length-past-body", INVALID, "Inference-Header-Content-Length", valid)
        .with(Tweak.HEADER_LENGTH_PAST_BODY));
  }

  /** Message-level gRPC cases and typed contents. */
  private static void grpcOnly(List<CorpusCase> cases) {
    Call two = Call.of(TWO, x(shape(3), -1f, 0f, 2f));
    Call fixed = Call.of(FIXED, fp32("a", shape(2, 2), 1f, 2f, 3f, 4f), fp32("b", shape(2, 2), 1f, 2f, 3f, 4f));
    cases.add(refused(RAW_COUNT, "raw-contents-more-than-inputs", INVALID, "raw_input_contents", two)
        .with(Tweak.EXTRA_RAW_CONTENT));
    cases.add(refused(RAW_COUNT, "raw-contents-fewer-than-inputs", INVALID, "raw_input_contents", fixed)
        .with(Tweak.MISSING_RAW_CONTENT));
    cases.add(refused(RAW_AND_TYPED, "raw-and-typed-contents", INVALID, "typed contents and raw_input_contents", two)
        .with(Tweak.RAW_AND_TYPED));
    cases.add(refused(MAX_MESSAGE, "message-over-max-size", TOO_LARGE, null, two).with(Tweak.OVER_MAX_MESSAGE));
    // A caller learns of its deadline from its own client (DEADLINE_EXCEEDED); a server that finds the deadline
    // passed on arrival never runs the model, and grpc-java's server answers by resetting the stream.
    cases.add(refused(DEADLINE, "client-deadline-passed", DEADLINE_EXCEEDED, "deadline", two)
        .with(Tweak.CLIENT_DEADLINE_PASSED));
    cases.add(refused(DEADLINE, "deadline-passed-on-arrival", RESET, "CANCEL", two)
        .with(Tweak.DEADLINE_PASSED_ON_ARRIVAL));

    cases.add(refused(ELEMENT_TYPE, "typed-uint8-300", INVALID, "out of range",
        typed("in_uint8", "UINT8", InferTensorContents.newBuilder().addUintContents(300))));
    cases.add(refused(ELEMENT_TYPE, "typed-int8-200", INVALID, "out of range",
        typed("in_int8", "INT8", InferTensorContents.newBuilder().addIntContents(200))));
    cases.add(refused(ELEMENT_TYPE, "typed-int16-40000", INVALID, "out of range",
        typed("in_int16", "INT16", InferTensorContents.newBuilder().addIntContents(40000))));
    cases.add(refused(ELEMENT_TYPE, "typed-wrong-field", INVALID, "expects fp32_contents",
        typed("in_fp32", "FP32", InferTensorContents.newBuilder().addInt64Contents(1))));
    cases.add(refused(ELEMENT_TYPE, "typed-second-field", INVALID, "fp64_contents",
        typed("in_fp32", "FP32", InferTensorContents.newBuilder().addFp32Contents(1f).addFp64Contents(1))));
    cases.add(refused(ELEMENT_TYPE, "typed-fp16", INVALID, "no typed contents field",
        typed("in_fp16", "FP16", InferTensorContents.newBuilder().addFp32Contents(1f))));
  }

  /**
   * The NaN/Inf policy beyond JSON {@code data} (see {@code gateway/.../http/package-info.java}): binary
   * tensors and gRPC pass non-finite values to the model as they are, and JSON responses write them as the
   * strings "NaN", "Infinity" and "-Infinity" (the client's strict parser would fail on bare tokens).
   */
  private static void nonFinitePolicy(List<CorpusCase> cases) {
    float[] nonFinite = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    float[] negated = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
    cases.add(served(NAN_INF, "non-finite-values-pass-through", Call.of(TWO, x(shape(3), nonFinite)).outputs("neg"),
        "neg", negated).on(WirePath.BINARY, WirePath.GRPC_RAW, WirePath.GRPC_TYPED));
    byte[] raw = new byte[12];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(nonFinite);
    cases.add(served(NAN_INF, "non-finite-outputs-as-json-strings",
        Call.of(TWO, new Input("x", "FP32", shape(3), new RawData(raw))).outputs("neg"), "neg", negated)
        .on(WirePath.JSON));
  }

  private static Input x(long[] shape, float... values) {
    return fp32("x", shape, values);
  }

  private static Input fp32(String name, long[] shape, float... values) {
    return new Input(name, "FP32", shape, values);
  }

  private static Input int64(String name, long[] shape, long... values) {
    return new Input(name, "INT64", shape, values);
  }

  private static long[] shape(long... dims) {
    return dims;
  }

  /** The shape of a flat JSON array literal's element count (nested ones count as one element). */
  private static long[] json(String data) {
    int depth = 0;
    int elements = 1;
    for (char c : data.toCharArray()) {
      depth += c == '[' ? 1 : c == ']' ? -1 : 0;
      elements += c == ',' && depth == 1 ? 1 : 0;
    }
    return shape(elements);
  }

  private static Call text(long count, byte[] raw) {
    return Call.of(LOOKUP, new Input("text", "BYTES", shape(count), new RawData(raw)));
  }

  private static Call raw(String model, String datatype, long[] shape, int bytes) {
    return Call.of(model, new Input("x", datatype, shape, new RawData(new byte[bytes])));
  }

  private static Call typed(String input, String datatype, InferTensorContents.Builder contents) {
    return Call.of(IDENTITY, new Input(input, datatype, shape(1), contents.build()));
  }

  /** {@code text} behind a length prefix that claims {@code declared} bytes (unsigned). */
  private static byte[] prefixed(int declared, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + bytes.length).order(ByteOrder.LITTLE_ENDIAN).putInt(declared).put(bytes).array();
  }

  private static byte[] concat(byte[] first, byte[] second) {
    return ByteBuffer.allocate(first.length + second.length).put(first).put(second).array();
  }
}
