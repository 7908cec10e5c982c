package io.sluice.gateway.hardening;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.sluice.gateway.contract.ContractServer;
import io.sluice.gateway.contract.HttpProtocolClient.Body;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.proto.inference.ModelInferRequest;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A change to a case's rendered request that only one wire form can express, applied between rendering and
 * sending. Each tweak names the paths it exists on.
 */
enum Tweak {
  NONE(EnumSet.allOf(WirePath.class)),
  /** Four bytes after the binary part that no {@code binary_data_size} accounts for. */
  TRAILING_BINARY_BYTES(EnumSet.of(WirePath.BINARY)),
  /** The body ends four bytes before the binary part the sizes announce. */
  MISSING_BINARY_BYTES(EnumSet.of(WirePath.BINARY)),
  /** {@code binary_data_size} without the {@code Inference-Header-Content-Length} header. */
  NO_HEADER_LENGTH(EnumSet.of(WirePath.BINARY)),
  /** {@code Inference-Header-Content-Length} one byte longer than the whole body. */
  HEADER_LENGTH_PAST_BODY(EnumSet.of(WirePath.BINARY)),
  /** One more {@code raw_input_contents} entry than there are inputs. */
  EXTRA_RAW_CONTENT(EnumSet.of(WirePath.GRPC_RAW)),
  /** The last {@code raw_input_contents} entry left out. */
  MISSING_RAW_CONTENT(EnumSet.of(WirePath.GRPC_RAW)),
  /** The first input also carries typed contents next to its raw contents. */
  RAW_AND_TYPED(EnumSet.of(WirePath.GRPC_RAW)),
  /** The first input's data grown to one byte over the server's message limit. */
  OVER_MAX_MESSAGE(EnumSet.of(WirePath.GRPC_RAW, WirePath.GRPC_TYPED)),
  /** A client deadline that has passed when the call starts: the client fails it without sending it. */
  CLIENT_DEADLINE_PASSED(EnumSet.of(WirePath.GRPC_RAW, WirePath.GRPC_TYPED)),
  /**
   * {@code grpc-timeout: 0n} and no client deadline (which would replace the header): only the server sees the
   * deadline, and it has passed when the call arrives, as when it ran out in transit.
   */
  DEADLINE_PASSED_ON_ARRIVAL(EnumSet.of(WirePath.GRPC_RAW, WirePath.GRPC_TYPED));

  private static final Metadata.Key<String> TIMEOUT = Metadata.Key.of("grpc-timeout",
      Metadata.ASCII_STRING_MARSHALLER);

  final Set<WirePath> paths;

  Tweak(Set<WirePath> paths) {
    this.paths = paths;
  }

  Body apply(Body body) {
    switch (this) {
      case TRAILING_BINARY_BYTES:
        return body.withTrailing(new byte[4]);
      case MISSING_BINARY_BYTES:
        return body.truncated(4);
      case NO_HEADER_LENGTH:
        return body.withHeaderLength(null);
      case HEADER_LENGTH_PAST_BODY:
        return body.withHeaderLength(Integer.toString(body.bytes().length + 1));
      default:
        return body;
    }
  }

  ModelInferRequest apply(ModelInferRequest request) {
    ModelInferRequest.Builder builder = request.toBuilder();
    switch (this) {
      case EXTRA_RAW_CONTENT:
        return builder.addRawInputContents(request.getRawInputContents(0)).build();
      case MISSING_RAW_CONTENT: {
        builder.clearRawInputContents();
        for (int i = 0; i < request.getRawInputContentsCount() - 1; i++) {
          builder.addRawInputContents(request.getRawInputContents(i));
        }
        return builder.build();
      }
      case RAW_AND_TYPED:
        builder.getInputsBuilder(0).setContents(InferTensorContents.newBuilder().addFp32Contents(1f));
        return builder.build();
      case OVER_MAX_MESSAGE:
        if (request.getRawInputContentsCount() > 0) {
          return builder.setRawInputContents(0, ByteString.copyFrom(new byte[ContractServer.MAX_MESSAGE_BYTES + 1]))
              .build();
        }
        builder.getInputsBuilder(0).setContents(InferTensorContents.newBuilder()
            .addAllFp32Contents(Collections.nCopies(ContractServer.MAX_MESSAGE_BYTES / 4 + 1, 0f)));
        return builder.build();
      default:
        return request;
    }
  }

  ClientInterceptor[] interceptors() {
    if (this == CLIENT_DEADLINE_PASSED || this == DEADLINE_PASSED_ON_ARRIVAL) {
      return new ClientInterceptor[] {new NoTimeLeft(this == CLIENT_DEADLINE_PASSED)};
    }
    return new ClientInterceptor[0];
  }

  /** Gives the call no time: as its own deadline, or only in the {@code grpc-timeout} header. */
  private static final class NoTimeLeft implements ClientInterceptor {
    private final boolean clientDeadline;

    NoTimeLeft(boolean clientDeadline) {
      this.clientDeadline = clientDeadline;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if (clientDeadline) {
        return next.newCall(method, options.withDeadlineAfter(0, TimeUnit.NANOSECONDS));
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options.withDeadline(null))) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          headers.put(TIMEOUT, "0n");
          super.start(listener, headers);
        }
      };
    }
  }
}
