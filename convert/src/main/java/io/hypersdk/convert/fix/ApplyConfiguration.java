package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the manifest's {@code configuration} block inside the guest: host name, users (created with the
 * guest's own useradd, so its policies and skeleton apply) and SSH keys appended to authorized_keys. Key and
 * password contents are never written to the change list, only who got what.
 */
public final class ApplyConfiguration implements GuestFix {
  private final GuestConfiguration config;

  public ApplyConfiguration(GuestConfiguration config) {
    this.config = config;
  }

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    Guestfish fish = guest.fish();
    if (config.hostname() != null) {
      guest.replace("/etc/hostname", guest.readIfExists("/etc/hostname"), config.hostname() + "\n",
          "host name set to " + config.hostname() + " (configuration.hostname)");
    }
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (GuestConfiguration.User u : config.users()) {
      boolean exists = fish.sh("getent passwd " + u.name() + " >/dev/null").ok();
      if (!exists) {
        run(fish, "useradd -m -s /bin/bash " + u.name(), "creating user " + u.name());
        guest.record("/etc/passwd", "user " + u.name() + " created (configuration.users)");
      }
      if (!u.groups().isEmpty()) {
        for (String g : u.groups()) {
          if (!fish.sh("getent group " + g + " >/dev/null").ok()) {
            throw new ConversionException(Kind.CONVERSION, "configuration.users: group " + g + " for user "
                + u.name() + " does not exist in the guest");
          }
        }
        run(fish, "usermod -a -G " + String.join(",", u.groups()) + " " + u.name(), "adding " + u.name()
            + " to groups");
        guest.record("/etc/group", "user " + u.name() + " added to " + String.join(", ", u.groups()));
      }
      if (u.passwordHash() != null) {
        // The hash goes through a file, never a command line that process listings would show.
        fish.write("/root/.hypersdk-password", u.name() + ":" + u.passwordHash() + "\n");
        run(fish, "chpasswd -e < /root/.hypersdk-password; rc=$?; rm -f /root/.hypersdk-password; exit $rc",
            "setting the password of " + u.name());
        guest.record("/etc/shadow", "password hash of " + u.name() + " set (configuration.users)");
      }
      keys.computeIfAbsent(u.name(), n -> new ArrayList<>()).addAll(u.sshAuthorizedKeys());
    }
    config.sshAuthorizedKeys().forEach((user, k) -> keys.computeIfAbsent(user, n -> new ArrayList<>()).addAll(k));
    for (Map.Entry<String, List<String>> e : keys.entrySet()) {
      if (!e.getValue().isEmpty()) {
        addKeys(guest, e.getKey(), e.getValue());
      }
    }
  }

  private static void addKeys(Guest guest, String user, List<String> keys) throws ConversionException,
      InterruptedException {
    Guestfish fish = guest.fish();
    Guestfish.Reply entry = fish.sh("getent passwd " + user);
    if (!entry.ok()) {
      throw new ConversionException(Kind.CONVERSION, "configuration.ssh_authorized_keys: user " + user
          + " does not exist in the guest; add it under configuration.users");
    }
    String[] f = entry.text().trim().split(":");
    if (f.length < 6) {
      throw new ConversionException(Kind.CONVERSION, "cannot read the passwd entry of user " + user);
    }
    String home = f[5];
    String file = home + "/.ssh/authorized_keys";
    String old = guest.readIfExists(file);
    StringBuilder content = new StringBuilder(old == null ? "" : old);
    if (content.length() > 0 && content.charAt(content.length() - 1) != '\n') {
      content.append('\n');
    }
    int added = 0;
    for (String k : keys) {
      if (old == null || !old.contains(k)) {
        content.append(k).append('\n');
        added++;
      }
    }
    if (added == 0) {
      return;
    }
    fish.require("mkdir-p " + Guestfish.quote(home + "/.ssh"));
    guest.replace(file, old, content.toString(), added + " SSH key(s) added for " + user
        + " (configuration)");
    run(fish, "chown -R " + f[2] + ":" + f[3] + " '" + home + "/.ssh' && chmod 700 '" + home + "/.ssh' && chmod 600 '"
        + file + "'", "setting the owner of " + file);
  }

  private static void run(Guestfish fish, String command, String what) throws ConversionException,
      InterruptedException {
    Guestfish.Reply r = fish.sh(command + " 2>&1");
    if (!r.ok()) {
      throw new ConversionException(Kind.CONVERSION, what + " failed in the guest: " + Guestfish.oneLine(r.error()));
    }
  }
}
