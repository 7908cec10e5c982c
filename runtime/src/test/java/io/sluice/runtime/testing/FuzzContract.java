package io.sluice.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What every fuzz target checks about a rejection or an accepted request: a rejection carries one of the
 * documented codes and a message written for the caller (non-empty, no class or package names, no stack
 * frames, no file paths of this machine); an accepted request's tensors hold exactly the bytes their shapes
 * declare, in direct buffers.
 *
 * <p>Messages may echo what the client sent (input names, datatypes, pbtxt tokens), so a marker only counts as
 * a leak when the input does not hold it itself. The check uses the marker without its last character, since
 * an echoed name cut to its first 64 characters and followed by "..." could otherwise complete one.
 */
public final class FuzzContract {
  private static final List<String> MARKERS = markers();

  private FuzzContract() {}

  /** Fails unless {@code e} has one of {@code allowed} codes and a client-safe message. */
  public static void assertRejection(InferenceException e, byte[] input, ErrorCode... allowed) {
    assertThat(e.code()).as("error code of '%s'", e.getMessage()).isIn((Object[]) allowed);
    assertClientSafe(e.getMessage(), input);
  }

  /** Fails unless {@code message} is non-empty and leaks nothing that {@code input} does not hold itself. */
  public static void assertClientSafe(String message, byte[] input) {
    assertThat(message).as("rejection message").isNotNull().isNotBlank();
    // ISO-8859-1 keeps every byte, so an ASCII marker the client sent is found whatever the encoding
    String sent = new String(input, StandardCharsets.ISO_8859_1);
    for (String marker : MARKERS) {
      if (message.contains(marker) && !sent.contains(marker.substring(0, marker.length() - 1))) {
        throw new AssertionError("rejection message leaks '" + marker + "': " + message);
      }
    }
  }

  /** Fails unless every tensor's bytes match its shape and datatype, in a direct buffer. */
  public static void assertConsistent(List<Tensor> tensors) {
    for (Tensor tensor : tensors) {
      assertThat(tensor.data().isDirect()).as("tensor %s is direct", tensor.name()).isTrue();
      // throws InferenceException when the decoder built a tensor whose bytes disagree with its shape
      Tensors.checkSize(tensor.name(), tensor.type(), tensor.shape(), tensor.data());
    }
  }

  private static List<String> markers() {
    List<String> markers = new ArrayList<>(List.of("java.", "javax.", "jdk.", "io.sluice", "com.google",
        "com.fasterxml", "io.netty", "io.grpc", "Exception", "Error:", ".java:", "\tat ", ".class"));
    for (String property : new String[] {"user.dir", "user.home", "java.io.tmpdir", "java.home"}) {
      String path = System.getProperty(property);
      if (path != null && path.length() > 1) {
        markers.add(path);
      }
    }
    return List.copyOf(markers);
  }
}
