package io.sluice.runtime.exec;

import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins requests along the batch dimension and splits a batched result back: inputs are concatenated into
 * one direct region per input of a worker's reused {@link Scratch} buffer (BYTES tensors concatenate their
 * length-prefixed elements as they are);
 * outputs are sliced per member by rows. Which requests may join is decided by {@link BatchShape}.
 */
final class BatchAssembler {
  private BatchAssembler() {}

  /** Rows (batch dimension) of a batchable request, or -1 when it cannot join a batch. */
  static long rows(InferenceRequest request) {
    long rows = -1;
    for (Tensor input : request.inputs()) {
      if (input.rank() == 0) {
        return -1;
      }
      if (rows >= 0 && input.dim(0) != rows) {
        return -1;
      }
      rows = input.dim(0);
    }
    return rows;
  }

  /**
   * The inputs of {@code members} joined along dimension 0, in the first member's input order, written into
   * {@code scratch}: the tensors stay valid until the next call with the same scratch.
   */
  static List<Tensor> concatenate(List<InferenceRequest> members, Scratch scratch) {
    List<Tensor> first = members.get(0).inputs();
    int inputs = first.size();
    long[] rows = new long[inputs];
    int[] bytes = new int[inputs];
    long total = 0;
    for (int i = 0; i < inputs; i++) {
      long inputBytes = 0;
      for (InferenceRequest member : members) {
        Tensor part = find(member.inputs(), first.get(i).name());
        rows[i] += part.dim(0);
        inputBytes += part.byteLength();
      }
      bytes[i] = Math.toIntExact(inputBytes);
      total += aligned(bytes[i]);
    }
    ByteBuffer region = scratch.take(Math.toIntExact(total));
    List<Tensor> joined = new ArrayList<>(inputs);
    int offset = 0;
    for (int i = 0; i < inputs; i++) {
      Tensor template = first.get(i);
      ByteBuffer data = region.slice(offset, bytes[i]).order(ByteOrder.LITTLE_ENDIAN);
      for (InferenceRequest member : members) {
        data.put(find(member.inputs(), template.name()).data());
      }
      data.flip();
      long[] shape = template.shape();
      shape[0] = rows[i];
      joined.add(Tensor.of(template.name(), template.type(), shape, data));
      offset += aligned(bytes[i]);
    }
    return joined;
  }

  /** {@code bytes} rounded up to a cache line, where each input's region starts. */
  private static long aligned(long bytes) {
    return (bytes + 63) & ~63L;
  }

  /**
   * A direct buffer one worker reuses for the concatenated inputs of batch after batch, instead of allocating
   * one per batch (up to {@code maxBatchSize} requests' bytes: megabytes for image inputs, and direct
   * allocations are slow while dead ones wait for a GC). It grows to the largest batch seen, up to
   * {@value #MAX_KEPT_BYTES} bytes; larger batches get a buffer of their own. Owned by one thread: a region
   * it hands out is valid until the next {@link #take}; the batch's run is over by then.
   */
  static final class Scratch {
    static final int MAX_KEPT_BYTES = 64 << 20;

    private ByteBuffer buffer;

    /** A zero-positioned direct region of {@code bytes} bytes. */
    ByteBuffer take(int bytes) {
      if (bytes > MAX_KEPT_BYTES) {
        return Tensors.allocate(bytes);
      }
      if (buffer == null || buffer.capacity() < bytes) {
        int grown = buffer == null ? bytes : (int) Math.min(MAX_KEPT_BYTES, Math.max(bytes, 2L * buffer.capacity()));
        buffer = Tensors.allocate(grown);
      }
      return buffer.slice(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  /**
   * Member {@code index}'s rows of each batched output, starting at row {@code firstRow}.
   *
   * @throws InferenceException INTERNAL when an output has no batch dimension matching the batch
   */
  static List<Tensor> slice(List<Tensor> outputs, long totalRows, long firstRow, long rows) {
    List<Tensor> sliced = new ArrayList<>(outputs.size());
    for (Tensor output : outputs) {
      if (output.rank() == 0 || output.dim(0) != totalRows) {
        throw InferenceException.internal("output '" + output.name() + "' does not have the batch dimension");
      }
      long rowElements = 1;
      for (int d = 1; d < output.rank(); d++) {
        rowElements *= output.dim(d);
      }
      long[] shape = output.shape();
      shape[0] = rows;
      ByteBuffer data = output.data();
      if (output.type() == DataType.BYTES) {
        int start = skipElements(data, 0, firstRow * rowElements);
        int end = skipElements(data, start, rows * rowElements);
        sliced.add(Tensor.of(output.name(), output.type(), shape, data.slice(start, end - start)));
      } else {
        long rowBytes = rowElements * output.type().byteSize();
        sliced.add(Tensor.of(output.name(), output.type(), shape,
            data.slice(Math.toIntExact(firstRow * rowBytes), Math.toIntExact(rows * rowBytes))));
      }
    }
    return sliced;
  }

  private static int skipElements(ByteBuffer data, int position, long elements) {
    ByteBuffer view = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int at = position;
    for (long i = 0; i < elements; i++) {
      at += 4 + view.getInt(at);
    }
    return at;
  }

  private static Tensor find(List<Tensor> tensors, String name) {
    for (Tensor tensor : tensors) {
      if (tensor.name().equals(name)) {
        return tensor;
      }
    }
    return null;
  }
}
