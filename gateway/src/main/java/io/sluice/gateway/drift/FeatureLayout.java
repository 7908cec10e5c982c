package io.sluice.gateway.drift;

import io.sluice.runtime.session.ModelSignature;
import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which features a model's inputs have and how each request's tensors turn into observations of them. Derived
 * from the signature alone (shapes as declared, {@code -1} for variable dimensions, the batch dimension
 * included when {@code max_batch_size > 0}), so a baseline built offline and the live requests agree.
 *
 * <p>Each input, in signature order, is read in one of three modes:
 * <ul>
 *   <li><b>Columns</b> (tabular): rank 2 with a fixed last dimension of 1..{@value #MAX_COLUMNS}, rank 1 with
 *       such a fixed dimension and no batching, or rank 0. Each column of the last dimension is a feature
 *       named {@code input[c]} (just {@code input} when there is one column); each row (every index of the
 *       leading dimension, e.g. each item of a batch) is one observation of every column. Numeric columns are
 *       numeric features, BYTES columns categorical.
 *   <li><b>Elements</b>: a rank-1 input whose only dimension is the batch ({@code max_batch_size > 0}), and any
 *       BYTES input that is not columns (variable or very long last dimension, rank 3 and up). One feature
 *       named {@code input}; every element is one observation.
 *   <li><b>Summary</b> (large numeric tensors: images, sequences, embeddings): rank 3 and up, rank 2 with a
 *       variable or longer-than-{@value #MAX_COLUMNS} last dimension, rank 1 of that kind without batching.
 *       Dimension 0 indexes the observations (ONNX models lead with the batch dimension; a rank-1 tensor is a
 *       single observation). Per observation: when dimension 1 is fixed at 1..{@value #MAX_CHANNELS} and the
 *       rank is 3 or more it is the channel axis (NCHW, ONNX's image layout) and the features are each
 *       channel's mean and population standard deviation, {@code input.c0.mean}, {@code input.c0.std},
 *       {@code input.c1.mean}, ...; otherwise the mean and standard deviation over the whole observation,
 *       {@code input.mean} and {@code input.std}. When any dimension of an observation is variable, a last
 *       feature {@code input.length} is the product of those variable dimensions (the sequence length).
 *       An empty observation yields only its length.
 * </ul>
 *
 * <p>NaN and infinite elements pass through as observations (a summary over them is itself non-finite) so that
 * the accumulators count them apart. An input missing from a request or not matching its declared shape is
 * skipped and counted, never an error. Immutable and thread-safe.
 */
final class FeatureLayout {
  /** Most columns a tabular input may have; a wider input is summarized. */
  static final int MAX_COLUMNS = 128;
  /** Most channels dimension 1 may have to be summarized per channel. */
  static final int MAX_CHANNELS = 16;

  enum Mode { COLUMNS, ELEMENTS, SUMMARY }

  /** How one input is read; {@code shape} as declared, with -1 for variable dimensions. */
  record InputPlan(String input, boolean bytes, long[] shape, Mode mode, int columns, int channels,
      boolean hasLength, int firstFeature, int featureCount) {}

  private final List<InputPlan> plans;
  private final List<FeatureDefinition> features;

  private FeatureLayout(List<InputPlan> plans, List<FeatureDefinition> features) {
    this.plans = List.copyOf(plans);
    this.features = List.copyOf(features);
  }

  static FeatureLayout of(ModelSignature signature) {
    return of(signature.inputs(), signature.maxBatchSize());
  }

  static FeatureLayout of(List<TensorSpec> inputs, int maxBatchSize) {
    List<InputPlan> plans = new ArrayList<>(inputs.size());
    List<FeatureDefinition> features = new ArrayList<>();
    for (TensorSpec spec : inputs) {
      InputPlan plan = plan(spec, maxBatchSize > 0, features.size());
      plans.add(plan);
      for (String name : names(plan)) {
        features.add(new FeatureDefinition(features.size(), name, spec.name(), plan.bytes()));
      }
    }
    return new FeatureLayout(plans, features);
  }

  List<FeatureDefinition> features() {
    return features;
  }

  List<InputPlan> plans() {
    return plans;
  }

  int size() {
    return features.size();
  }

  /**
   * Feeds every observation in {@code inputs} to {@code sink}.
   *
   * @return how many of the layout's inputs were missing from {@code inputs} or did not match their declared
   *     datatype kind or shape (those are skipped)
   */
  int extract(List<? extends InputValues> inputs, FeatureSink sink) {
    int skipped = 0;
    for (InputPlan plan : plans) {
      InputValues values = find(inputs, plan.input());
      if (values == null || !fits(plan, values)) {
        skipped++;
        continue;
      }
      switch (plan.mode()) {
        case COLUMNS:
          columns(plan, values, sink);
          break;
        case ELEMENTS:
          elements(plan, values, sink);
          break;
        default:
          summarize(plan, values, sink);
          break;
      }
    }
    return skipped;
  }

  private static InputPlan plan(TensorSpec spec, boolean batched, int first) {
    boolean bytes = spec.type() == DataType.BYTES;
    long[] shape = spec.shape();
    int rank = shape.length;
    long last = rank == 0 ? 1 : shape[rank - 1];
    boolean fewColumns = last >= 1 && last <= MAX_COLUMNS;
    if (rank == 0 || (rank == 2 && fewColumns) || (rank == 1 && !batched && fewColumns)) {
      int columns = (int) last;
      return new InputPlan(spec.name(), bytes, shape, Mode.COLUMNS, columns, 0, false, first, columns);
    }
    if (bytes || (rank == 1 && batched)) {
      return new InputPlan(spec.name(), bytes, shape, Mode.ELEMENTS, 0, 0, false, first, 1);
    }
    int channels = rank >= 3 && shape[1] >= 1 && shape[1] <= MAX_CHANNELS ? (int) shape[1] : 0;
    boolean hasLength = false;
    for (int axis = rank == 1 ? 0 : 1; axis < rank; axis++) {
      hasLength |= shape[axis] < 0;
    }
    int count = 2 * Math.max(1, channels) + (hasLength ? 1 : 0);
    return new InputPlan(spec.name(), false, shape, Mode.SUMMARY, 0, channels, hasLength, first, count);
  }

  private static List<String> names(InputPlan plan) {
    List<String> names = new ArrayList<>(plan.featureCount());
    String input = plan.input();
    if (plan.mode() == Mode.COLUMNS) {
      if (plan.columns() == 1) {
        names.add(input);
      } else {
        for (int column = 0; column < plan.columns(); column++) {
          names.add(input + "[" + column + "]");
        }
      }
    } else if (plan.mode() == Mode.ELEMENTS) {
      names.add(input);
    } else {
      if (plan.channels() > 0) {
        for (int channel = 0; channel < plan.channels(); channel++) {
          names.add(input + ".c" + channel + ".mean");
          names.add(input + ".c" + channel + ".std");
        }
      } else {
        names.add(input + ".mean");
        names.add(input + ".std");
      }
      if (plan.hasLength()) {
        names.add(input + ".length");
      }
    }
    return names;
  }

  private static InputValues find(List<? extends InputValues> inputs, String name) {
    for (int i = 0; i < inputs.size(); i++) {
      InputValues values = inputs.get(i);
      if (values.name().equals(name)) {
        return values;
      }
    }
    return null;
  }

  private static boolean fits(InputPlan plan, InputValues values) {
    long[] shape = plan.shape();
    if (values.isBytes() != plan.bytes() || values.rank() != shape.length) {
      return false;
    }
    for (int axis = 0; axis < shape.length; axis++) {
      if (shape[axis] >= 0 && shape[axis] != values.dim(axis)) {
        return false;
      }
    }
    return true;
  }

  private static void columns(InputPlan plan, InputValues values, FeatureSink sink) {
    int columns = plan.columns();
    int count = values.count();
    for (int index = 0; index < count; index++) {
      int feature = plan.firstFeature() + index % columns;
      if (plan.bytes()) {
        sink.category(feature, values.category(index));
      } else {
        sink.number(feature, values.number(index));
      }
    }
  }

  private static void elements(InputPlan plan, InputValues values, FeatureSink sink) {
    int count = values.count();
    int feature = plan.firstFeature();
    for (int index = 0; index < count; index++) {
      if (plan.bytes()) {
        sink.category(feature, values.category(index));
      } else {
        sink.number(feature, values.number(index));
      }
    }
  }

  private static void summarize(InputPlan plan, InputValues values, FeatureSink sink) {
    int count = values.count();
    int rows = values.rank() >= 2 ? (int) values.dim(0) : 1;
    int rowSize = rows == 0 ? 0 : count / rows;
    int groups = Math.max(1, plan.channels());
    int groupSize = rowSize / groups;
    double length = plan.hasLength() ? variableLength(plan, values) : 0;
    for (int row = 0; row < rows; row++) {
      int feature = plan.firstFeature();
      if (groupSize > 0) {
        for (int group = 0; group < groups; group++) {
          meanAndDeviation(values, row * rowSize + group * groupSize, groupSize, feature, sink);
          feature += 2;
        }
      }
      if (plan.hasLength()) {
        sink.number(plan.firstFeature() + plan.featureCount() - 1, length);
      }
    }
  }

  /** The product of an observation's variable dimensions. */
  private static double variableLength(InputPlan plan, InputValues values) {
    long[] shape = plan.shape();
    double length = 1;
    for (int axis = shape.length == 1 ? 0 : 1; axis < shape.length; axis++) {
      if (shape[axis] < 0) {
        length *= values.dim(axis);
      }
    }
    return length;
  }

  /** Emits the mean and the population standard deviation (two passes, for accuracy) of a slice. */
  private static void meanAndDeviation(InputValues values, int start, int size, int feature, FeatureSink sink) {
    double sum = 0;
    for (int i = start; i < start + size; i++) {
      sum += values.number(i);
    }
    double mean = sum / size;
    double squares = 0;
    for (int i = start; i < start + size; i++) {
      double delta = values.number(i) - mean;
      squares += delta * delta;
    }
    sink.number(feature, mean);
    sink.number(feature + 1, Math.sqrt(squares / size));
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("FeatureLayout[");
    for (InputPlan plan : plans) {
      text.append(plan.input()).append(' ').append(plan.mode()).append(Arrays.toString(plan.shape())).append(' ');
    }
    return text.append(features.size()).append(" features]").toString();
  }
}
