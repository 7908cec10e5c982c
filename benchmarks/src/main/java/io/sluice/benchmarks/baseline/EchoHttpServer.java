package io.sluice.benchmarks.baseline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.benchmarks.load.client.Target;
import io.sluice.gateway.transport.ServerTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The HTTP transport floor: a Netty HTTP/1.1 server with the gateway's event loop setup (NIO, one acceptor,
 * Netty's default worker count, {@code TCP_NODELAY}) and the standard codec and aggregator, that answers every
 * {@code POST /v2/models/..../infer} with the same canned v2 response, without reading the body. {@code GET} of
 * a model path answers canned metadata (so the load generator can build its requests); everything else is 404.
 *
 * <p>The canned answers are a live server's ({@code --clone http://HOST:PORT}: its metadata of {@code --model}
 * and its response to a request of zeros), or else built-in ones of the sample {@code tabular_classifier}.
 * The main prints the bound port as the only line on stdout and serves until the process is stopped.
 */
@Command(name = "echo-http", mixinStandardHelpOptions = true,
    description = "Answers every v2 infer request with a canned response: the HTTP transport floor.")
public final class EchoHttpServer implements AutoCloseable, Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODELS = "/v2/models/";

  @CommandLine.Mixin
  EchoOptions options;

  private EventLoopGroup acceptor;
  private EventLoopGroup workers;
  private AnswerThread answerThread;
  private Channel listener;

  /**
   * The canned answers.
   *
   * @param metadata the body of {@code GET /v2/models/M}
   * @param response the body of every infer answer
   */
  public record Canned(byte[] metadata, byte[] response) {

    /** The sample {@code tabular_classifier}'s metadata and a response of its size. */
    public static Canned sample() {
      String metadata = "{\"name\":\"tabular_classifier\",\"versions\":[\"1\",\"2\"],\"platform\":\"onnxruntime_onnx\","
          + "\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[-1,4]}],"
          + "\"outputs\":[{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,3]}]}";
      String response = "{\"model_name\":\"tabular_classifier\",\"model_version\":\"2\",\"outputs\":[{\"name\":"
          + "\"probabilities\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[0.25462136,0.40321985,0.34215882]}]}";
      return new Canned(metadata.getBytes(StandardCharsets.UTF_8), response.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The metadata of {@code model} on {@code server} and the server's response to one request of zeros (every
     * input FP32, variable dimensions as 1).
     *
     * @throws IOException when the server cannot be reached or answers an error
     */
    public static Canned cloneFrom(Target server, String model) throws IOException, InterruptedException {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://" + server.host() + ":" + server.port() + MODELS + model;
      HttpResponse<byte[]> metadata = client.send(HttpRequest.newBuilder(URI.create(base)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (metadata.statusCode() != 200) {
        throw new IOException("GET " + base + ": HTTP " + metadata.statusCode());
      }
      byte[] request = zerosRequest(JSON.readTree(metadata.body()));
      HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(base + "/infer"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IOException("POST " + base + "/infer: HTTP " + response.statusCode() + ": "
            + new String(response.body(), StandardCharsets.UTF_8));
      }
      return new Canned(metadata.body(), response.body());
    }

    /** {@code {"inputs":[{"name","shape","datatype":"FP32","data":[0,...]}]}} for the metadata's inputs. */
    static byte[] zerosRequest(JsonNode metadata) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
        json.writeStartObject();
        json.writeArrayFieldStart("inputs");
        for (JsonNode input : metadata.path("inputs")) {
          if (!input.path("datatype").asText().equals("FP32")) {
            throw new IllegalArgumentException("input '" + input.path("name").asText() + "': "
                + input.path("datatype").asText() + " (expected: FP32)");
          }
          json.writeStartObject();
          json.writeStringField("name", input.path("name").asText());
          json.writeArrayFieldStart("shape");
          long elements = 1;
          for (JsonNode dim : input.path("shape")) {
            long size = Math.max(1, dim.asLong());
            elements *= size;
            json.writeNumber(size);
          }
          json.writeEndArray();
          json.writeStringField("datatype", "FP32");
          json.writeArrayFieldStart("data");
          for (long i = 0; i < elements; i++) {
            json.writeNumber(0);
          }
          json.writeEndArray();
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new EchoHttpServer()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Canned canned = options.clone == null ? Canned.sample()
        : Canned.cloneFrom(Target.parse(options.clone), options.model);
    start(options.host, options.port, canned, options.handOff);
    return EchoOptions.serveUntilStopped("echo-http", this, port(), "listening on " + options.host + ":" + port()
        + " (" + ServerTransport.best() + " transport), infer response " + canned.response().length + " bytes"
        + (options.handOff ? ", answered from a worker thread" : ""));
  }

  /** Binds {@code host:port} and serves {@code canned}; {@link #port()} tells the bound port. */
  public EchoHttpServer start(String bindHost, int bindPort, Canned canned) throws InterruptedException {
    return start(bindHost, bindPort, canned, false);
  }

  /** As {@link #start(String, int, Canned)}, answering from a worker thread when {@code handOff}. */
  public EchoHttpServer start(String bindHost, int bindPort, Canned canned, boolean handOff)
      throws InterruptedException {
    // the transport Sluice's HTTP listener runs on, so the floor moves the bytes the same way
    ServerTransport transport = ServerTransport.best();
    acceptor = transport.eventLoops(1, "echo-http-accept");
    workers = transport.eventLoops(0, "echo-http");
    answerThread = AnswerThread.of(handOff, "echo-http-worker");
    Answers answers = new Answers(canned, answerThread);
    listener = new ServerBootstrap()
        .group(acceptor, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 << 20), answers);
          }
        })
        .bind(bindHost, bindPort).sync().channel();
    return this;
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public void close() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    if (acceptor != null) {
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (answerThread != null) {
      answerThread.close();
    }
  }

  /** Answers every request from the canned bytes; shared by all connections. */
  @ChannelHandler.Sharable
  private static final class Answers extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final byte[] metadata;
    private final byte[] response;
    private final AnswerThread answerThread;

    Answers(Canned canned, AnswerThread answerThread) {
      this.metadata = canned.metadata().clone();
      this.response = canned.response().clone();
      this.answerThread = answerThread;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String uri = request.uri();
      byte[] body = null;
      if (uri.startsWith(MODELS)) {
        if (request.method().equals(HttpMethod.POST) && uri.endsWith("/infer")) {
          body = response;
        } else if (request.method().equals(HttpMethod.GET) && !uri.endsWith("/stats") && !uri.endsWith("/ready")
            && !uri.endsWith("/config")) {
          body = metadata;
        }
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      byte[] answerBody = body;
      answerThread.execute(() -> answer(ctx, answerBody, keepAlive));
    }

    private static void answer(ChannelHandlerContext ctx, byte[] body, boolean keepAlive) {
      FullHttpResponse answer;
      if (body == null) {
        answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
        answer.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      } else {
        // one copy into a pooled buffer per answer, as a server encoding its response does at the least
        ByteBuf content = ctx.alloc().buffer(body.length).writeBytes(body);
        answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
        answer.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      }
      if (!keepAlive) {
        answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      ChannelFuture written = ctx.writeAndFlush(answer);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
