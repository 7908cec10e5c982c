package io.sluice.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminRoutesTest {
  private static final AdminHandler TRAFFIC = AdminHandler.of(request -> AdminResponse.text(200, "traffic"));
  private static final AdminHandler PUT_TRAFFIC = AdminHandler.of(request -> AdminResponse.text(200, "put"));
  private static final AdminHandler ACTION = AdminHandler.of(request -> AdminResponse.text(200, "action"));
  private static final AdminHandler PAUSE = AdminHandler.of(request -> AdminResponse.text(200, "pause"));

  private final AdminRoutes routes = new AdminRoutes()
      .add(HttpMethod.GET, "/admin/v1/models/{m}/traffic", TRAFFIC)
      .add(HttpMethod.PUT, "/admin/v1/models/{m}/traffic", PUT_TRAFFIC)
      .add(HttpMethod.POST, "/admin/v1/models/{m}/rollout/{action}", ACTION)
      .add(HttpMethod.POST, "/admin/v1/models/{m}/rollout/pause", PAUSE);

  @Test
  void matchesByMethodAndDecodesPathParameters() {
    AdminRoutes.Match get = routes.match(HttpMethod.GET, "/admin/v1/models/my%2Dmodel/traffic");
    assertThat(get.handler()).isSameAs(TRAFFIC);
    assertThat(get.pathParams()).isEqualTo(Map.of("m", "my-model"));

    assertThat(routes.match(HttpMethod.PUT, "/admin/v1/models/m/traffic").handler()).isSameAs(PUT_TRAFFIC);
  }

  @Test
  void theTemplateWithMoreLiteralSegmentsWins() {
    assertThat(routes.match(HttpMethod.POST, "/admin/v1/models/m/rollout/pause").handler()).isSameAs(PAUSE);
    AdminRoutes.Match resume = routes.match(HttpMethod.POST, "/admin/v1/models/m/rollout/resume");
    assertThat(resume.handler()).isSameAs(ACTION);
    assertThat(resume.pathParams()).isEqualTo(Map.of("m", "m", "action", "resume"));
  }

  @Test
  void aPathMatchedOnlyByOtherMethodsListsThem() {
    AdminRoutes.Match delete = routes.match(HttpMethod.DELETE, "/admin/v1/models/m/traffic");

    assertThat(delete.found()).isFalse();
    assertThat(delete.allowed()).containsExactly(HttpMethod.GET, HttpMethod.PUT);
  }

  @Test
  void unknownPathsMatchNothing() {
    for (String path : new String[] {"/", "", "/admin/v1/models/m", "/admin/v1/models//traffic",
        "/admin/v1/models/m/traffic/", "/admin/v1/models/m/traffic/extra", "/admin/v1/models/m/%74raffic",
        "/admin/v1/models/%zz/traffic"}) {
      AdminRoutes.Match match = routes.match(HttpMethod.GET, path);
      assertThat(match.found()).as(path).isFalse();
      assertThat(match.allowed()).as(path).isEmpty();
    }
  }

  @Test
  void malformedOrClashingTemplatesAreRejected() {
    AdminHandler handler = TRAFFIC;
    for (String template : new String[] {"", "/", "relative", "/a//b", "/a/{}", "/a/{x}/{x}", "/a/{bad-name}",
        "/a/b{c}", "/a/%41"}) {
      assertThatThrownBy(() -> new AdminRoutes().add(HttpMethod.GET, template, handler)).as(template)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> routes.add(HttpMethod.GET, "/admin/v1/models/{other}/traffic", handler))
        .hasMessageContaining("clashes with /admin/v1/models/{m}/traffic");
  }

  @Test
  void describeListsRoutesInOrder() {
    assertThat(routes.describe()).containsExactly("GET /admin/v1/models/{m}/traffic",
        "PUT /admin/v1/models/{m}/traffic", "POST /admin/v1/models/{m}/rollout/{action}",
        "POST /admin/v1/models/{m}/rollout/pause");
  }
}
