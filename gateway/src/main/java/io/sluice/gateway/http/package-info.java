/**
 * The HTTP/1.1 front end: the Open Inference Protocol's REST binding with Triton's extensions (binary tensor
 * data, model configuration, statistics), on Netty. It only decodes and encodes; every inference goes through the
 * shared {@link io.sluice.gateway.core.InferenceDispatcher}, everything else through
 * {@link io.sluice.gateway.core.ServerQueries}.
 *
 * <p>Entry points: {@link io.sluice.gateway.http.HttpFrontEnd} (the listener) configured by
 * {@link io.sluice.gateway.http.HttpOptions}; {@link io.sluice.gateway.http.InOrderHttpConnection}, the
 * per-connection plumbing (one request at a time, in order; pipelining limit, keep-alive, idle close, drain) that
 * the admin listener builds on too. Inside: {@code HttpRequestHandler} (routing via {@code HttpRoute}),
 * {@code InferRequestDecoder}/{@code JsonTensorReader} (JSON and binary bodies into direct tensor buffers with
 * Jackson's streaming parser), {@code InferResponseEncoder}, {@code ProtoJson} (protocol messages as JSON:
 * snake_case names, 64-bit integers as numbers, enums by name) and {@code HttpResponses} (JSON and error bodies).
 *
 * <p>Policies:
 * <ul>
 *   <li><b>Non-finite floats.</b> JSON has no NaN or infinities. Responses (tensor data and protocol messages)
 *       write them as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, so bodies stay
 *       valid JSON. JSON requests cannot carry them: a string, or a number that overflows FP32/FP64, is rejected
 *       with 400; send such values with the binary tensor extension, which passes them to the model as they are.
 *   <li><b>FP16 and BF16.</b> Binary only. JSON {@code data} for an FP16/BF16 input is rejected with 400; FP16
 *       and BF16 outputs are always returned as binary ({@code binary_data_size}, octet-stream response), even
 *       when the client did not ask for binary outputs.
 *   <li><b>{@code Inference-Header-Content-Length: 0}</b> (a body that is one raw tensor with no JSON header) is
 *       rejected with 400: the JSON header must describe the inputs.
 *   <li><b>BYTES.</b> JSON elements are strings, stored as their UTF-8 bytes; JSON outputs decode elements as
 *       UTF-8 (malformed sequences become U+FFFD), so arbitrary bytes should be requested as binary.
 *   <li><b>Limits.</b> Bodies over {@link io.sluice.gateway.http.HttpOptions#maxBodyBytes()} get 413 and the
 *       connection closes without reading the rest; request line and headers over their limits get 414/431 and
 *       close; broken framing gets 400 and close. JSON nests at most 64 levels. A connection idle for
 *       {@link io.sluice.gateway.http.HttpOptions#idleTimeoutSeconds()} closes, and a request must arrive whole
 *       within that time of its first byte. Compressed bodies are not supported (415).
 *   <li><b>Errors</b> are {@code {"error":"<message>"}} with the status of
 *       {@link io.sluice.gateway.core.GatewayErrors#httpStatus}; messages name the input and what was expected,
 *       never a file path, class name or parser detail.
 * </ul>
 */
package io.sluice.gateway.http;
