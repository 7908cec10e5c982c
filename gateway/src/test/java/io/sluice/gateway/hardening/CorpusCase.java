package io.sluice.gateway.hardening;

import io.sluice.gateway.contract.ProtocolClient.Call;
import io.sluice.gateway.contract.ProtocolClient.Input;
import io.sluice.gateway.contract.ProtocolClient.JsonData;
import io.sluice.gateway.contract.ProtocolClient.RawData;
import io.sluice.proto.inference.InferTensorContents;
import java.util.EnumSet;
import java.util.Set;

/**
 * One bad (or policy) request of the corpus, independent of the wire: the request as a contract {@link Call},
 * the answer every path must give, and where it runs.
 *
 * @param name unique within the corpus; with the path, the test's name
 * @param fragment a part of the error message that shows the request failed for the intended reason, or null
 * @param target the model whose statistics must not move and that must answer a valid request afterwards
 *     (the call's model unless that one does not exist)
 * @param tweak a change only some wire forms can express, applied after rendering
 * @param paths where the case runs: the paths every input's values can be rendered on (Java arrays
 *     everywhere, {@link JsonData} on JSON, {@link RawData} on binary and raw gRPC, typed contents on typed
 *     gRPC) and the tweak exists on, unless narrowed with {@link #on}
 * @param output for a served case, the output to check, else null
 * @param expected for a served case, the values {@code output} must hold
 */
record CorpusCase(HardeningItem item, String name, Call call, Answer answer, String fragment, String target,
    Tweak tweak, Set<WirePath> paths, String output, float[] expected) {

  /** A request every path must refuse with {@code answer}, naming {@code fragment} in its message. */
  static CorpusCase refused(HardeningItem item, String name, Answer answer, String fragment, Call call) {
    return new CorpusCase(item, name, call, answer, fragment, call.model(), Tweak.NONE, renderable(call), null,
        null);
  }

  /** A request every path must serve, with {@code output} holding {@code expected}. */
  static CorpusCase served(HardeningItem item, String name, Call call, String output, float... expected) {
    return new CorpusCase(item, name, call, Answer.SERVED, null, call.model(), Tweak.NONE, renderable(call),
        output, expected);
  }

  /** This case with {@code newTweak}, on the paths both allow. */
  CorpusCase with(Tweak newTweak) {
    Set<WirePath> narrowed = EnumSet.copyOf(paths);
    narrowed.retainAll(newTweak.paths);
    return new CorpusCase(item, name, call, answer, fragment, target, newTweak, narrowed, output, expected);
  }

  /** This case on exactly {@code only}. */
  CorpusCase on(WirePath first, WirePath... rest) {
    return new CorpusCase(item, name, call, answer, fragment, target, tweak, EnumSet.of(first, rest), output,
        expected);
  }

  /** This case checked against {@code model} (for calls to a model that does not exist). */
  CorpusCase target(String model) {
    return new CorpusCase(item, name, call, answer, fragment, model, tweak, paths, output, expected);
  }

  private static Set<WirePath> renderable(Call call) {
    Set<WirePath> paths = EnumSet.allOf(WirePath.class);
    for (Input input : call.inputs()) {
      Object values = input.values();
      if (values instanceof JsonData) {
        paths.retainAll(EnumSet.of(WirePath.JSON));
      } else if (values instanceof RawData) {
        paths.retainAll(EnumSet.of(WirePath.BINARY, WirePath.GRPC_RAW));
      } else if (values instanceof InferTensorContents) {
        paths.retainAll(EnumSet.of(WirePath.GRPC_TYPED));
      }
    }
    return paths;
  }
}
