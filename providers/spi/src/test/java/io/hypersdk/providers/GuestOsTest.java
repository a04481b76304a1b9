package io.hypersdk.providers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GuestOsTest {
  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "rhel8_64Guest, linux", "ubuntu64Guest, linux", "other5xLinux64Guest, linux", "rockylinux_64Guest, linux",
      "windows2019srv_64Guest, windows", "winNetStandardGuest, windows",
      "otherGuest, unknown", "freebsd13_64Guest, unknown", "'', unknown", "null, unknown"})
  void familiesOfVmwareGuestIds(String guestId, String family) {
    assertThat(GuestOs.family(guestId)).isEqualTo(family);
  }
}
