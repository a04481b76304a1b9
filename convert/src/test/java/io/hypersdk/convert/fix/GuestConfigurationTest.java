package io.hypersdk.convert.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestConfigurationTest {
  private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHypersdkTestKey ops@example";

  @Test
  void theSupportedKeysAreRead() throws Exception {
    GuestConfiguration c = GuestConfiguration.parse(Map.of("hostname", "web01.example.com",
        "users", List.of(Map.of("name", "ops", "groups", List.of("sudo"), "ssh_authorized_keys", List.of(KEY),
            "password_hash", "$6$salt$hash")),
        "ssh_authorized_keys", Map.of("root", List.of(KEY))), true);

    assertThat(c.hostname()).isEqualTo("web01.example.com");
    assertThat(c.users()).singleElement().satisfies(u -> {
      assertThat(u.name()).isEqualTo("ops");
      assertThat(u.groups()).containsExactly("sudo");
      assertThat(u.sshAuthorizedKeys()).containsExactly(KEY);
    });
    assertThat(c.sshAuthorizedKeys()).containsEntry("root", List.of(KEY));
  }

  @Test
  void anUnknownKeyIsRefusedByName() {
    assertThatThrownBy(() -> GuestConfiguration.parse(Map.of("network", Map.of("dhcp", true)), true))
        .isInstanceOf(ConversionException.class)
        .hasMessage("configuration.network is not supported (supported: hostname, users, ssh_authorized_keys); "
            + "remove it from the manifest")
        .extracting(e -> ((ConversionException) e).kind()).isEqualTo(ConversionException.Kind.INVALID_MANIFEST);
  }

  @Test
  void aConfigurationWithTheFixStageOffIsRefused() {
    assertThatThrownBy(() -> GuestConfiguration.parse(Map.of("hostname", "web01"), false))
        .hasMessageStartingWith("configuration needs the fix stage");
  }

  @Test
  void clearTextPasswordsAndMalformedKeysAreRefused() {
    assertThatThrownBy(() -> GuestConfiguration.parse(Map.of("users", List.of(Map.of("name", "ops",
        "password_hash", "hunter2"))), true)).hasMessageContaining("never a clear-text password")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    assertThatThrownBy(() -> GuestConfiguration.parse(Map.of("ssh_authorized_keys", Map.of("root",
        List.of("not a key"))), true)).hasMessageContaining("not one OpenSSH public key line");
    assertThatThrownBy(() -> GuestConfiguration.parse(Map.of("users", List.of(Map.of("name", "Bad Name"))), true))
        .hasMessageContaining("is not a valid user or group name");
  }

  @Test
  void anEmptyBlockIsNothingToApply() throws Exception {
    assertThat(GuestConfiguration.parse(null, false).isEmpty()).isTrue();
    assertThat(GuestConfiguration.parse(Map.of(), false).isEmpty()).isTrue();
  }
}
