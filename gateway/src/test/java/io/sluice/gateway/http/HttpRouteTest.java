package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import io.sluice.gateway.http.HttpRoute.Kind;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import org.junit.jupiter.api.Test;

class HttpRouteTest {
  private static HttpRoute route(String uri) {
    return HttpRoute.parse(uri);
  }

  @Test
  void serverEndpoints() {
    assertThat(route("/v2").kind()).isEqualTo(Kind.SERVER_METADATA);
    assertThat(route("/v2/").kind()).isEqualTo(Kind.SERVER_METADATA);
    assertThat(route("/v2/health/live").kind()).isEqualTo(Kind.SERVER_LIVE);
    assertThat(route("/v2/health/ready?verbose=1").kind()).isEqualTo(Kind.SERVER_READY);
    assertThat(route("/v2/models/stats").kind()).isEqualTo(Kind.ALL_STATISTICS);
  }

  @Test
  void modelEndpointsWithAndWithoutVersions() {
    assertThat(route("/v2/models/m")).isEqualTo(new HttpRoute(Kind.MODEL_METADATA, "m", ""));
    assertThat(route("/v2/models/m/versions/12")).isEqualTo(new HttpRoute(Kind.MODEL_METADATA, "m", "12"));
    assertThat(route("/v2/models/m/ready")).isEqualTo(new HttpRoute(Kind.MODEL_READY, "m", ""));
    assertThat(route("/v2/models/m/versions/2/infer")).isEqualTo(new HttpRoute(Kind.MODEL_INFER, "m", "2"));
    assertThat(route("/v2/models/m/config")).isEqualTo(new HttpRoute(Kind.MODEL_CONFIG, "m", ""));
    assertThat(route("/v2/models/m/versions/1/stats")).isEqualTo(new HttpRoute(Kind.MODEL_STATISTICS, "m", "1"));
    assertThat(route("/v2/models/m/infer?x=/y#z")).isEqualTo(new HttpRoute(Kind.MODEL_INFER, "m", ""));
    assertThat(route("http://example.com:8000/v2/models/m/ready").kind()).isEqualTo(Kind.MODEL_READY);
    assertThat(route("/v2/models/m/versions/v1/ready").version()).isEqualTo("v1");
  }

  @Test
  void onlyInferIsPost() {
    assertThat(route("/v2/models/m/infer").method()).isEqualTo(HttpMethod.POST);
    assertThat(route("/v2/models/m/ready").method()).isEqualTo(HttpMethod.GET);
    assertThat(route("/v2").method()).isEqualTo(HttpMethod.GET);
  }

  @Test
  void modelAndVersionSegmentsArePercentDecoded() {
    assertThat(route("/v2/models/my%5Fmodel/versions/%31/ready"))
        .isEqualTo(new HttpRoute(Kind.MODEL_READY, "my_model", "1"));
    assertThat(route("/v2/models/a+b").model()).isEqualTo("a+b");
    assertThat(route("/v2/models/%C3%BC").model()).isEqualTo("\u00fc");
    assertThat(route("/v2/models/..%2F..%2Fetc").model()).isEqualTo("../../etc");
  }

  @Test
  void malformedPercentEncodingIsInvalid() {
    for (String uri : new String[] {"/v2/models/a%2", "/v2/models/a%zz/ready", "/v2/models/%/infer",
        "/v2/models/m/versions/%g1"}) {
      assertThatThrownBy(() -> route(uri)).as(uri).isInstanceOfSatisfying(InferenceException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
  }

  @Test
  void repositoryRoutesArePosts() {
    assertThat(route("/v2/repository/index")).isEqualTo(new HttpRoute(Kind.REPOSITORY_INDEX, "", ""));
    assertThat(route("/v2/repository/models/a%2Fb/load")).isEqualTo(new HttpRoute(Kind.REPOSITORY_LOAD, "a/b", ""));
    assertThat(route("/v2/repository/models/m/unload").method().name()).isEqualTo("POST");
  }

  @Test
  void everythingElseIsNotFound() {
    for (String uri : new String[] {"/", "", "*", "/v1/models/m", "/v2/health", "/v2/health/sick",
        "/v2/models", "/v2/models/m/versions", "/v2/models/m/versions/", "/v2/models/m/versions//ready",
        "/v2/models/m/infer/extra", "/v2/models/m/unknown", "/v2/repository",
        "/v2/repository/models/m", "/v2/repository/models/m/reload", "/v2/repository/index/x", "/v2/models/m/versions/1/infer/a/b/c", "/v2x", "http://host"}) {
      assertThat(route(uri).kind()).as(uri).isEqualTo(Kind.NOT_FOUND);
    }
  }
}
