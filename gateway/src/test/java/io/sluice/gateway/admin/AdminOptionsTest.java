package io.sluice.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.tls.TlsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminOptionsTest {
  @TempDir Path dir;

  @Test
  void defaultsBindLoopbackOnPort8002WithoutAToken() {
    AdminOptions defaults = AdminOptions.defaults();

    assertThat(defaults.host()).isEqualTo("127.0.0.1");
    assertThat(defaults.port()).isEqualTo(8002);
    assertThat(defaults.tokenFile()).isNull();
    assertThat(defaults.bindsLoopback()).isTrue();
    assertThat(AdminOptions.loopback().port()).isZero();
  }

  @Test
  void loopbackAddressesNeedNoToken() {
    for (String host : new String[] {"127.0.0.1", "localhost", "LOCALHOST", "::1", "[::1]", "127.0.0.2"}) {
      assertThat(new AdminOptions(host, 0, null).bindsLoopback()).as(host).isTrue();
    }
  }

  @Test
  void anyOtherAddressRefusesToStartWithoutAToken() {
    for (String host : new String[] {"0.0.0.0", "::", "10.1.2.3", "192.168.0.1", "admin.example.com",
        "localhost.example.com"}) {
      assertThatThrownBy(() -> new AdminOptions(host, 8002, null)).as(host)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a loopback address")
          .hasMessageContaining("--admin-token-file");
    }
    assertThat(new AdminOptions("0.0.0.0", 8002, Path.of("tokens")).bindsLoopback()).isFalse();
  }

  @Test
  void anyAddressIsAllowedWithoutATokenWhenClientCertificatesAreRequired() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    TlsOptions tls = TlsOptions.of(cert, cert);

    AdminOptions mutual = new AdminOptions("0.0.0.0", 8002, null, tls.requireClientCertificates(cert));
    assertThat(mutual.tls().requiresClientCertificates()).isTrue();
    assertThat(mutual.bindsLoopback()).isFalse();
    assertThatThrownBy(() -> new AdminOptions("0.0.0.0", 8002, null, tls))
        .hasMessageContaining("not a loopback address")
        .hasMessageContaining("--admin-tls-client-ca");
    assertThat(new AdminOptions("127.0.0.1", 0, null, tls).tls()).isEqualTo(tls);
  }

  @Test
  void portsAreChecked() {
    assertThatThrownBy(() -> new AdminOptions("127.0.0.1", 65536, null))
        .hasMessage("admin port: 65536 (expected: 0..65535)");
    assertThatThrownBy(() -> new AdminOptions("127.0.0.1", -1, null))
        .hasMessage("admin port: -1 (expected: 0..65535)");
    assertThatThrownBy(() -> new AdminOptions("", 0, null)).hasMessageContaining("admin host: empty");
  }
}
