package io.hypersdk.convert.bootcheck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SerialConsoleTest {
  static SerialConsole fed(String... chunks) {
    SerialConsole c = new SerialConsole();
    for (String s : chunks) {
      c.feed(s.toCharArray(), s.length());
    }
    return c;
  }

  @Test
  void aPromptWithoutNewlineIsUpAndEscapesAreStripped() {
    SerialConsole c = fed("\u001B[0m\u001B[1mDebian GNU/Linux 12 vm ttyS0\u001B[0m\r\n\r\nvm lo", "gin: ");
    assertThat(c.event().up()).isTrue();
    assertThat(c.event().reason()).isEqualTo("login prompt");
    assertThat(c.tail()).containsExactly("Debian GNU/Linux 12 vm ttyS0", "vm login:");
    assertThat(c.lastLine()).isEqualTo("vm login:");
  }

  @Test
  void multiUserTargetIsUp() {
    assertThat(fed("[  OK  ] Reached target \u001B[0;1;39mMulti-User System\u001B[0m.\r\n").event().reason())
        .isEqualTo("multi-user.target");
  }

  @Test
  void failuresKeepTheFirstDetail() {
    assertThat(fed("Booting from Hard Disk...\r\nBoot fai", "led: not a bootable disk\r\n\r\nNo bootable device.\r\n")
        .event().reason()).isEqualTo("no boot disk found by the firmware (Boot failed: not a bootable disk)");
    assertThat(fed("[FAILED] Failed to mount /home.\r\nYou are in emergency mode. After logging in...\r\n").event())
        .satisfies(e -> {
          assertThat(e.up()).isFalse();
          assertThat(e.reason()).isEqualTo("the guest stopped in emergency mode ([FAILED] Failed to mount /home.): a "
              + "file system or device in its configuration is missing on KVM");
        });
    assertThat(fed("error: no such device: 1234-abcd.\r\nEntering rescue mode...\r\ngrub rescue> ").event().reason())
        .isEqualTo("GRUB stopped at its rescue prompt (error: no such device: 1234-abcd.): it cannot find its own "
            + "files on the boot disk");
    assertThat(fed("BdsDxe: loading Boot0001 \"EFI Internal Shell\" from Fv(7CB8)\r\n",
        "\u001B[2J\u001B[01;01HUEFI Interactive Shell v2.2\r\n").event().reason())
        .isEqualTo("no boot disk found by the firmware (UEFI saw no disk: its OVMF has no driver for the disk "
            + "controller, e.g. pvscsi or lsilogic)");
    assertThat(fed("Warning: /dev/mapper/rhel-root does not exist\r\n").event().reason())
        .startsWith("the root device was not found (Warning: /dev/mapper/rhel-root does not exist)");
  }

  @Test
  void theFirstDecisiveLineWinsAndTheTailIsBounded() {
    SerialConsole c = new SerialConsole();
    for (int i = 0; i < 100; i++) {
      String l = "line " + i + "\n";
      c.feed(l.toCharArray(), l.length());
    }
    String panic = "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\nlogin: ";
    c.feed(panic.toCharArray(), panic.length());
    assertThat(c.event().reason()).isEqualTo("kernel panic: VFS: Unable to mount root fs on unknown-block(0,0)");
    assertThat(c.tail()).hasSize(40).endsWith("login:");
    assertThat(new SerialConsole().silent()).isTrue();
  }
}
