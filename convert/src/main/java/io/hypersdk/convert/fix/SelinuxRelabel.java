package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import java.util.regex.Pattern;

/**
 * Asks for a full SELinux relabel on the next boot where SELinux is enforcing: files written by the fix
 * stage (and the rebuilt initramfs) carry no labels, and an enforcing guest would refuse to use them.
 */
public final class SelinuxRelabel implements GuestFix {
  private static final Pattern ENFORCING = Pattern.compile("(?m)^\\s*SELINUX\\s*=\\s*enforcing\\s*$");

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    String config = guest.readIfExists("/etc/selinux/config");
    if (config != null && ENFORCING.matcher(config).find()) {
      guest.fish().require("touch /.autorelabel");
      guest.record("/.autorelabel", "created: SELinux relabels the filesystem on the next boot");
    }
  }
}
