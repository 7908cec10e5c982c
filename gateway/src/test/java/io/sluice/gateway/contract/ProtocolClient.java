package io.sluice.gateway.contract;

import io.sluice.runtime.exec.ErrorCode;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What the contract suite needs from a front end, so one suite runs against HTTP/JSON, HTTP binary and gRPC
 * (raw or typed contents). Implementations speak the real wire protocol over loopback. Public for the
 * hardening corpus, which renders its bad requests through the same clients.
 */
public interface ProtocolClient extends AutoCloseable {

  /**
   * One input. {@code values} is a Java array matching the datatype (FP16/BF16 as short bits, BYTES as
   * String[]; for a datatype the protocol does not know, the array's own element type decides the encoding),
   * or one of the verbatim forms {@link JsonData} and {@link RawData}, or (typed gRPC only) an
   * {@code InferTensorContents}.
   */
  record Input(String name, String datatype, long[] shape, Object values) {}

  /**
   * Input values sent verbatim as the JSON {@code "data"} member, after the input's name, datatype and shape
   * or ({@code first}) before them; only the HTTP clients render it.
   */
  record JsonData(String text, boolean first) {
    public JsonData(String text) {
      this(text, false);
    }
  }

  /**
   * Input bytes sent verbatim, whatever the shape and datatype say: the binary part with a matching
   * {@code binary_data_size} over HTTP (JSON client included), {@code raw_input_contents} over raw gRPC.
   */
  record RawData(byte[] bytes) {}

  /** One output as received, converted to the protocol's little-endian raw layout. */
  record Output(String name, String datatype, long[] shape, ByteBuffer raw) {}

  /** A request; {@code version} may be empty; {@code outputs} empty means all. */
  record Call(String model, String version, String id, List<Input> inputs, List<String> outputs) {
    public static Call of(String model, Input... inputs) {
      return new Call(model, "", "", List.of(inputs), List.of());
    }

    public Call version(String newVersion) {
      return new Call(model, newVersion, id, inputs, outputs);
    }

    public Call outputs(String... names) {
      return new Call(model, version, id, inputs, List.of(names));
    }

    public Call id(String newId) {
      return new Call(model, version, newId, inputs, outputs);
    }
  }

  /**
   * Either outputs or an error (code mapped back from the transport status, and its message); {@code status} is
   * the transport's own status as received: the HTTP status code ({@code "400"}) or the gRPC code name
   * ({@code "INVALID_ARGUMENT"}).
   */
  record Result(String modelName, String modelVersion, String id, List<Output> outputs, ErrorCode error,
      String message, String status) {
    public static Result failure(ErrorCode code, String message, String status) {
      return new Result("", "", "", List.of(), code, message, status);
    }

    public boolean ok() {
      return error == null;
    }

    public Output output(String name) {
      for (Output output : outputs) {
        if (output.name().equals(name)) {
          return output;
        }
      }
      throw new AssertionError("no output " + name + " in " + outputs + (ok() ? "" : " (" + message + ")"));
    }
  }

  /** Tensor metadata as reported by the model metadata endpoint. */
  record TensorInfo(String name, String datatype, List<Long> shape) {}

  /** Model metadata as reported by the model metadata endpoint. */
  record Metadata(String name, List<String> versions, String platform, List<TensorInfo> inputs,
      List<TensorInfo> outputs) {}

  /** One row of the repository index. */
  record IndexRow(String name, String version, String state, String reason) {}

  List<IndexRow> repositoryIndex(boolean readyOnly);

  /** Loads {@code model} through the repository API; the error code, or null on success. */
  ErrorCode load(String model);

  /** Unloads {@code model} through the repository API; the error code, or null on success. */
  ErrorCode unload(String model);

  boolean live();

  boolean ready();

  /** Model readiness; unknown models answer with the error code through {@link ContractFailure}. */
  boolean modelReady(String model, String version);

  Metadata metadata(String model, String version);

  /** {@code max_batch_size} from the model config endpoint. */
  long maxBatchSize(String model);

  /** {@code inference_stats.success.count} of one version from the statistics endpoint. */
  long successCount(String model, String version);

  /** {@code execution_count} summed over every version of {@code model}: how often the model has run. */
  long executionCount(String model);

  Result infer(Call call);

  @Override
  void close();

  /** A non-inference call that the server rejected. */
  final class ContractFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final ErrorCode code;

    ContractFailure(ErrorCode code, String message) {
      super(code + ": " + message);
      this.code = code;
    }
  }
}
