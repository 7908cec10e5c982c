package io.sluice.gateway.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.contract.ContractServer;
import io.sluice.gateway.contract.ProtocolClient;
import io.sluice.gateway.contract.ProtocolClient.Call;
import io.sluice.gateway.contract.ProtocolClient.Input;
import io.sluice.gateway.contract.ProtocolClient.Result;
import io.sluice.gateway.contract.RawTensors;
import io.sluice.runtime.onnx.SampleRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One valid request per corpus model and the exact answer it must get, computed here from the models'
 * definitions: sent after every case to show the server still serves that model correctly.
 */
final class ValidRequests {
  /** A call and its expected outputs (name, datatype and values as a Java array). */
  private record Valid(Call call, List<Input> expected) {}

  private static final Map<String, Valid> BY_MODEL = Map.of(
      ContractServer.TWO_OUTPUTS, new Valid(Call.of(ContractServer.TWO_OUTPUTS, fp32("x", 3, -1f, 0f, 2f)),
          List.of(fp32("neg", 3, 1f, -0f, -2f), fp32("relu", 3, 0f, 0f, 2f))),
      ContractServer.FIXED_ADD, new Valid(Call.of(ContractServer.FIXED_ADD,
          new Input("a", "FP32", new long[] {2, 2}, new float[] {1f, 2f, 3f, 4f}),
          new Input("b", "FP32", new long[] {2, 2}, new float[] {10f, 20f, 30f, 40f})),
          List.of(new Input("sum", "FP32", new long[] {2, 2}, new float[] {11f, 22f, 33f, 44f}))),
      ContractServer.SCALE, new Valid(Call.of(ContractServer.SCALE,
          new Input("x", "INT64", new long[] {1, 3}, new long[] {1, -2, Long.MAX_VALUE / 4})),
          List.of(new Input("y", "INT64", new long[] {1, 3}, new long[] {3, -6, Long.MAX_VALUE / 4 * 3}))),
      SampleRepository.LOOKUP, new Valid(Call.of(SampleRepository.LOOKUP,
          new Input("text", "BYTES", new long[] {3}, new String[] {"dog", "unicorn", "fish"})),
          List.of(new Input("token_id", "INT64", new long[] {3}, new long[] {1, SampleRepository.UNKNOWN_TOKEN_ID,
              3}))),
      ContractServer.BATCHED, new Valid(Call.of(ContractServer.BATCHED,
          new Input("x", "FP32", new long[] {2, 4}, new float[] {1f, -2f, 3.5f, 0f, 1e-3f, 7f, -8f, 9f})),
          List.of(new Input("y", "FP32", new long[] {2, 4}, new float[] {1f, -2f, 3.5f, 0f, 1e-3f, 7f, -8f, 9f}))),
      ContractServer.IDENTITY, identity());

  private ValidRequests() {}

  /**
   * Sends the valid request of {@code model} over {@code client} and checks every output exactly; failures
   * name {@code label}.
   */
  static void assertServed(ProtocolClient client, String model, String label) {
    Valid valid = BY_MODEL.get(model);
    assertThat(valid).as("%s: a valid request for %s", label, model).isNotNull();
    Result result = client.infer(valid.call());
    assertThat(result.ok()).as("%s: the valid request to %s: %s", label, model, result.message()).isTrue();
    assertThat(result.outputs()).as(label).hasSameSizeAs(valid.expected());
    for (Input expected : valid.expected()) {
      ProtocolClient.Output output = result.output(expected.name());
      assertThat(output.datatype()).as("%s: %s", label, expected.name()).isEqualTo(expected.datatype());
      assertThat(output.shape()).as("%s: %s", label, expected.name()).isEqualTo(expected.shape());
      assertThat(RawTensors.bytes(output.raw())).as("%s: %s of %s", label, expected.name(), model)
          .isEqualTo(RawTensors.bytes(RawTensors.encode(expected.datatype(), expected.values())));
    }
  }

  /** Every datatype of {@code identity_all} once; the outputs echo the inputs. */
  private static Valid identity() {
    List<Input> inputs = List.of(
        new Input("in_bool", "BOOL", new long[] {2}, new boolean[] {true, false}),
        new Input("in_uint8", "UINT8", new long[] {2}, new byte[] {7, (byte) 255}),
        new Input("in_int8", "INT8", new long[] {2}, new byte[] {-128, 127}),
        new Input("in_int16", "INT16", new long[] {2}, new short[] {-32768, 32767}),
        new Input("in_int32", "INT32", new long[] {2}, new int[] {Integer.MIN_VALUE, 42}),
        new Input("in_int64", "INT64", new long[] {2}, new long[] {Long.MIN_VALUE, 1L << 53}),
        new Input("in_fp16", "FP16", new long[] {2}, new short[] {0x3C00, (short) 0xC000}),
        new Input("in_bf16", "BF16", new long[] {2}, new short[] {0x3F80, (short) 0xC000}),
        new Input("in_fp32", "FP32", new long[] {2}, new float[] {1.5f, -0f}),
        new Input("in_fp64", "FP64", new long[] {2}, new double[] {Math.PI, -1e-300}),
        new Input("in_string", "BYTES", new long[] {2}, new String[] {"", "ünï"}));
    List<Input> outputs = new ArrayList<>();
    for (Input input : inputs) {
      outputs.add(new Input("out_" + input.name().substring(3), input.datatype(), input.shape(), input.values()));
    }
    return new Valid(new Call(ContractServer.IDENTITY, "", "", inputs, List.of()), outputs);
  }

  private static Input fp32(String name, long length, float... values) {
    return new Input(name, "FP32", new long[] {length}, values);
  }
}
